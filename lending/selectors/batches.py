from collections.abc import Iterator, Sequence

from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL


def lookup_batches(field: str, values: Sequence) -> Iterator[Q]:
    """Filters matching `field` against all `values`, in as few queries as the database allows.

    PostgreSQL takes all the values in one parameter, a comma-separated string
    split on the server (far cheaper to send than an array of 100,000
    elements); elsewhere they go in slices small enough for `IN (...)`.
    """
    if not values:
        return
    if connection.vendor == "postgresql":
        if isinstance(values[0], int):
            text, cast = ",".join(map(str, values)), "bigint"
        else:
            text, cast = ",".join(values), "text"
            if text.count(",") != len(values) - 1:
                raise ValueError("Values passed to lookup_batches cannot contain commas.")
        # Only the cast, one of two constants, is written into the SQL; the values are a parameter.
        split = RawSQL(f"SELECT unnest(string_to_array(%s, ','))::{cast}", [text])  # noqa: S611
        yield Q(**{f"{field}__in": split})
        return
    for start in range(0, len(values), 900):
        yield Q(**{f"{field}__in": values[start : start + 900]})
