"""Compare a reply with a seed document's example reply: keys, nesting and JSON types.

Values may differ (ids, times, tokens); what a client parses may not. A documented
object's keys must all be present, with the documented JSON type; extra keys are
allowed, since a client that does not know them ignores them. A documented list is
compared element by element against its first documented element. A documented
``null`` says nothing about the type, so any value passes there.
"""

from __future__ import annotations

import json
from typing import Any


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    raise TypeError(f"not a JSON value: {type(value).__name__}")


def shape_differences(
    actual: Any, documented: Any, *, path: str = "$", nullable: frozenset[str] = frozenset()
) -> list[str]:
    """Every place where ``actual`` does not have the shape of ``documented``.

    ``nullable`` names paths (such as ``$.data.user.profile_photo``) where the reply may
    be ``null`` although the document shows a value: a field the seed fills in its
    example but a fresh record does not have.
    """
    if documented is None:
        return []
    if actual is None and path in nullable:
        return []
    want, got = json_type(documented), json_type(actual)
    if want != got:
        return [f"{path}: documented {want}, got {got} ({json.dumps(actual)[:80]})"]
    problems: list[str] = []
    if want == "object":
        for key, value in documented.items():
            child = f"{path}.{key}"
            if key not in actual:
                problems.append(f"{child}: documented, missing")
                continue
            problems += shape_differences(actual[key], value, path=child, nullable=nullable)
    elif want == "array" and documented:
        for index, item in enumerate(actual):
            problems += shape_differences(
                item, documented[0], path=f"{path}[{index}]", nullable=_each(nullable, path, index)
            )
    return problems


def _each(nullable: frozenset[str], path: str, index: int) -> frozenset[str]:
    # "$.items[].x" in ``nullable`` applies to every element of $.items.
    prefix = f"{path}[]"
    return nullable | {
        p.replace(prefix, f"{path}[{index}]", 1) for p in nullable if p.startswith(prefix)
    }


def assert_shape(
    actual: Any, documented: Any, *, nullable: set[str] | frozenset[str] = frozenset()
) -> None:
    problems = shape_differences(actual, documented, nullable=frozenset(nullable))
    assert not problems, "reply differs from the documented shape:\n" + "\n".join(problems)
