"""Seed 003's reply contract (KTL ISP billing administration).

Every reply of a seed 003 route is `{"success", "status", "message", "data"}`;
every error `{"success": false, "status", "message", "error"}`, where `error`
holds the messages per field of a refused input and is `[]` otherwise, with the
error's stable `code` beside them. A failed sign-in is a 400, "Login failed".

On the routes seed 003 shares with other seeds (sign-in, refresh, sign-out, the
user list) a seed 003 client is recognised by the request itself: it signs in
with `login_id`, and the tokens of such a sign-in carry the `client` claim,
which a later request (or the refresh token in its body) shows.
"""

from collections.abc import Mapping

import jwt

from accounts.services.sessions import CLIENT_CLAIM
from config.contracts import Contract

KTL = "ktl"

SUCCESS_MESSAGES = {200: "Success", 201: "Created successfully"}
EMPTY_MESSAGE = "Deleted successfully"
BAD_REQUEST = "Bad Request"
LOGIN_FAILED_ERRORS = {"non_field_errors": ["Invalid login credentials."]}

# A field's messages: a list of strings, or for nested input an object of the same kind.
_FIELD_MESSAGES = {
    "oneOf": [
        {"type": "array", "items": {"oneOf": [{"type": "string"}, {"type": "object"}]}},
        {"type": "object"},
    ]
}


def _body(request) -> Mapping:
    """The parsed body, or nothing: deciding a reply's shape never fails a request."""
    try:
        data = request.data
    except Exception:  # an unreadable body is reported by the view, not here
        return {}
    return data if isinstance(data, Mapping) else {}


def _claim(token) -> str | None:
    try:
        return token.get(CLIENT_CLAIM) if token is not None and hasattr(token, "get") else None
    except Exception:
        return None


def peek_client(raw) -> str | None:
    """The `client` claim of a token, read without checking it: it only chooses the
    shape of the reply; the token itself is checked where it is used."""
    if not isinstance(raw, str) or raw.count(".") != 2:
        return None
    try:
        return jwt.decode(raw, options={"verify_signature": False}).get(CLIENT_CLAIM)
    except (jwt.PyJWTError, AttributeError, ValueError):
        return None


def _authenticated_token(request):
    try:
        return request.auth
    except Exception:  # authentication failed; the handler reports that
        return None


class KtlContract(Contract):
    name = KTL
    empty_status = 200

    def is_client(self, request) -> bool:
        if _claim(_authenticated_token(request)) == KTL:
            return True
        body = _body(request)
        if "login_id" in body:
            return True
        return any(peek_client(body.get(key)) == KTL for key in ("refresh_token", "refresh"))

    def success(self, *, status, data, message):
        if status == 204:
            status, data, message = 200, None, message or EMPTY_MESSAGE
        return status, {
            "success": True,
            "status": status,
            "message": message or SUCCESS_MESSAGES.get(status, "Success"),
            "data": [] if data is None else data,
        }

    def error(self, *, status, body, message):
        code = body.get("code") if isinstance(body, Mapping) else None
        if code == "invalid_credentials":
            status, message, error = 400, "Login failed", LOGIN_FAILED_ERRORS
        elif isinstance(body, Mapping) and "errors" in body:
            message, error = message or BAD_REQUEST, body["errors"]
        else:
            message = body.get("message") if isinstance(body, Mapping) else None
            error = []
        reply = {"success": False, "status": status, "message": message, "error": error}
        if code:
            # Beside the seed's keys: the stable code clients of the other seeds get too.
            reply["code"] = code
        return status, reply

    def success_schema(self, data_schema):
        if data_schema is None:
            data_schema = {"type": "array", "maxItems": 0, "items": {}}
        return {
            "type": "object",
            "required": ["success", "status", "message", "data"],
            "properties": {
                "success": {"type": "boolean", "enum": [True]},
                "status": {"type": "integer"},
                "message": {"type": "string"},
                "data": data_schema,
            },
        }

    def error_schema(self):
        return {
            "type": "object",
            "description": "Seed 003's error body: `error` names each refused field, else `[]`.",
            "required": ["success", "status", "message", "error"],
            "properties": {
                "success": {"type": "boolean", "enum": [False]},
                "status": {"type": "integer"},
                "message": {"type": "string"},
                "code": {"type": "string", "description": "The error's stable code."},
                "error": {
                    "oneOf": [
                        {"type": "array", "maxItems": 0, "items": {}},
                        {"type": "object", "additionalProperties": _FIELD_MESSAGES},
                    ]
                },
            },
        }
