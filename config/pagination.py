"""Pagination, with every paging parameter checked before it reaches the database.

A page number, size, offset or limit that is not a whole number in range is a
400 naming the parameter (a page number past the end of a DRF page-number list
is DRF's 404). An empty value means the parameter was not given.
"""

import re

from django.core.paginator import InvalidPage
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import BasePagination, LimitOffsetPagination, PageNumberPagination
from rest_framework.response import Response

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


class BareListPagination(BasePagination):
    """A bare JSON array, for the lists a seed documents as plain arrays.

    Such a client reads the reply as the whole list, so the default `limit` is
    the maximum: a list that fits in one reply arrives whole, and none is
    unbounded. `skip` (seed 004's name) and `offset` both say where to start.
    """

    default_limit = StandardPagination.max_page_size
    max_limit = StandardPagination.max_page_size
    limit_query_param = "limit"
    offset_query_params = ("skip", "offset")
    # The schema component's name, distinct from the paged list of the same serializer.
    schema_name_format = "{name}BareList"

    def get_limit(self, request) -> int:
        limit = whole_number(
            request.query_params, self.limit_query_param, minimum=1, maximum=self.max_limit
        )
        return limit or self.default_limit

    def get_offset(self, request) -> int:
        given = {
            name: value
            for name in self.offset_query_params
            if (value := whole_number(request.query_params, name, minimum=0, maximum=MAX_OFFSET))
            is not None
        }
        if len(set(given.values())) > 1:
            # Two different starting points: neither can be trusted to be the one meant.
            last = self.offset_query_params[-1]
            raise ValidationError({last: [f"Send one of {' or '.join(given)}."]})
        return next(iter(given.values()), 0)

    def paginate_queryset(self, queryset, request, view=None):
        limit = self.get_limit(request)
        offset = self.get_offset(request)
        return list(queryset[offset : offset + limit])

    def get_paginated_response(self, data):
        return Response(data)

    def get_paginated_response_schema(self, schema):
        return {**schema, "maxItems": self.max_limit}

    def get_schema_operation_parameters(self, view):
        return [
            integer_parameter(
                self.limit_query_param,
                f"Most items in the reply (default {self.default_limit}, "
                f"at most {self.max_limit}).",
                minimum=1,
                maximum=self.max_limit,
            ),
            *(
                integer_parameter(
                    name, "Items to skip from the start of the list.", minimum=0, maximum=MAX_OFFSET
                )
                for name in self.offset_query_params
            ),
        ]


class BareUnlessPagedPagination(BasePagination):
    """A bare array, or DRF's page where `pages_for(request, view)` says the caller reads one.

    For a route two seeds share where one shows a bare array and the other a
    paginated list: each caller gets its own shape, from one view. Every paging
    parameter of either shape is checked, whichever is used, so none is ignored.
    """

    bare_class = BareListPagination
    paged_class = StandardPagination

    def pages_for(self, request, view) -> bool:
        raise NotImplementedError

    def paginate_queryset(self, queryset, request, view=None):
        bare, paged = self.bare_class(), self.paged_class()
        if self.pages_for(request, view):
            bare.get_limit(request)
            bare.get_offset(request)
            self._chosen = paged
        else:
            whole_number(request.query_params, paged.page_query_param, minimum=1, maximum=MAX_PAGE)
            paged.get_page_size(request)
            self._chosen = bare
        return self._chosen.paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        return self._chosen.get_paginated_response(data)

    def get_paginated_response_schema(self, schema):
        return {
            "oneOf": [
                self.bare_class().get_paginated_response_schema(schema),
                self.paged_class().get_paginated_response_schema(schema),
            ]
        }

    def get_schema_operation_parameters(self, view):
        return [
            *self.paged_class().get_schema_operation_parameters(view),
            *self.bare_class().get_schema_operation_parameters(view),
        ]


def bare_unless_contract(name: str) -> type[BareUnlessPagedPagination]:
    """Pages for the clients of reply contract `name` (see `config.contracts`), else a bare array."""
    from config import contracts

    def pages_for(self, request, view) -> bool:
        return contracts.is_active(request, name, view)

    return type(
        f"BareUnless{name.title()}Pagination",
        (BareUnlessPagedPagination,),
        {"pages_for": pages_for, "schema_name_format": f"{{name}}BareOr{name.title()}List"},
    )
