"""Views of notifications, content and contact messages (seed 004)."""
