"""Seed 002's reply contract (RepaySync loan collections).

Successful replies are the plain bodies the seed shows. Its errors come in two
forms, `{"error": "No file provided."}` and `{"errors": {"name": [...]}}`; every
error here carries both the design keys and `error` (the message), and a
refused input `errors` by field as well, so a client reading either form works.
"""

from config.contracts import Contract

REPAYSYNC = "repaysync"

_FIELD_MESSAGES = {
    "oneOf": [
        {"type": "array", "items": {"oneOf": [{"type": "string"}, {"type": "object"}]}},
        {"type": "object"},
    ]
}


class RepaySyncContract(Contract):
    name = REPAYSYNC

    def success(self, *, status, data, message):
        return status, data

    def error(self, *, status, body, message):
        if not isinstance(body, dict):
            return status, body
        return status, {**body, "error": body.get("message") or message or ""}

    def success_schema(self, data_schema):
        return data_schema

    def error_schema(self):
        return {
            "type": "object",
            "description": (
                "Seed 002's error: `error` is the message; a refused input names each "
                "field in `errors`. A request refused before it reaches the route (a NUL "
                "character in a query, say) has the design keys alone."
            ),
            "required": ["status", "code", "message"],
            "properties": {
                "status": {"type": "integer"},
                "code": {"type": "string"},
                "message": {"type": "string"},
                "error": {"type": "string"},
                "errors": {"type": "object", "additionalProperties": _FIELD_MESSAGES},
            },
        }
