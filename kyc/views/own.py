"""A person's own KYC: submit each document, confirm its code, read their status."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.openapi import error_responses
from kyc import selectors, services
from kyc import serializers as s
from kyc.models import KycKind

SUBMIT_ERRORS = error_responses(400, 401, 409, 429)


def _input(serializer_class, request: Request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _submitted(submission, message: str) -> Response:
    return Response(
        s.SubmitReplySerializer.reply(submission, message), status=status.HTTP_201_CREATED
    )


class SubmitAadhaarView(APIView):
    @extend_schema(
        tags=["kyc"],
        summary="Submit Aadhaar details (a code is sent to confirm them)",
        request=s.AadhaarSubmitSerializer,
        responses={201: s.SubmitReplySerializer, **SUBMIT_ERRORS},
    )
    def post(self, request: Request) -> Response:
        data = _input(s.AadhaarSubmitSerializer, request)
        submission = services.submit_aadhaar(user=request.user, **data)
        return _submitted(submission, "Aadhaar submitted for verification")


class SubmitPanView(APIView):
    @extend_schema(
        tags=["kyc"],
        summary="Submit PAN details (a code is sent to confirm them)",
        request=s.PanSubmitSerializer,
        responses={201: s.SubmitReplySerializer, **SUBMIT_ERRORS},
    )
    def post(self, request: Request) -> Response:
        data = _input(s.PanSubmitSerializer, request)
        submission = services.submit_pan(user=request.user, **data)
        return _submitted(submission, "PAN submitted for verification")


class SubmitBusinessView(APIView):
    @extend_schema(
        tags=["kyc"],
        summary="Submit business details (a code is sent to confirm them)",
        request=s.BusinessSubmitSerializer,
        responses={201: s.SubmitReplySerializer, **SUBMIT_ERRORS},
    )
    def post(self, request: Request) -> Response:
        data = _input(s.BusinessSubmitSerializer, request)
        submission = services.submit_business(user=request.user, **data)
        return _submitted(submission, "Business details submitted")


class SubmitBankView(APIView):
    @extend_schema(
        tags=["kyc"],
        summary="Submit bank account details (a code is sent to confirm them)",
        description=(
            "The IFSC must name a branch of the bank directory (400 on `ifsc_code` otherwise); "
            "the reply shows that bank and branch, and the bank name stored is the directory's."
        ),
        request=s.BankSubmitSerializer,
        responses={201: s.BankSubmitReplySerializer, **SUBMIT_ERRORS},
    )
    def post(self, request: Request) -> Response:
        data = _input(s.BankSubmitSerializer, request)
        submission = services.submit_bank(user=request.user, **data)
        branch = selectors.ifsc_branch(submission.record.ifsc)
        return Response(
            s.BankSubmitReplySerializer.reply(submission, "Bank details submitted", branch),
            status=status.HTTP_201_CREATED,
        )


class KycVerifyOtpView(APIView):
    @extend_schema(
        tags=["kyc"],
        summary="Confirm a KYC submission with its code and process it at once",
        description=(
            "Codes confirmed at POST /api/v1/otp/verify_otp are processed within a minute; "
            "this endpoint checks the code and gives the outcome straight away."
        ),
        request=s.KycVerifyOtpSerializer,
        responses={200: s.OwnRecordSerializer, **error_responses(400, 401, 404, 409, 429)},
    )
    def post(self, request: Request) -> Response:
        data = _input(s.KycVerifyOtpSerializer, request)
        record = services.kyc_confirm_with_code(
            user=request.user, request_id=data["request_id"], otp=data["otp"]
        )
        record = selectors.current_record(request.user, record.kind) or record
        return Response(s.OwnRecordSerializer(record).data)


class _OwnStatusView(APIView):
    kind: str
    serializer_class: type

    def get(self, request: Request) -> Response:
        record = selectors.current_record(request.user, self.kind)
        if record is None:
            raise NotFound(f"No {KycKind(self.kind).label} details submitted yet.")
        return Response(self.serializer_class(record, context=self.context_for(record)).data)

    def context_for(self, record) -> dict:
        return {}


def _status_schema(serializer, what: str):
    return extend_schema(
        tags=["kyc"],
        summary=f"Status of my {what} KYC (numbers masked)",
        responses={200: serializer, **error_responses(401, 404)},
    )


class AadhaarStatusView(_OwnStatusView):
    kind = KycKind.AADHAAR
    serializer_class = s.AadhaarStatusSerializer

    @_status_schema(s.AadhaarStatusSerializer, "Aadhaar")
    def get(self, request: Request) -> Response:
        return super().get(request)


class PanStatusView(_OwnStatusView):
    kind = KycKind.PAN
    serializer_class = s.PanStatusSerializer

    @_status_schema(s.PanStatusSerializer, "PAN")
    def get(self, request: Request) -> Response:
        return super().get(request)


class BusinessStatusView(_OwnStatusView):
    kind = KycKind.BUSINESS
    serializer_class = s.BusinessStatusSerializer

    @_status_schema(s.BusinessStatusSerializer, "business")
    def get(self, request: Request) -> Response:
        return super().get(request)


class BankStatusView(_OwnStatusView):
    kind = KycKind.BANK
    serializer_class = s.BankStatusSerializer

    def context_for(self, record) -> dict:
        return {"branch": selectors.ifsc_branch(record.ifsc)}

    @_status_schema(s.BankStatusSerializer, "bank account")
    def get(self, request: Request) -> Response:
        return super().get(request)


class KycStatusView(APIView):
    @extend_schema(
        tags=["kyc"],
        summary="My overall KYC status: completion, score and next steps",
        responses={200: s.KycStatusSerializer, **error_responses(401)},
    )
    def get(self, request: Request) -> Response:
        return Response(s.KycStatusSerializer(selectors.kyc_overview(request.user)).data)
