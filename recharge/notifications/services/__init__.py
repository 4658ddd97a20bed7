"""Writes of the notifications package, one module per use case."""
