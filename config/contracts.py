"""Reply contracts: the envelope and error body each seed's clients expect.

One implementation serves every seed; a contract only dresses its replies. The
design shape (plain bodies, `{"status", "code", "message", "errors"}` errors)
is what a route answers when no contract applies.

A view names the contract of its replies with a `contract` attribute:

    contract = "ktl"                             # every reply of the view
    contract = when_client("ktl")                # only for requests from such a client
    contract = {"list": when_client("ktl"), "default": "ktl"}   # per action or method

and one route of a view class that other seeds' routes share names it where it is
routed: `View.as_view(contract="ktl")` (the class declares `contract = None`). On a route several seeds share, the
contract's own `is_client(request)` says, from the request itself (its body,
its token), whether its client is calling. A view that learns the client only
while answering (a second sign-in step, say) calls `choose(request, name)`.

The renderer dresses successful replies, the exception handler dresses errors
(`dress_error`), and the OpenAPI schema describes the dressed replies
(`document_operation`). Apps register their contracts when they start; this
module imports none of them.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rest_framework.renderers import JSONRenderer

_registry: dict[str, Contract] = {}
_CHOSEN = "_reply_contract"
_MESSAGE = "contract_message"
_DRESSED = "_contract_dressed"


class Contract:
    """How one family of clients expects replies to look. Subclasses give the shapes."""

    name: str = ""

    def is_client(self, request) -> bool:
        """Whether a request on a shared route comes from this contract's client."""
        return False

    def success(self, *, status: int, data: Any, message: str | None) -> tuple[int, Any]:
        """The status and body of a successful reply (`data` is the plain body)."""
        raise NotImplementedError

    def error(self, *, status: int, body: dict, message: str | None) -> tuple[int, Any]:
        """The status and body of an error, from its design body (`status`, `code`,
        `message`, `errors`)."""
        raise NotImplementedError

    def success_schema(self, data_schema: dict | None) -> dict:
        raise NotImplementedError

    def error_schema(self) -> dict:
        raise NotImplementedError

    # What `error()` may turn one status into, for the schema: {design status: contract status}.
    status_changes: Mapping[int, int] = {}
    # The status a successful reply without a body (204) answers with, if not 204.
    empty_status: int | None = None


def register(contract: Contract) -> None:
    _registry[contract.name] = contract


def get(name: str) -> Contract:
    return _registry[name]


@dataclass(frozen=True)
class WhenClient:
    """A contract that applies only when the request comes from its client."""

    name: str


def when_client(name: str) -> WhenClient:
    return WhenClient(name)


def _binding_of(view, request=None, *, method: str | None = None):
    """The contract binding that applies: a name, a WhenClient, or None."""
    binding = getattr(view, "contract", None)
    if isinstance(binding, Mapping):
        action = getattr(view, "action", None)
        method = (method or getattr(request, "method", "") or "").lower()
        binding = binding.get(action, binding.get(method, binding.get("default")))
    return binding


def choose(request, name: str | None) -> None:
    """Answer this request under contract `name` (None: the design shape)."""
    setattr(getattr(request, "_request", request), _CHOSEN, name or "")


def active(request, view=None) -> Contract | None:
    """The contract this request's reply follows, or None for the design shape."""
    chosen = getattr(getattr(request, "_request", request), _CHOSEN, None)
    if chosen is not None:
        return _registry.get(chosen) if chosen else None
    binding = _binding_of(view if view is not None else _view_of(request), request)
    if isinstance(binding, WhenClient):
        contract = _registry.get(binding.name)
        return contract if contract is not None and contract.is_client(request) else None
    if isinstance(binding, str):
        return _registry.get(binding)
    return None


def for_route(request, view_func) -> Contract | None:
    """The contract of the route `view_func` serves, before any view runs (for replies
    a middleware gives). A contract that applies only to its own clients cannot tell
    them yet and gives way to the design shape, as the schema allows on such routes."""
    cls = getattr(view_func, "cls", None)
    if cls is None:
        return None
    view = cls(**(getattr(view_func, "initkwargs", None) or {}))
    actions = getattr(view_func, "actions", None) or {}
    view.action = actions.get(request.method.lower())
    binding = _binding_of(view, request)
    return _registry.get(binding) if isinstance(binding, str) else None


def is_active(request, name: str, view=None) -> bool:
    contract = active(request, view)
    return contract is not None and contract.name == name


def _view_of(request):
    context = getattr(request, "parser_context", None) or {}
    return context.get("view")


def with_message(response, message: str):
    """Give a reply the human message its contract's envelope carries."""
    setattr(response, _MESSAGE, message)
    return response


def _message_for(response, view, request) -> str | None:
    message = getattr(response, _MESSAGE, None)
    if message is not None:
        return message
    messages = getattr(view, "contract_messages", None) or {}
    action = getattr(view, "action", None)
    method = (getattr(request, "method", "") or "").lower()
    return messages.get(action, messages.get(method))


# --- replies ---------------------------------------------------------------------------------


class ContractJSONRenderer(JSONRenderer):
    """JSON, dressed in the contract of the route (and client) when there is one."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        context = renderer_context or {}
        response, request = context.get("response"), context.get("request")
        if response is not None and request is not None and not getattr(response, _DRESSED, 0):
            view = context.get("view")
            contract = active(request, view)
            if contract is not None:
                setattr(response, _DRESSED, True)
                if response.status_code >= 400:
                    # An error a view answered by itself, not through the handler.
                    body = data if isinstance(data, dict) else {"message": str(data or "")}
                    body = {"status": response.status_code, "code": "error", **body}
                    status, data = contract.error(
                        status=response.status_code, body=body, message=None
                    )
                else:
                    status, data = contract.success(
                        status=response.status_code,
                        data=data,
                        message=_message_for(response, view, request),
                    )
                response.status_code = status
        return super().render(data, accepted_media_type, renderer_context)


def dress_error(response, context: dict):
    """The exception handler's design-shaped error, in the route's contract."""
    if response is None:
        return response
    request, view = context.get("request"), context.get("view")
    if request is None:
        return response
    try:
        contract = active(request, view)
    except Exception:  # deciding the shape must never turn an error into a 500
        contract = None
    if contract is None:
        return response
    design_status = response.status_code
    messages = getattr(view, "contract_messages", None) or {}
    status, body = contract.error(
        status=design_status, body=response.data, message=messages.get("error")
    )
    response.status_code = status
    response.data = body
    if status != design_status and design_status == 401:
        # No longer a challenge for credentials: the contract reports it otherwise.
        del response["WWW-Authenticate"]
    setattr(response, _DRESSED, True)
    return response


# --- the OpenAPI schema --------------------------------------------------------------------------


_NO_DATA = object()


def _contract_replies(view, method: str) -> dict:
    """What a view serves its contract's clients where that differs from the plain reply:
    `contract_replies = {action or method: {status: serializer or None}}`."""
    replies = getattr(view, "contract_replies", None) or {}
    action = getattr(view, "action", None)
    return replies.get(action, replies.get(method.lower(), {}))


def document_operation(operation: dict, *, view, method: str, error_ref, reply_ref) -> dict:
    """Describe an operation's replies as its contract dresses them.

    `error_ref(contract)` gives the schema (or $ref) of the contract's error body,
    `reply_ref(serializer, status)` the schema of a reply the view declares in
    `contract_replies`. A contract that applies only to its own clients adds its
    shapes beside the design ones.
    """
    binding = _binding_of(view, method=method)
    if binding is None:
        return operation
    optional = isinstance(binding, WhenClient)
    contract = _registry.get(binding.name if optional else binding)
    if contract is None:
        return operation
    own = _contract_replies(view, method)
    responses = operation.get("responses", {})
    dressed: dict[str, dict] = {}
    for code, entry in list(responses.items()):
        status = int(code) if str(code).isdigit() else None
        if status is None:
            continue
        entry = copy.deepcopy(entry)
        content = entry.get("content") or {}
        if status >= 400:
            target = contract.status_changes.get(status, status)
            schema = error_ref(contract)
            # A path whose parameter does not match its route never reaches the view: its
            # 404 comes from the URL resolver, in the design shape.
            keep = optional or status == 404
            _merge(dressed, target, entry, schema, keep_design=keep, design_status=status)
            continue
        if status == 204 or not content:
            target = contract.empty_status or status
            if target == status:
                dressed[str(status)] = entry
                continue
            done = {**entry, "description": "Done; `data` is empty."}
            _merge(dressed, target, done, contract.success_schema(None), keep_design=False)
            if optional:
                dressed[str(status)] = entry
            continue
        for media in content.values():
            original = media.get("schema")
            declared = own.get(status, _NO_DATA)
            if declared is _NO_DATA:
                data = original
            else:
                data = None if declared is None else reply_ref(declared, status)
            wrapped = contract.success_schema(data)
            media["schema"] = {"anyOf": [original, wrapped]} if optional else wrapped
        _put(dressed, status, entry)
    for code, entry in responses.items():
        if not str(code).isdigit():
            dressed[code] = entry
    operation["responses"] = dict(sorted(dressed.items()))
    return operation


def _put(dressed: dict, status: int, entry: dict) -> None:
    key = str(status)
    if key not in dressed:
        dressed[key] = entry
        return
    # Two replies now share a status: either body may come.
    have = dressed[key].setdefault("content", {}).setdefault("application/json", {})
    new = (entry.get("content") or {}).get("application/json", {}).get("schema")
    if new is not None:
        old = have.get("schema")
        have["schema"] = {"anyOf": [old, new]} if old else new


def _merge(dressed, target, entry, schema, *, keep_design: bool, design_status=None) -> None:
    contract_entry = {
        "description": entry.get("description", ""),
        "content": {"application/json": {"schema": schema}},
    }
    if "headers" in entry:
        contract_entry["headers"] = entry["headers"]
    if keep_design and design_status is not None:
        _put(dressed, design_status, entry)
    _put(dressed, target, contract_entry)
