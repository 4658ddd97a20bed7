"""The inbox's list: DRF's default page, with the caller's unread count beside it."""

from config.pagination import StandardPagination
from recharge.notifications import selectors


class InboxPagination(StandardPagination):
    def paginate_queryset(self, queryset, request, view=None):
        self.unread_count = selectors.unread_count(user=request.user)
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["unread_count"] = self.unread_count
        return response

    def get_paginated_response_schema(self, schema):
        described = super().get_paginated_response_schema(schema)
        described["properties"]["unread_count"] = {"type": "integer", "example": 3}
        described["required"] = [*described.get("required", []), "unread_count"]
        return described
