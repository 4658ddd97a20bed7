"""Autopay and referrals (seed 004)."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView, get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.openapi import MessageSerializer, error_responses
from config.permissions import permission_required
from recharge import selectors
from recharge.filters import AutopayFilter, ReferralRewardFilter
from recharge.models import Autopay, ReferralReward
from recharge.pagination import envelope
from recharge.serializers.autopay import (
    AutopayOutcomeSerializer,
    AutopaySerializer,
    AutopayWriteSerializer,
    ProcessDueSerializer,
    ReferralRewardSerializer,
)
from recharge.services import autopay as autopay_services
from recharge.services.autopay_run import autopay_process_due
from recharge.views.common import FILTERS, parse


def _own_autopay(request: Request, autopay_id: int) -> Autopay:
    # Another user's autopay is simply not found.
    return get_object_or_404(selectors.autopays_of(request.user), pk=autopay_id)


class CreateAutopayView(APIView):
    @extend_schema(
        tags=["autopay"],
        summary="Create an autopay",
        description="Buys `plan_id` for `phone_number` from the wallet on `next_due_date`, then "
        "again every plan validity.",
        request=AutopayWriteSerializer,
        responses={201: AutopaySerializer, **error_responses(400, 401)},
    )
    def post(self, request: Request) -> Response:
        data = parse(AutopayWriteSerializer, request)
        autopay = autopay_services.autopay_create(
            user=request.user,
            plan=data["plan"],
            phone_number=data["phone_number"],
            tag=data.get("tag", ""),
            next_due_date=data.get("next_due_date"),
            status=data.get("status") or "enabled",
        )
        return Response(AutopaySerializer(autopay).data, status=status.HTTP_201_CREATED)


class GetAutopayView(APIView):
    @extend_schema(
        tags=["autopay"],
        summary="Get one of my autopays",
        responses={200: AutopaySerializer, **error_responses(401, 404)},
    )
    def get(self, request: Request, autopay_id: int) -> Response:
        return Response(AutopaySerializer(_own_autopay(request, autopay_id)).data)


class EditAutopayView(APIView):
    @extend_schema(
        tags=["autopay"],
        summary="Edit one of my autopays",
        description="Enabling a disabled autopay starts its failure count afresh.",
        request=AutopayWriteSerializer,
        responses={200: AutopaySerializer, **error_responses(400, 401, 404)},
    )
    def patch(self, request: Request, autopay_id: int) -> Response:
        autopay = _own_autopay(request, autopay_id)
        data = parse(AutopayWriteSerializer, request, partial=True)
        autopay = autopay_services.autopay_update(user=request.user, autopay=autopay, data=data)
        return Response(AutopaySerializer(autopay).data)

    @extend_schema(
        tags=["autopay"],
        summary="Remove one of my autopays",
        responses={200: MessageSerializer, **error_responses(401, 404)},
    )
    def delete(self, request: Request, autopay_id: int) -> Response:
        autopay_services.autopay_remove(
            user=request.user, autopay=_own_autopay(request, autopay_id)
        )
        return Response({"message": "Autopay removed."})


class _AutopayList(ListAPIView):
    queryset = Autopay.objects.none()  # for the schema; each view scopes its own
    serializer_class = AutopaySerializer
    pagination_class = envelope("items", 20)
    filter_backends = FILTERS
    filterset_class = AutopayFilter
    search_fields = ["tag", "phone_number"]
    ordering_fields = ["id", "next_due_date", "status", "created_at"]
    ordering_aliases = {"autopay_id": "id"}
    ordering = ["next_due_date", "id"]


class MyAutopaysView(_AutopayList):
    def get_queryset(self):
        return selectors.autopays_of(self.request.user)

    @extend_schema(
        tags=["autopay"],
        summary="My autopays",
        responses={200: AutopaySerializer(many=True), **error_responses(400, 401)},
    )
    def get(self, request: Request) -> Response:
        return super().get(request)


class AdminAutopaysView(_AutopayList):
    permission_classes = [permission_required("recharge.view_autopay")]

    def get_queryset(self):
        return Autopay.objects.all()

    @extend_schema(
        tags=["autopay"],
        summary="Every autopay (admin)",
        responses={200: AutopaySerializer(many=True), **error_responses(400, 401, 403)},
    )
    def get(self, request: Request) -> Response:
        return super().get(request)


class ProcessDueView(APIView):
    permission_classes = [permission_required("recharge.process_due_autopay")]

    @extend_schema(
        tags=["autopay"],
        summary="Process due autopays now (admin)",
        description=(
            "The same work as the scheduled job: each due autopay is charged at most once for "
            "its due date, even when runs overlap. One result per autopay processed."
        ),
        request=ProcessDueSerializer,
        responses={200: AutopayOutcomeSerializer(many=True), **error_responses(400, 401, 403)},
    )
    def post(self, request: Request) -> Response:
        data = parse(ProcessDueSerializer, request)
        outcomes = autopay_process_due(limit=data["limit"], actor=request.user)
        return Response(AutopayOutcomeSerializer(outcomes, many=True).data)


class _ReferralList(ListAPIView):
    queryset = ReferralReward.objects.none()  # for the schema; each view scopes its own
    serializer_class = ReferralRewardSerializer
    pagination_class = envelope("items", 20)
    filter_backends = FILTERS
    filterset_class = ReferralRewardFilter
    search_fields: list = []
    ordering_fields = ["id", "created_at", "claimed_at", "status"]
    ordering_aliases = {"reward_id": "id"}
    ordering = ["-created_at", "-id"]


class MyReferralsView(_ReferralList):
    def get_queryset(self):
        return selectors.referral_rewards().filter(referrer=self.request.user)

    @extend_schema(
        tags=["referrals"],
        summary="My referral rewards",
        responses={200: ReferralRewardSerializer(many=True), **error_responses(400, 401)},
    )
    def get(self, request: Request) -> Response:
        return super().get(request)


class AdminReferralsView(_ReferralList):
    permission_classes = [permission_required("recharge.view_referralreward")]

    def get_queryset(self):
        return selectors.referral_rewards()

    @extend_schema(
        tags=["referrals"],
        summary="Every referral reward (admin)",
        responses={200: ReferralRewardSerializer(many=True), **error_responses(400, 401, 403)},
    )
    def get(self, request: Request) -> Response:
        return super().get(request)
