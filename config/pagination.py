"""Pagination, with every paging parameter checked before it reaches the database.

A page number, size, offset or limit that is not a whole number in range is a
400 naming the parameter (a page number past the end of a DRF page-number list
is DRF's 404). An empty value means the parameter was not given.
"""

import re

from django.core.paginator import InvalidPage
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import LimitOffsetPagination, PageNumberPagination

# Far past any real list, and inside PostgreSQL's bigint for any offset it implies.
MAX_PAGE = 10_000_000
MAX_OFFSET = 1_000_000_000
_WHOLE = re.compile(r"-?[0-9]{1,19}")


def whole_number(params, name: str, *, minimum: int, maximum: int) -> int | None:
    """The query parameter `name` as an int within [minimum, maximum], or None when absent."""
    raw = params.get(name)
    if raw is None or raw == "":
        return None
    # int() alone would also take "1_000", " 12" or "١٢" (Arabic-Indic digits).
    if not _WHOLE.fullmatch(raw):
        raise ValidationError({name: ["Enter a whole number."]})
    value = int(raw)
    if not minimum <= value <= maximum:
        raise ValidationError({name: [f"Enter a whole number from {minimum} to {maximum}."]})
    return value


def integer_parameter(name: str, description: str, *, minimum: int, maximum: int) -> dict:
    return {
        "name": name,
        "required": False,
        "in": "query",
        "description": description,
        "schema": {"type": "integer", "minimum": minimum, "maximum": maximum},
    }


class StandardPagination(PageNumberPagination):
    """DRF's `count`/`next`/`previous`/`results`, with a bounded `page_size`."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request):
        size = whole_number(
            request.query_params, self.page_size_query_param, minimum=1, maximum=self.max_page_size
        )
        return size or self.page_size

    def paginate_queryset(self, queryset, request, view=None):
        page = whole_number(
            request.query_params, self.page_query_param, minimum=1, maximum=MAX_PAGE
        )
        self.request = request
        page_size = self.get_page_size(request)
        paginator = self.django_paginator_class(queryset, page_size)
        try:
            self.page = paginator.page(page or 1)
        except InvalidPage:
            # Past the last page (a first page always exists, even of nothing).
            raise NotFound("Invalid page.") from None
        if paginator.num_pages > 1 and self.template is not None:
            self.display_page_controls = True
        return list(self.page)

    def get_schema_operation_parameters(self, view):
        return [
            integer_parameter(
                self.page_query_param,
                "A page number within the paginated result set; past the last page is a 404.",
                minimum=1,
                maximum=MAX_PAGE,
            ),
            integer_parameter(
                self.page_size_query_param,
                f"Results per page (default {self.page_size}, at most {self.max_page_size}).",
                minimum=1,
                maximum=self.max_page_size,
            ),
        ]


class CheckedLimitOffsetPagination(LimitOffsetPagination):
    """DRF's limit/offset paging, refusing a bad `limit` or offset instead of ignoring it."""

    default_limit = StandardPagination.page_size
    max_limit = StandardPagination.max_page_size

    def get_limit(self, request):
        limit = whole_number(
            request.query_params, self.limit_query_param, minimum=1, maximum=self.max_limit
        )
        return limit or self.default_limit

    def get_offset(self, request):
        offset = whole_number(
            request.query_params, self.offset_query_param, minimum=0, maximum=MAX_OFFSET
        )
        return offset or 0

    def get_schema_operation_parameters(self, view):
        return [
            integer_parameter(
                self.limit_query_param,
                f"Results per page (default {self.default_limit}, at most {self.max_limit}).",
                minimum=1,
                maximum=self.max_limit,
            ),
            integer_parameter(
                self.offset_query_param,
                "Results to skip.",
                minimum=0,
                maximum=MAX_OFFSET,
            ),
        ]
