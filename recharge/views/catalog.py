"""Plans and offers: administration (seed 004 "Plans", "Offers") and the public lists."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from config.openapi import MessageSerializer, error_responses
from config.pagination import BareListPagination
from config.permissions import ModelPermissions
from recharge import selectors
from recharge.filters import OfferFilter, OfferTypeFilter, PlanFilter, PlanGroupFilter
from recharge.models import OfferType, Plan, PlanGroup
from recharge.serializers import catalog as s
from recharge.services import catalog, offers
from recharge.views.common import FILTERS, PublicAccess, parse

READ_ERRORS = error_responses(401, 403)
ONE_ERRORS = error_responses(401, 403, 404)
WRITE_ERRORS = error_responses(400, 401, 403, 409)
EDIT_ERRORS = error_responses(400, 401, 403, 404, 409)
DELETE_ERRORS = error_responses(401, 403, 404, 409)


class AdminViewSet(viewsets.GenericViewSet):
    """Staff CRUD: the model's view/add/change/delete permission by method; PUT edits."""

    permission_classes = [ModelPermissions]
    filter_backends = FILTERS
    # Seed 004 shows these lists as bare arrays; skip and limit page them.
    pagination_class = BareListPagination
    http_method_names = ["get", "post", "put", "delete", "head", "options"]
    lookup_value_regex = r"\d+"

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, **kwargs) -> Response:
        return Response(self.get_serializer(self.get_object()).data)


@extend_schema_view(
    list=extend_schema(
        summary="List plan groups", responses={200: s.PlanGroupSerializer(many=True), **READ_ERRORS}
    ),
    retrieve=extend_schema(
        summary="Get a plan group", responses={200: s.PlanGroupSerializer, **ONE_ERRORS}
    ),
)
@extend_schema(tags=["plans"])
class PlanGroupViewSet(AdminViewSet):
    queryset = PlanGroup.objects.all()
    serializer_class = s.PlanGroupSerializer
    lookup_url_kwarg = "group_id"
    filterset_class = PlanGroupFilter
    search_fields = ["group_name"]
    ordering_fields = ["id", "group_name", "created_at"]
    ordering_aliases = {"group_id": "id"}
    ordering = ["id"]

    @extend_schema(
        summary="Create a plan group",
        request=s.PlanGroupSerializer,
        responses={201: s.PlanGroupSerializer, **WRITE_ERRORS},
    )
    def create(self, request: Request) -> Response:
        data = parse(s.PlanGroupSerializer, request)
        group = catalog.plan_group_create(actor=request.user, group_name=data["group_name"])
        return Response(s.PlanGroupSerializer(group).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Rename a plan group",
        request=s.PlanGroupSerializer,
        responses={200: s.PlanGroupSerializer, **EDIT_ERRORS},
    )
    def update(self, request: Request, **kwargs) -> Response:
        group = self.get_object()
        data = parse(s.PlanGroupSerializer, request)
        group = catalog.plan_group_update(
            actor=request.user, group=group, group_name=data["group_name"]
        )
        return Response(s.PlanGroupSerializer(group).data)

    @extend_schema(
        summary="Delete a plan group",
        description="Refused (409) while plans belong to the group.",
        responses={200: MessageSerializer, **DELETE_ERRORS},
    )
    def destroy(self, request: Request, **kwargs) -> Response:
        catalog.plan_group_delete(actor=request.user, group=self.get_object())
        return Response({"message": "Plan group deleted."})


@extend_schema_view(
    list=extend_schema(
        summary="List plans (admin)", responses={200: s.PlanSerializer(many=True), **READ_ERRORS}
    ),
    retrieve=extend_schema(summary="Get a plan", responses={200: s.PlanSerializer, **ONE_ERRORS}),
)
@extend_schema(tags=["plans"])
class PlanViewSet(AdminViewSet):
    queryset = Plan.objects.all()
    serializer_class = s.PlanSerializer
    lookup_url_kwarg = "plan_id"
    filterset_class = PlanFilter
    search_fields = ["plan_name", "description"]
    ordering_fields = ["id", "plan_name", "price", "validity", "status", "created_at"]
    ordering_aliases = {"plan_id": "id"}
    ordering = ["id"]

    @extend_schema(
        summary="Create a plan",
        request=s.PlanWriteSerializer,
        responses={201: s.PlanSerializer, **WRITE_ERRORS},
    )
    def create(self, request: Request) -> Response:
        data = parse(s.PlanWriteSerializer, request)
        plan = catalog.plan_create(actor=request.user, data=data)
        return Response(s.PlanSerializer(plan).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Update a plan",
        description="Fields left out keep their values.",
        request=s.PlanWriteSerializer,
        responses={200: s.PlanSerializer, **EDIT_ERRORS},
    )
    def update(self, request: Request, **kwargs) -> Response:
        plan = self.get_object()
        data = parse(s.PlanWriteSerializer, request, partial=True)
        plan = catalog.plan_update(actor=request.user, plan=plan, data=data)
        return Response(s.PlanSerializer(plan).data)

    @extend_schema(
        summary="Delete a plan",
        description="A plan that was bought or has autopays is retired instead: kept, never sold.",
        responses={200: MessageSerializer, **DELETE_ERRORS},
    )
    def destroy(self, request: Request, **kwargs) -> Response:
        outcome = catalog.plan_delete(actor=request.user, plan=self.get_object())
        return Response({"message": f"Plan {outcome}."})


@extend_schema(tags=["plans"])
class PublicPlanListView(PublicAccess, ListAPIView):
    serializer_class = s.PlanPublicSerializer
    pagination_class = BareListPagination
    filter_backends = FILTERS
    filterset_class = PlanFilter
    search_fields = ["plan_name", "description"]
    ordering_fields = ["id", "plan_name", "price", "validity"]
    ordering_aliases = {"plan_id": "id"}
    ordering = ["-most_popular", "price", "id"]

    def get_queryset(self):
        return selectors.plans_for_sale()

    @extend_schema(
        summary="Active plans (public)", responses={200: s.PlanPublicSerializer(many=True)}
    )
    def get(self, request: Request) -> Response:
        return super().get(request)


@extend_schema_view(
    list=extend_schema(
        summary="List offer types", responses={200: s.OfferTypeSerializer(many=True), **READ_ERRORS}
    ),
    retrieve=extend_schema(
        summary="Get an offer type", responses={200: s.OfferTypeSerializer, **ONE_ERRORS}
    ),
)
@extend_schema(tags=["offers"])
class OfferTypeViewSet(AdminViewSet):
    queryset = OfferType.objects.all()
    serializer_class = s.OfferTypeSerializer
    lookup_url_kwarg = "offer_type_id"
    filterset_class = OfferTypeFilter
    search_fields = ["offer_type_name"]
    ordering_fields = ["id", "offer_type_name", "created_at"]
    ordering_aliases = {"offer_type_id": "id"}
    ordering = ["id"]

    @extend_schema(
        summary="Create an offer type",
        request=s.OfferTypeSerializer,
        responses={201: s.OfferTypeSerializer, **WRITE_ERRORS},
    )
    def create(self, request: Request) -> Response:
        data = parse(s.OfferTypeSerializer, request)
        offer_type = offers.offer_type_create(
            actor=request.user, offer_type_name=data["offer_type_name"]
        )
        return Response(s.OfferTypeSerializer(offer_type).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Rename an offer type",
        request=s.OfferTypeSerializer,
        responses={200: s.OfferTypeSerializer, **EDIT_ERRORS},
    )
    def update(self, request: Request, **kwargs) -> Response:
        offer_type = self.get_object()
        data = parse(s.OfferTypeSerializer, request)
        offer_type = offers.offer_type_update(
            actor=request.user, offer_type=offer_type, offer_type_name=data["offer_type_name"]
        )
        return Response(s.OfferTypeSerializer(offer_type).data)

    @extend_schema(
        summary="Delete an offer type",
        description="Refused (409) while offers use it.",
        responses={200: MessageSerializer, **DELETE_ERRORS},
    )
    def destroy(self, request: Request, **kwargs) -> Response:
        offers.offer_type_delete(actor=request.user, offer_type=self.get_object())
        return Response({"message": "Offer type deleted."})


@extend_schema_view(
    list=extend_schema(
        summary="List offers (admin)", responses={200: s.OfferSerializer(many=True), **READ_ERRORS}
    ),
    retrieve=extend_schema(
        summary="Get an offer", responses={200: s.OfferSerializer, **ONE_ERRORS}
    ),
)
@extend_schema(tags=["offers"])
class OfferViewSet(AdminViewSet):
    serializer_class = s.OfferSerializer
    lookup_url_kwarg = "offer_id"
    filterset_class = OfferFilter
    search_fields = ["offer_name", "description"]
    ordering_fields = ["id", "offer_name", "status", "valid_to", "created_at"]
    ordering_aliases = {"offer_id": "id"}
    ordering = ["id"]

    def get_queryset(self):
        return selectors.offers_with_rules()

    @extend_schema(
        summary="Create an offer",
        description=(
            "`criteria` declares the rules: `discount_type` (percentage or flat), "
            "`discount_value`, `max_discount`, `min_amount`, `eligible_plan_ids` (none: every "
            "plan), `first_recharge_only`, `max_redemptions_per_user`, `max_redemptions_total`, "
            "`valid_from` (default now) and `valid_to` (default valid_from + offer_validity days)."
        ),
        request=s.OfferWriteSerializer,
        responses={201: s.OfferSerializer, **WRITE_ERRORS},
    )
    def create(self, request: Request) -> Response:
        serializer = s.OfferWriteSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        offer = offers.offer_create(actor=request.user, data=serializer.to_service())
        offer = selectors.offers_with_rules().get(pk=offer.pk)
        return Response(s.OfferSerializer(offer).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Update an offer",
        description="Fields (and criteria) left out keep their values.",
        request=s.OfferWriteSerializer,
        responses={200: s.OfferSerializer, **EDIT_ERRORS},
    )
    def update(self, request: Request, **kwargs) -> Response:
        offer = self.get_object()
        serializer = s.OfferWriteSerializer(
            data=request.data, context={"request": request}, partial=True
        )
        serializer.is_valid(raise_exception=True)
        offer = offers.offer_update(actor=request.user, offer=offer, data=serializer.to_service())
        offer = selectors.offers_with_rules().get(pk=offer.pk)
        return Response(s.OfferSerializer(offer).data)

    @extend_schema(
        summary="Delete an offer",
        description="An offer that was redeemed is retired instead: kept, never applied again.",
        responses={200: MessageSerializer, **DELETE_ERRORS},
    )
    def destroy(self, request: Request, **kwargs) -> Response:
        outcome = offers.offer_delete(actor=request.user, offer=self.get_object())
        return Response({"message": f"Offer {outcome}."})


@extend_schema(tags=["offers"])
class PublicOfferListView(PublicAccess, ListAPIView):
    serializer_class = s.OfferPublicSerializer
    pagination_class = BareListPagination
    filter_backends = FILTERS
    filterset_class = OfferFilter
    search_fields = ["offer_name", "description"]
    ordering_fields = ["id", "offer_name", "valid_to"]
    ordering_aliases = {"offer_id": "id"}
    ordering = ["-is_special", "id"]

    def get_queryset(self):
        return selectors.offers_on_show()

    @extend_schema(
        summary="Offers on show now (public)",
        responses={200: s.OfferPublicSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        return super().get(request)
