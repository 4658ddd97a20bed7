from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import RetrieveAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from config.exceptions import PayloadTooLarge
from config.inputs import FormParser, MultiPartParser
from config.openapi import ErrorSerializer, error_responses
from lending.contracts import REPAYSYNC
from lending.models import ImportBatch, ImportKind
from lending.permissions import IsLendingStaff
from lending.selectors.imports import import_jobs_for
from lending.serializers.imports import (
    ImportJobSerializer,
    ImportReplySerializer,
    ImportUploadSerializer,
)
from lending.services.imports import ImportReport, import_job_expire, import_submit
from lending.services.imports.limits import max_bytes, too_large

# Room for the multipart framing around the file (boundaries, part headers,
# the dry_run field) when the request's declared length is checked.
_MULTIPART_OVERHEAD = 64 * 1024

_UPLOAD_RESPONSES = {
    201: ImportReplySerializer,
    200: ImportReplySerializer,
    202: OpenApiResponse(
        ImportJobSerializer,
        description=(
            "The file has more rows than the background threshold: it is imported by a "
            "background task. Poll the job at the Location header until it is done or failed."
        ),
    ),
    **error_responses(400, 403),
    413: OpenApiResponse(
        ErrorSerializer,
        description="The file is larger than the byte limit or has more rows than the row limit.",
    ),
}
_LOCATION = OpenApiParameter(
    "Location",
    OpenApiTypes.URI,
    location=OpenApiParameter.HEADER,
    response=[202],
    description="The job to poll.",
)
_LIMITS = (
    " A file larger than `IMPORT_MAX_BYTES` (10 MB by default) or with more rows than "
    "`IMPORT_MAX_ROWS` (100,000; rows are counted by line breaks) is refused with 413 before "
    "it is read. A file with more rows than `IMPORT_BACKGROUND_ROWS` (5,000) is imported in "
    "the background: the reply is 202 with a job to poll, a dry run as well (its job carries "
    "the report and saves nothing)."
)


class _SizeLimitHandler(FileUploadHandler):
    """Stops receiving a file the moment it passes the limit, before it is stored anywhere."""

    exceeded = False

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > max_bytes():
            self.exceeded = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None


def _reply(report: ImportReport) -> Response:
    body = ImportReplySerializer(
        {**report.__dict__, "errors_truncated": report.errors_truncated}
    ).data
    return Response(body, status=status.HTTP_200_OK if report.dry_run else status.HTTP_201_CREATED)


def _job_reply(request, job: ImportBatch) -> Response:
    location = request.build_absolute_uri(reverse("lending:import-job", args=[job.pk]))
    return Response(
        ImportJobSerializer(job).data,
        status=status.HTTP_202_ACCEPTED,
        headers={"Location": location},
    )


class _UploadView(APIView):
    permission_classes = [IsLendingStaff]
    contract = REPAYSYNC
    parser_classes = [MultiPartParser, FormParser]
    kind: str

    def initialize_request(self, request, *args, **kwargs):
        # Before anything reads the body: the session authentication's CSRF check may.
        self._size_limit = _SizeLimitHandler(request)
        request.upload_handlers = [self._size_limit, *request.upload_handlers]
        return super().initialize_request(request, *args, **kwargs)

    def initial(self, request, *args, **kwargs):
        # A body declared larger than any allowed file is refused unread.
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > max_bytes() + _MULTIPART_OVERHEAD:
            raise too_large()
        super().initial(request, *args, **kwargs)

    def handle_exception(self, exc):
        # Django's cap on a form's fields is met when the CSV is sent as a field
        # rather than a file: say so, where the API-wide 413 could not.
        if isinstance(exc, RequestDataTooBig):
            exc = PayloadTooLarge(
                "file: The form's fields are larger than the limit of "
                f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes; send the file as a file upload."
            )
        return super().handle_exception(exc)

    def post(self, request):
        data = request.data
        if self._size_limit.exceeded:
            raise too_large()
        serializer = ImportUploadSerializer(data=data)
        serializer.is_valid(raise_exception=True)
        outcome = import_submit(
            kind=self.kind,
            actor=request.user,
            upload=serializer.validated_data["file"],
            dry_run=serializer.validated_data["dry_run"],
        )
        if isinstance(outcome, ImportReport):
            return _reply(outcome)
        return _job_reply(request, outcome)


class CustomerUploadView(_UploadView):
    kind = ImportKind.CUSTOMERS

    @extend_schema(
        tags=["lending: customers"],
        summary="Bulk upload customers from CSV",
        description=(
            "Columns: customer_code (optional), name, phone, email, address_line_1, "
            "address_line_2, city, state, pincode, date_of_birth, and optionally "
            "assigned_collection_officer (user id or login id). Valid rows are saved, "
            "the others reported with their row number and column. A row whose customer_code "
            "exists, or without a code whose phone belongs to a customer, is skipped, so "
            "uploading a file again adds nothing. `dry_run` checks without saving (200)." + _LIMITS
        ),
        request={"multipart/form-data": ImportUploadSerializer},
        parameters=[_LOCATION],
        responses=_UPLOAD_RESPONSES,
    )
    def post(self, request):
        return super().post(request)


class InteractionUploadView(_UploadView):
    kind = ImportKind.INTERACTIONS

    @extend_schema(
        tags=["lending: field interactions"],
        summary="Bulk upload interactions from CSV",
        description=(
            "Columns: loan_id, comment, disposition, next_call_date, and optionally "
            "interaction_type (field by default), promise_amount and promise_date (for "
            "promise_to_pay), timestamp (ISO 8601). A row identical to one imported before "
            "(same values, uploader and day) is skipped. `dry_run` checks without saving (200)."
            + _LIMITS
        ),
        request={"multipart/form-data": ImportUploadSerializer},
        parameters=[_LOCATION],
        responses=_UPLOAD_RESPONSES,
    )
    def post(self, request):
        return super().post(request)


class ImportJobView(RetrieveAPIView):
    serializer_class = ImportJobSerializer
    permission_classes = [IsLendingStaff]

    def get_queryset(self):
        return import_jobs_for(self.request.user)

    def get_object(self):
        # A job whose worker died is reported failed when someone looks at it.
        return import_job_expire(job=super().get_object())

    @extend_schema(
        tags=["lending: imports"],
        summary="Follow a CSV import",
        description=(
            "The job of an upload imported in the background (or the record of one imported "
            "at once): its status (queued, running, done or failed), the rows read so far and "
            "the percent, and once done the same report a synchronous upload answers with. "
            "Visible to its uploader and to lending admins; anyone else's job is a 404. A job "
            "that has not moved for `IMPORT_JOB_TIMEOUT_SECONDS` is reported failed."
        ),
        responses={200: ImportJobSerializer, **error_responses(403, 404)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
