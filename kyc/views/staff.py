"""Staff review of KYC submissions: the queue, one submission, and the decisions."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from config.openapi import error_responses
from config.permissions import permission_required
from kyc import selectors, services
from kyc import serializers as s
from kyc.filters import KycRecordFilter

REVIEW_PERMISSION = "kyc.review_kyc"


def _decision_schema(request_serializer, summary: str):
    return extend_schema(
        tags=["admin-kyc"],
        summary=summary,
        request=request_serializer,
        responses={200: s.StaffRecordSerializer, **error_responses(400, 401, 403, 404, 409)},
    )


@extend_schema_view(
    list=extend_schema(
        tags=["admin-kyc"],
        summary="KYC submissions, newest first (numbers masked)",
        responses={200: s.StaffRecordSerializer(many=True), **error_responses(400, 401, 403)},
    ),
    retrieve=extend_schema(
        tags=["admin-kyc"],
        summary="One KYC submission with its verification checks (numbers masked)",
        responses={200: s.StaffRecordSerializer, **error_responses(401, 403, 404)},
    ),
)
class KycReviewViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [permission_required(REVIEW_PERMISSION)]
    serializer_class = s.StaffRecordSerializer
    filterset_class = KycRecordFilter
    search_fields = ["user__email", "user__username", "user__mobile", "holder_name"]
    ordering_fields = ["id", "submitted_at", "verified_at", "verification_score", "status"]
    ordering = ["-submitted_at", "-id"]

    def get_queryset(self):
        return selectors.records_for_staff()

    def _reply(self, record) -> Response:
        fresh = self.get_queryset().get(pk=record.pk)
        return Response(s.StaffRecordSerializer(fresh).data)

    @_decision_schema(s.ApproveSerializer, "Approve a submission waiting for review")
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk=None) -> Response:
        record = self.get_object()
        data = s.ApproveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        record = services.kyc_approve(
            record_id=record.pk, reviewer=request.user, note=data.validated_data["note"]
        )
        return self._reply(record)

    @_decision_schema(s.ReasonSerializer, "Reject a submission, with the reason shown to its owner")
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk=None) -> Response:
        record = self.get_object()
        data = s.ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        record = services.kyc_reject(
            record_id=record.pk, reviewer=request.user, reason=data.validated_data["reason"]
        )
        return self._reply(record)

    @_decision_schema(s.ReasonSerializer, "Ask the owner to submit this document again")
    @action(detail=True, methods=["post"])
    def request_resubmission(self, request: Request, pk=None) -> Response:
        record = self.get_object()
        data = s.ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        record = services.kyc_request_resubmission(
            record_id=record.pk, reviewer=request.user, reason=data.validated_data["reason"]
        )
        return self._reply(record)
