"""Every report, declared once. Importing this package registers them all."""

from reports.definitions import isp, people, recharge, system  # noqa: F401
