"""Seed 003's organization endpoints: KTL and its resellers, scoped to the caller's tree."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from billing import selectors, services
from billing.filters import OrganizationFilter
from billing.models import Organization
from billing.serializers.organizations import OrganizationSerializer
from billing.settings_schema import BILLING_SETTINGS, SYNC_SETTINGS
from config.openapi import error_responses
from config.permissions import ModelPermissions

SCOPE_NOTE = (
    "Super admins and admins see every organization; anyone else sees the organization "
    "they belong to and those below it (others answer 404)."
)
WRITE_NOTE = (
    f"{SCOPE_NOTE}\n\n`billing_settings` keys:\n{BILLING_SETTINGS.describe()}\n\n"
    f"`sync_settings` keys:\n{SYNC_SETTINGS.describe()}\n\nUnknown keys are refused. "
    "With `revenue_sharing_enabled`, `default_sub_reseller_share` + "
    "`default_ktl_share_with_sub` + `default_reseller_share_with_sub` must be 100; without a "
    "sub-reseller KTL keeps 100 - `default_reseller_share`."
)
WRITE_ERRORS = error_responses(400, 401, 403, 404)


@extend_schema_view(
    list=extend_schema(
        summary="List organizations",
        description=SCOPE_NOTE,
        responses={200: OrganizationSerializer(many=True), **error_responses(401, 403)},
    ),
    retrieve=extend_schema(
        summary="Organization details",
        responses={200: OrganizationSerializer, **error_responses(401, 403, 404)},
    ),
    create=extend_schema(
        summary="Create an organization",
        description=WRITE_NOTE,
        responses={201: OrganizationSerializer, **error_responses(400, 401, 403)},
    ),
    update=extend_schema(
        summary="Replace an organization",
        description=WRITE_NOTE,
        responses={200: OrganizationSerializer, **WRITE_ERRORS},
    ),
    partial_update=extend_schema(
        summary="Change an organization",
        description=WRITE_NOTE,
        responses={200: OrganizationSerializer, **WRITE_ERRORS},
    ),
    destroy=extend_schema(
        summary="Delete (archive) an organization",
        description=(
            "Refused with 409 while users belong to it or organizations sit below it; "
            "otherwise it is archived and no longer listed."
        ),
        responses={204: None, **error_responses(401, 403, 404, 409)},
    ),
)
@extend_schema(tags=["organizations"])
class OrganizationViewSet(viewsets.ModelViewSet):
    contract = "ktl"  # seed 003's envelope
    queryset = Organization.objects.all()  # what ModelPermissions reads the model from
    serializer_class = OrganizationSerializer
    permission_classes = [ModelPermissions]
    filterset_class = OrganizationFilter
    search_fields = ("company_name", "company_code", "contact_email", "organization_type")
    ordering_fields = ("company_name", "company_code", "tier", "created_at", "path")
    ordering = ("path",)

    def get_queryset(self):
        return selectors.organizations_with_counts(
            selectors.organizations_visible_to(self.request.user)
        )

    def _reply(self, organization: Organization, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=organization.pk)
        return Response(self.get_serializer(fresh).data, status=code)

    def create(self, request: Request, *args, **kwargs) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        organization = services.organization_create(
            actor=request.user, fields=serializer.validated_data
        )
        return self._reply(organization, status.HTTP_201_CREATED)

    def update(self, request: Request, *args, **kwargs) -> Response:
        organization = self.get_object()
        serializer = self.get_serializer(
            organization, data=request.data, partial=kwargs.pop("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        organization = services.organization_update(
            organization=organization, actor=request.user, changes=serializer.validated_data
        )
        return self._reply(organization)

    def destroy(self, request: Request, *args, **kwargs) -> Response:
        services.organization_archive(organization=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
