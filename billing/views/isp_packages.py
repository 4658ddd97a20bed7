"""Packages under /api/v1/isp/packages/, scoped to the caller's organization tree."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from billing.isp_filters import PackageFilter
from billing.isp_selectors import packages_visible_to
from billing.models import IspPackage
from billing.serializers.isp import IspPackageSerializer
from billing.services.isp_packages import package_create, package_update
from config.openapi import error_responses
from config.permissions import ModelPermissions

SCOPE = (
    "Admins see every package; anyone else the packages of their organization and below, and "
    "those above it their organization may sell. Others answer 404; changing one owned above "
    "yours is 403."
)


@extend_schema_view(
    list=extend_schema(summary="List packages", description=SCOPE),
    retrieve=extend_schema(
        summary="Package details",
        responses={200: IspPackageSerializer, **error_responses(401, 403, 404)},
    ),
    create=extend_schema(
        summary="Create a package",
        responses={201: IspPackageSerializer, **error_responses(400, 401, 403)},
    ),
    update=extend_schema(
        summary="Replace a package",
        responses={200: IspPackageSerializer, **error_responses(400, 401, 403, 404)},
    ),
    partial_update=extend_schema(
        summary="Change a package",
        description="`tier_prices`, when sent, replaces the package's tier prices.",
        responses={200: IspPackageSerializer, **error_responses(400, 401, 403, 404)},
    ),
)
@extend_schema(tags=["isp"])
class PackageViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    queryset = IspPackage.objects.all()
    serializer_class = IspPackageSerializer
    permission_classes = [ModelPermissions]
    filterset_class = PackageFilter
    search_fields = ("name", "code")
    ordering_fields = ("name", "code", "price", "download_mbps", "created_at")
    ordering = ("price", "id")

    def get_queryset(self):
        return packages_visible_to(self.request.user)

    def _reply(self, package: IspPackage, code: int = status.HTTP_200_OK) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=package.pk)).data, code)

    def create(self, request: Request, *args, **kwargs) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        package = package_create(actor=request.user, fields=serializer.validated_data)
        return self._reply(package, status.HTTP_201_CREATED)

    def update(self, request: Request, *args, **kwargs) -> Response:
        package = self.get_object()
        serializer = self.get_serializer(
            package, data=request.data, partial=kwargs.pop("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        package = package_update(
            package=package, actor=request.user, changes=serializer.validated_data
        )
        return self._reply(package)
