"""Schemathesis hooks for `.ci/fuzz` (loaded through SCHEMATHESIS_HOOKS).

Every request carries the fuzzing superuser's bearer token (FUZZ_TOKEN_FILE),
except those of the operations below, which end or change the caller's own
session or account: each of their requests gets a token of its own, from a
pool of throwaway superusers with one session each (FUZZ_SPARE_TOKENS), so the
fuzzing session survives the whole run and these operations are fuzzed too
instead of being left out.
"""

import os
import threading

import schemathesis

SELF_DESTRUCTIVE = [
    # Ends the caller's session.
    ("POST", "/api/v1/auth/logout/"),
    # Ends one of the caller's sessions (the stateful phase can learn their ids).
    ("DELETE", "/api/v1/auth/sessions/{session_id}/"),
    # Change the caller's password, which ends their other sessions.
    ("POST", "/api/v1/user/profile/change_password/"),
    ("POST", "/api/v1/users/change-password/"),
    # Archive, deactivate or reactivate the caller.
    ("DELETE", "/api/v1/user/me/"),
    ("POST", "/api/v1/user/me/deactivate/"),
    ("POST", "/api/v1/user/me/reactivate/"),
    # Change the caller's own kind, sign-in address or staff profile.
    ("PUT", "/api/v1/user/me/switch-type/"),
    ("PUT", "/api/v1/user/me/email/"),
    ("PATCH", "/api/v1/admin/me/"),
]


def _read(path: str) -> list[str]:
    with open(path) as handle:
        return [line.strip() for line in handle if line.strip()]


def _is_self_destructive(context) -> bool:
    operation = context.operation
    return operation is not None and (operation.method.upper(), operation.path) in SELF_DESTRUCTIVE


@schemathesis.auth(refresh_interval=None).apply_to(_is_self_destructive)
class SpareSuperuser:
    """A fresh session per request; the last spare is reused once the pool runs dry."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.pool = list(reversed(_read(os.environ["FUZZ_SPARE_TOKENS"])))

    def get(self, case, context):
        with self.lock:
            return self.pool.pop() if len(self.pool) > 1 else self.pool[0]

    def set(self, case, data, context):
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


@schemathesis.auth(refresh_interval=None)
class FuzzingSuperuser:
    def __init__(self) -> None:
        self.token = _read(os.environ["FUZZ_TOKEN_FILE"])[0]

    def get(self, case, context):
        return self.token

    def set(self, case, data, context):
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


@schemathesis.hook
def filter_failure(context, failure, case, response):
    """A templated path filled in to spell a concrete path is that path's request, not this one's.

    The stateful phase fills `/customers/{id}/` from values it saw in replies, and
    can send `GET /customers/create/`: under OpenAPI's rule, concrete paths win
    over templated ones, so the reply (405: create takes POST) belongs to
    `/customers/create/` and is not a reply of `GET /customers/{id}/`.
    """
    operation = case.operation
    if "{" not in operation.path:
        return True
    concrete = {path for path in operation.schema.raw_schema.get("paths", {}) if "{" not in path}
    return case.formatted_path not in concrete
