from datetime import UTC, date, datetime
from decimal import Decimal

from lending.services.imports.loader import CopyTextMemo, copy_line


def test_copy_line_plain_and_escaped():
    memo = CopyTextMemo()
    stamp = datetime(2025, 3, 9, 10, 30, tzinfo=UTC)
    assert copy_line(("a", None, 5, Decimal("1.50"), date(2025, 1, 2), stamp), memo) == (
        "a\t\\N\t5\t1.50\t2025-01-02\t2025-03-09T10:30:00+00:00"
    )
    assert copy_line(("tab\there", "new\nline", "back\\slash", "\\N", "cr\r"), memo) == (
        "tab\\there\tnew\\nline\tback\\\\slash\t\\\\N\tcr\\r"
    )
