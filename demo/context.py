"""What every section of the demo shares: the size, seeded randomness, the acting admin,
the accounts to print, and a progress bar factory."""

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from accounts.models import User
from demo.sizes import Size

# One seed for everything: the same size gives the same data on every run.
SEED = 20240601
# Every account the demo prints signs in with this password.
DEMO_PASSWORD = "Demo-Platform-2024"  # noqa: S105 (published on purpose: demo accounts only)
# Addresses under example.com (RFC 2606) never reach a real mailbox.
EMAIL_DOMAIN = "demo.example.com"


@dataclass(frozen=True)
class Account:
    """One line of the sign-in table printed at the end."""

    role: str
    login: str
    email: str
    fits: str  # the front end or seed the account is for
    second_factor: bool


Progress = Callable[..., Iterable]


@dataclass
class Demo:
    size: Size
    admin: User
    today: date
    progress: Progress
    accounts: list[Account] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)

    def rng(self, section: str) -> random.Random:
        """A generator of its own per section, so one section's draws never shift another's."""
        return random.Random(f"{SEED}:{self.size.name}:{section}")  # noqa: S311 (repeatable, not secret)

    def email(self, login: str) -> str:
        return f"{login.replace('_', '.')}@{EMAIL_DOMAIN}"

    def show(self, account: Account) -> None:
        if all(existing.role != account.role for existing in self.accounts):
            self.accounts.append(account)

    def note(self, line: str) -> None:
        self.summary.append(line)
