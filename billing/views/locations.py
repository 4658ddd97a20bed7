"""Seed 003's location endpoints: the districts and upazilas/thanas of Bangladesh."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, mixins, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from billing import selectors
from billing.filters import DistrictFilter, ThanaFilter
from billing.models import District, Thana
from billing.serializers.locations import (
    DistrictSerializer,
    LocationSummarySerializer,
    ThanaSerializer,
)
from config.openapi import error_responses

THANA_SEARCH = ("name", "name_bn", "district__name")
THANA_ORDERING = ("id", "name", "name_bn", "district", "district__name")


@extend_schema_view(
    list=extend_schema(
        tags=["locations"],
        summary="Districts of Bangladesh",
        description="All 64 districts. `search` matches the English or Bangla name.",
        responses={200: DistrictSerializer(many=True), **error_responses(401)},
    )
)
class DistrictViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    contract = "ktl"  # seed 003's envelope
    serializer_class = DistrictSerializer
    filterset_class = DistrictFilter
    search_fields = ("name", "name_bn")
    ordering_fields = ("id", "name", "name_bn", "division")
    ordering = ("name",)

    def get_queryset(self):
        return selectors.districts_list()


@extend_schema_view(
    list=extend_schema(
        tags=["locations"],
        summary="Upazilas/thanas of Bangladesh",
        description="Filter by `district` (id); `search` matches the English or Bangla name.",
        responses={200: ThanaSerializer(many=True), **error_responses(401)},
    )
)
class ThanaViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    contract = "ktl"  # seed 003's envelope
    serializer_class = ThanaSerializer
    filterset_class = ThanaFilter
    search_fields = THANA_SEARCH
    ordering_fields = THANA_ORDERING
    ordering = ("name",)

    def get_queryset(self):
        return selectors.thanas_list()


class DistrictThanaListView(generics.ListAPIView):
    contract = "ktl"  # seed 003's envelope
    serializer_class = ThanaSerializer
    search_fields = THANA_SEARCH
    ordering_fields = THANA_ORDERING
    ordering = ("name",)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no district
            return Thana.objects.none()
        district = get_object_or_404(District, pk=self.kwargs["district_id"])
        return selectors.thanas_list().filter(district=district)

    @extend_schema(
        tags=["locations"],
        summary="Upazilas/thanas of one district",
        parameters=[OpenApiParameter("district_id", int, OpenApiParameter.PATH)],
        responses={200: ThanaSerializer(many=True), **error_responses(401, 404)},
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)


class LocationSummaryView(APIView):
    contract = "ktl"  # seed 003's envelope

    @extend_schema(
        tags=["locations"],
        summary="How many divisions, districts and upazilas/thanas there are",
        responses={200: LocationSummarySerializer, **error_responses(401)},
    )
    def get(self, request: Request) -> Response:
        return Response(LocationSummarySerializer(selectors.locations_summary()).data)
