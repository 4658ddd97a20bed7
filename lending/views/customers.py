from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets

from config.openapi import error_responses
from config.pagination import BareListPagination
from lending.contracts import REPAYSYNC
from lending.filters import CustomerFilter
from lending.permissions import IsLendingStaff
from lending.selectors import customers_for
from lending.serializers.customers import CustomerSerializer
from lending.services.customers import customer_create, customer_delete, customer_update

_TAGS = ["lending: customers"]


@extend_schema_view(
    list=extend_schema(
        tags=_TAGS,
        summary="Customers in the caller's view",
        description=(
            "A collection officer sees the customers assigned to them, a calling agent all, "
            "a manager those of their team, admins all."
        ),
        responses={200: CustomerSerializer(many=True), **error_responses(403)},
    ),
    create=extend_schema(
        tags=_TAGS,
        summary="Create a customer",
        responses={201: CustomerSerializer, **error_responses(400, 403)},
    ),
    retrieve=extend_schema(
        tags=_TAGS, responses={200: CustomerSerializer, **error_responses(403, 404)}
    ),
    update=extend_schema(
        tags=_TAGS, responses={200: CustomerSerializer, **error_responses(400, 403, 404)}
    ),
    partial_update=extend_schema(
        tags=_TAGS, responses={200: CustomerSerializer, **error_responses(400, 403, 404)}
    ),
    destroy=extend_schema(
        tags=_TAGS,
        description="Refused with 409 while the customer has loans.",
        responses={204: None, **error_responses(403, 404, 409)},
    ),
)
class CustomerViewSet(viewsets.ModelViewSet):
    serializer_class = CustomerSerializer
    permission_classes = [IsLendingStaff]
    # Seed 002 lists customers as a bare array.
    pagination_class = BareListPagination
    contract = REPAYSYNC
    filterset_class = CustomerFilter
    search_fields = ("customer_code", "name", "phone", "email", "city")
    ordering_fields = ("id", "name", "customer_code", "created_at", "updated_at")
    ordering = ("-id",)
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        return customers_for(self.request.user)

    def perform_create(self, serializer):
        serializer.instance = customer_create(
            actor=self.request.user, data=serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = customer_update(
            actor=self.request.user, customer=serializer.instance, changes=serializer.validated_data
        )

    def perform_destroy(self, instance):
        customer_delete(actor=self.request.user, customer=instance)


customer_create_view = CustomerViewSet.as_view({"post": "create"})
