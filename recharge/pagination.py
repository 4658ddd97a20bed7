"""Seed 004's own list envelope and its query parameters.

Where seed 004 documents `{"<items>": [...], "total", "page", "size", "pages"}`
the endpoint keeps that shape. Pages are chosen with `page` and `size`, or with
`skip` and `limit`; `sort_by` and `sort_order` choose the order.
"""

import math

from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.pagination import BasePagination
from rest_framework.response import Response

from config.pagination import MAX_OFFSET, MAX_PAGE, integer_parameter, whole_number

MAX_SIZE = 100


class SeedEnvelopePagination(BasePagination):
    items_key = "items"
    default_size = 20

    def paginate_queryset(self, queryset, request, view=None):
        params = request.query_params
        size = whole_number(params, "size", minimum=1, maximum=MAX_SIZE)
        limit = whole_number(params, "limit", minimum=1, maximum=MAX_SIZE)
        self.size = size or limit or self.default_size
        skip = whole_number(params, "skip", minimum=0, maximum=MAX_OFFSET)
        page = whole_number(params, "page", minimum=1, maximum=MAX_PAGE)
        if skip is not None:
            offset = skip
            self.page = skip // self.size + 1
        else:
            self.page = page or 1
            offset = (self.page - 1) * self.size
        self.total = queryset.count()
        return list(queryset[offset : offset + self.size])

    def get_paginated_response(self, data):
        return Response(
            {
                self.items_key: data,
                "total": self.total,
                "page": self.page,
                "size": self.size,
                "pages": math.ceil(self.total / self.size),
            }
        )

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": [self.items_key, "total", "page", "size", "pages"],
            "properties": {
                self.items_key: schema,
                "total": {"type": "integer", "example": 1},
                "page": {"type": "integer", "example": 1},
                "size": {"type": "integer", "example": self.default_size},
                "pages": {"type": "integer", "example": 1},
            },
        }

    def get_schema_operation_parameters(self, view):
        # A page past the end is an empty page here, not a 404.
        return [
            integer_parameter("page", "Page number, from 1.", minimum=1, maximum=MAX_PAGE),
            integer_parameter(
                "size",
                f"Items per page (default {self.default_size}, at most {MAX_SIZE}).",
                minimum=1,
                maximum=MAX_SIZE,
            ),
            integer_parameter(
                "skip", "Items to skip (instead of `page`).", minimum=0, maximum=MAX_OFFSET
            ),
            integer_parameter(
                "limit", "Items per page (the same as `size`).", minimum=1, maximum=MAX_SIZE
            ),
        ]


def envelope(items_key: str, default_size: int) -> type[SeedEnvelopePagination]:
    return type(
        f"{items_key.title()}Envelope{default_size}",
        (SeedEnvelopePagination,),
        {"items_key": items_key, "default_size": default_size},
    )


class SeedOrderingFilter(OrderingFilter):
    """DRF's `ordering`, plus seed 004's `sort_by` and `sort_order` (asc or desc)."""

    def get_ordering(self, request, queryset, view):
        sort_by = request.query_params.get("sort_by")
        # Checked even without sort_by: a value the schema refuses is never ignored.
        order = request.query_params.get("sort_order") or "asc"
        if order not in ("asc", "desc"):
            raise ValidationError({"sort_order": ["Use asc or desc."]})
        if not sort_by:
            return super().get_ordering(request, queryset, view)
        aliases = getattr(view, "ordering_aliases", {})
        allowed = {name for name, _ in self.get_valid_fields(queryset, view, {"request": request})}
        field = aliases.get(sort_by, sort_by)
        if field not in allowed:
            names = sorted({*aliases, *allowed})
            raise ValidationError({"sort_by": [f"Sort by one of: {', '.join(names)}."]})
        return [f"-{field}", "-pk"] if order == "desc" else [field, "pk"]

    def get_schema_operation_parameters(self, view):
        return [
            *super().get_schema_operation_parameters(view),
            {
                "name": "sort_by",
                "required": False,
                "in": "query",
                "description": "A field to sort by (one of the `ordering` fields).",
                "schema": {"type": "string"},
            },
            {
                "name": "sort_order",
                "required": False,
                "in": "query",
                "description": "asc (default) or desc.",
                "schema": {"type": "string", "enum": ["asc", "desc"]},
            },
        ]


class NoInput(serializers.Serializer):
    """For endpoints that take no body."""
