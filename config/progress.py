"""Progress bars for management commands, on standard error.

A bar is drawn when standard error is a terminal, or when the command is given
`--progress`; `--no-progress` turns it off. Services never draw anything: they
take a callback or yield their work, and the command moves the bar.
"""

import argparse
import sys

from django.core.management.base import BaseCommand
from tqdm import tqdm


class ProgressCommand(BaseCommand):
    """A command with `--progress/--no-progress` and `self.progress(...)` bars."""

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.add_argument(
            "--progress",
            action=argparse.BooleanOptionalAction,
            default=None,
            help="Show a progress bar on standard error (default: only when it is a terminal).",
        )
        return parser

    def execute(self, *args, **options):
        self._progress_choice = options.get("progress")
        return super().execute(*args, **options)

    def _stderr(self):
        # Django's OutputWrapper appends a newline to every write, which breaks a bar.
        return getattr(self.stderr, "_out", sys.stderr)

    def progress_enabled(self) -> bool:
        choice = getattr(self, "_progress_choice", None)
        if choice is not None:
            return choice
        stream = self._stderr()
        return bool(getattr(stream, "isatty", lambda: False)())

    def progress(self, iterable=None, *, total=None, desc: str = "", unit: str = "it") -> tqdm:
        """A tqdm bar (a silent one when progress is off), usable as an iterator or by hand."""
        return tqdm(
            iterable,
            total=total,
            desc=desc,
            unit=unit,
            file=self._stderr(),
            disable=not self.progress_enabled(),
            dynamic_ncols=True,
            leave=True,
        )


class StepBar:
    """A bar over the named steps of one long job: each step's name shows as it begins."""

    def __init__(self, bar: tqdm):
        self.bar = bar
        self._begun = False

    def __call__(self, name: str) -> None:
        if self._begun:
            self.bar.update(1)
        self._begun = True
        self.bar.set_description(name)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, *exc_info):
        if exc_type is None and self._begun:
            self.bar.update(1)
        self.bar.close()
        return False
