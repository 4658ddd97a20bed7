"""Reading a large query through a server-side cursor, or PostgreSQL's COPY."""

from django.core.exceptions import EmptyResultSet
from django.db import connections, transaction
from django.db.models.sql.constants import MULTI

CHUNK = 2000  # rows per fetch: few round trips, and a batch stays a few MB at most
BLOCK = 256 * 1024  # bytes of COPY output handed on at once


def batches(queryset, *, chunk: int | None = None):
    """Lists of value tuples of a values_list() queryset, `chunk` rows each.

    On PostgreSQL the rows come through a named cursor inside a transaction (a
    plain server-side cursor; outside one, Django declares it WITH HOLD, which has
    the server copy the whole result before the first row). Elsewhere the
    compiler's own chunked read is used. The fields' conversions apply either way,
    as they would for a queryset.
    """
    chunk = chunk or CHUNK
    connection = connections[queryset.db]
    compiler = queryset.query.get_compiler(using=queryset.db)
    if connection.vendor != "postgresql":
        results = compiler.execute_sql(MULTI, chunked_fetch=True, chunk_size=chunk)
        if results is not None:
            yield from _converted(compiler, results)
        return
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return
    with transaction.atomic(using=queryset.db):
        cursor = connection.chunked_cursor()
        try:
            cursor.execute(sql, params)
            yield from _converted(compiler, iter(lambda: cursor.fetchmany(chunk), []))
        finally:
            cursor.close()


def _converted(compiler, results):
    converters = compiler.get_converters(
        [selected[0] for selected in compiler.select[: compiler.col_count]]
    )
    for batch in results:
        yield list(compiler.apply_converters(batch, converters)) if converters else batch


def pg_copy_csv(queryset):
    """The rows of a values_list() queryset as CSV bytes from COPY ... TO STDOUT, in blocks.

    PostgreSQL writes the file itself, so the rows never become Python objects.
    Dates are written in ISO form and UTC, whatever the session's settings. If the
    reader stops early, psycopg cancels the COPY and the transaction is rolled back.
    """
    compiler = queryset.query.get_compiler(using=queryset.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return
    connection = connections[queryset.db]
    with transaction.atomic(using=queryset.db), connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('datestyle', 'ISO, YMD', true), set_config('timezone', 'UTC', true)"
        )
        statement = f"COPY ({sql}) TO STDOUT (FORMAT csv)"
        with cursor.cursor.copy(statement, params or None) as copy:
            block = bytearray()
            for row in copy:
                block += row
                if len(block) >= BLOCK:
                    yield bytes(block)
                    block.clear()
            if block:
                yield bytes(block)
