from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from config.openapi import ErrorSerializer, error_responses
from lending.permissions import IsLendingStaff
from lending.serializers.imports import ImportReplySerializer, ImportUploadSerializer
from lending.services.imports import ImportReport, customers_import, interactions_import

_TOO_LARGE = {
    413: OpenApiResponse(ErrorSerializer, description="The file is larger than the limit.")
}


def _reply(report: ImportReport) -> Response:
    body = ImportReplySerializer(
        {**report.__dict__, "errors_truncated": report.errors_truncated}
    ).data
    return Response(body, status=status.HTTP_200_OK if report.dry_run else status.HTTP_201_CREATED)


class _UploadView(APIView):
    permission_classes = [IsLendingStaff]
    parser_classes = [MultiPartParser, FormParser]

    def post(self, request):
        serializer = ImportUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = self.importer(
            actor=request.user,
            upload=serializer.validated_data["file"],
            dry_run=serializer.validated_data["dry_run"],
        )
        return _reply(report)


class CustomerUploadView(_UploadView):
    importer = staticmethod(customers_import)

    @extend_schema(
        tags=["lending: customers"],
        summary="Bulk upload customers from CSV",
        description=(
            "Columns: customer_code (optional), name, phone, email, address_line_1, "
            "address_line_2, city, state, pincode, date_of_birth, and optionally "
            "assigned_collection_officer (user id or login id). Valid rows are saved, "
            "the others reported with their row number and column. A row whose customer_code "
            "exists, or without a code whose phone belongs to a customer, is skipped, so "
            "uploading a file again adds nothing. `dry_run` checks without saving (200)."
        ),
        request={"multipart/form-data": ImportUploadSerializer},
        responses={
            201: ImportReplySerializer,
            200: ImportReplySerializer,
            **error_responses(400, 403),
            **_TOO_LARGE,
        },
    )
    def post(self, request):
        return super().post(request)


class InteractionUploadView(_UploadView):
    importer = staticmethod(interactions_import)

    @extend_schema(
        tags=["lending: field interactions"],
        summary="Bulk upload interactions from CSV",
        description=(
            "Columns: loan_id, comment, disposition, next_call_date, and optionally "
            "interaction_type (field by default), promise_amount and promise_date (for "
            "promise_to_pay), timestamp (ISO 8601). A row identical to one imported before "
            "(same values, uploader and day) is skipped. `dry_run` checks without saving (200)."
        ),
        request={"multipart/form-data": ImportUploadSerializer},
        responses={
            201: ImportReplySerializer,
            200: ImportReplySerializer,
            **error_responses(400, 403),
            **_TOO_LARGE,
        },
    )
    def post(self, request):
        return super().post(request)
