"""Pieces the OpenAPI schema shares: the error shape, common replies, and the
schema class that documents the errors every operation can answer with."""

import copy

from django.core.exceptions import FieldDoesNotExist
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent, force_instance, is_serializer
from drf_spectacular.utils import OpenApiResponse, extend_schema_field
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.settings import api_settings

from config import contracts

# A field's messages are a list of strings; a nested serializer's are an object
# of the same kind, and a list field's are keyed by the index of each bad item
# (or a list with one entry per item, empty for the items that were fine).
_FIELD_ERRORS = {
    "oneOf": [
        {"type": "array", "items": {"oneOf": [{"type": "string"}, {"type": "object"}]}},
        {"type": "object"},
    ]
}


@extend_schema_field({"type": "object", "additionalProperties": _FIELD_ERRORS})
class FieldErrorsField(serializers.JSONField):
    pass


class ErrorSerializer(serializers.Serializer):
    status = serializers.IntegerField()
    code = serializers.CharField()
    message = serializers.CharField()
    errors = FieldErrorsField(
        required=False,
        help_text="Present only for validation errors: messages per field.",
    )


class MessageSerializer(serializers.Serializer):
    message = serializers.CharField()


FORM_MEDIA_TYPES = ("multipart/", "application/x-www-form-urlencoded")

_DESCRIPTIONS = {
    400: "Invalid input; `errors` names each field.",
    401: "Not signed in, or the token is invalid or its session has ended.",
    403: "Signed in but not allowed.",
    404: "No such object, or not visible to the caller.",
    409: "Conflicts with the current state.",
    413: "The body is larger than the server accepts.",
    415: "The body's Content-Type is not one this operation reads.",
    422: "Understood but cannot be processed.",
    429: "Too many attempts; see the Retry-After header.",
}


def error_responses(*statuses: int) -> dict:
    """Response entries for `extend_schema(responses=...)`, all in the one error shape."""
    return {
        status: OpenApiResponse(ErrorSerializer, description=_DESCRIPTIONS[status])
        for status in statuses
    }


def _common_keys(schema: dict) -> dict:
    """What describes a field rather than its type (stays outside a oneOf)."""
    return {
        k: schema[k] for k in ("description", "nullable", "readOnly", "writeOnly") if k in schema
    }


def _may_be_blank(field) -> bool:
    if getattr(field, "allow_blank", False):
        return True
    # A model field's blank=True is not kept on a read-only serializer field.
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    if model is None or not field.source or "." in field.source:
        return False
    try:
        return model._meta.get_field(field.source).blank
    except FieldDoesNotExist:
        return False


class ApiAutoSchema(AutoSchema):
    """drf-spectacular's schema, made to say what the API really serves and reads.

    Views declare the errors of their own rules; the ones that come from the
    API's shared layers are added here, so that no operation's documented
    replies leave out what it can really answer: a 400 from the input guards
    (a NUL anywhere, a bad filter or page), a 401 from the authenticators (a
    bad token even where no sign-in is needed), a 403 from the permissions, a
    404 from a path parameter or a page past the end, a 413 or 415 from the
    body parsers, a 429 from the throttles.

    It also describes what DRF does that plain field mapping leaves out: an
    optional query parameter or form field sent blank counts as not given, a
    blank model URL or choice leaves as "", an empty file as null, and a
    decimal is read from a string or a JSON number.
    """

    def map_parsers(self):
        # JSON is the API's body format; forms reach the views that name their
        # own parsers (uploads, seed form posts). Other views still read a flat
        # form, but a form cannot carry what a JSON body can (nested objects,
        # lists, null, a blank meaning blank), so the schema offers JSON alone.
        if list(self.view.parser_classes) == list(api_settings.DEFAULT_PARSER_CLASSES):
            return ["application/json"]
        return super().map_parsers()

    def _get_request_body(self, direction="request"):
        body = super()._get_request_body(direction)
        if body is None:
            return body
        declared = self.get_request_serializer()
        for media_type, content in body["content"].items():
            serializer = declared.get(media_type) if isinstance(declared, dict) else declared
            if media_type.startswith(FORM_MEDIA_TYPES) and is_serializer(serializer):
                content["schema"] = self._form_schema(force_instance(serializer), direction)
        return body

    def _form_schema(self, serializer, direction) -> dict:
        """A serializer's schema as a form carries it: a field left blank counts as not given.

        (DRF reads an optional form field sent blank as absent, or null where null
        is allowed, so a blank value is no error there, whatever the field's type.)
        """
        if self.method == "PATCH":
            serializer = copy.copy(serializer)
            serializer.partial = True
        component = self.resolve_serializer(serializer, direction)
        schema = copy.deepcopy(component.schema)
        required = set(schema.get("required", []))
        for name, prop in schema.get("properties", {}).items():
            if name not in required and not prop.get("readOnly"):
                schema["properties"][name] = {"anyOf": [prop, {"type": "string", "enum": [""]}]}
        return schema

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if not isinstance(schema, dict):
            return schema
        if direction == "request" and isinstance(field, serializers.DecimalField):
            # Money and other decimals are read from a decimal string or a JSON number.
            number = {"type": "number"}
            for bound in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
                if bound in schema:
                    number[bound] = schema[bound]
            return {"oneOf": [schema, number], **_common_keys(schema)}
        if direction != "response":
            return schema
        if isinstance(field, serializers.FileField):
            # An empty file field leaves as null.
            schema["nullable"] = True
        elif (
            isinstance(field, serializers.ChoiceField)
            and "" not in schema.get("enum", [""])
            and _may_be_blank(field)
        ):
            # A choice left blank leaves as "".
            schema["enum"] = [*schema["enum"], ""]
        elif isinstance(field, serializers.URLField) and _may_be_blank(field):
            # A URL left blank leaves as "", which is no URI.
            schema = {"oneOf": [schema, {"type": "string", "enum": [""]}]}
        return schema

    def get_paginated_name(self, serializer_name: str) -> str:
        # One serializer may be listed as a page on one route and as a bare
        # array on another; each shape needs its own component.
        paginator = self._get_paginator()
        name_format = getattr(paginator, "schema_name_format", None)
        if name_format:
            return name_format.format(name=serializer_name)
        return super().get_paginated_name(serializer_name)

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        for parameter in operation.get("parameters", []):
            # Filters, search, ordering, paging and query serializers all take an
            # optional `?name=` as not given (DRF reads a blank form value so).
            if parameter.get("in") == "query" and not parameter.get("required"):
                parameter.setdefault("allowEmptyValue", True)
        responses = operation.setdefault("responses", {})
        error = self.resolve_serializer(ErrorSerializer, "response").ref
        for code in self._implied_errors(operation):
            responses.setdefault(
                str(code),
                {
                    "content": {"application/json": {"schema": error}},
                    "description": _DESCRIPTIONS[code],
                },
            )
        return contracts.document_operation(
            operation,
            view=self.view,
            method=self.method,
            error_ref=self._contract_error_ref,
            reply_ref=self._contract_reply_ref,
        )

    def _contract_reply_ref(self, serializer, status: int) -> dict:
        entry = self._get_response_for_code(serializer, str(status))
        return entry["content"]["application/json"]["schema"]

    def _contract_error_ref(self, contract) -> dict:
        """The error body of a seed contract, as a component of its own."""
        component = ResolvedComponent(
            name=f"{contract.name.capitalize()}Error",
            type=ResolvedComponent.SCHEMA,
            object=f"contract-error-{contract.name}",
            schema=contract.error_schema(),
        )
        self.registry.register_on_missing(component)
        return component.ref

    def _implied_errors(self, operation: dict) -> list[int]:
        view = self.view
        codes = [400]
        if view.get_authenticators():
            codes.append(401)
        if any(not isinstance(p, AllowAny) for p in view.get_permissions()):
            codes.append(403)
        parameters = {
            p.get("name") for p in operation.get("parameters", []) if p.get("in") != "header"
        }
        if "{" in self.path or "page" in parameters:
            codes.append(404)
        if "requestBody" in operation:
            codes += [413, 415]
        if view.get_throttles():
            codes.append(429)
        return codes
