"""How large an upload may be, checked before any of its rows is parsed."""

from django.conf import settings

from config.exceptions import PayloadTooLarge


def max_bytes() -> int:
    return settings.IMPORT_MAX_BYTES


def max_rows() -> int:
    return settings.IMPORT_MAX_ROWS


def background_rows() -> int:
    return settings.IMPORT_BACKGROUND_ROWS


def too_large() -> PayloadTooLarge:
    return PayloadTooLarge(f"file: The file is larger than the limit of {max_bytes()} bytes.")


def size_check(size: int | None) -> None:
    """Refuses a file whose size (declared, or as received) is over the limit."""
    if size is not None and size > max_bytes():
        raise too_large()


def rows_count(upload) -> int:
    """The rows after the header, from one pass over the file's chunks.

    Line breaks are counted (\\n, \\r\\n or a lone \\r, as the CSV reader
    takes them) without parsing the CSV, so the count is cheap and never
    below the rows the import will read: a quoted cell holding a line break
    counts as two rows, a blank line as one.
    """
    breaks = 0
    last = b""
    for chunk in upload.chunks():
        if not chunk:
            continue
        breaks += chunk.count(b"\n") + chunk.count(b"\r") - chunk.count(b"\r\n")
        if last == b"\r" and chunk[:1] == b"\n":
            breaks -= 1  # a \r\n split between two chunks
        last = chunk[-1:]
    lines = breaks + (1 if last not in (b"", b"\n", b"\r") else 0)
    return max(lines - 1, 0)


def rows_check(rows: int) -> None:
    limit = max_rows()
    if rows > limit:
        raise PayloadTooLarge(f"file: The file has more than the limit of {limit} rows.")
