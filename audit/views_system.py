"""System health (seed 000) and database backups (seed 004), for staff."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView, get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.backups import restores, services
from audit.backups import serializers as s
from audit.backups.filters import BackupFilter
from audit.health import system_health
from audit.models_backup import Backup
from config.openapi import error_responses
from config.pagination import BareListPagination
from config.permissions import permission_required
from config.routing import api_path
from config.throttling import UserRateThrottle

# --- health ----------------------------------------------------------------------------------


class HealthCheckSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["ok", "degraded", "fail"])
    latency_ms = serializers.FloatField()
    detail = serializers.CharField()
    data = serializers.DictField(help_text="What the check measured (e.g. disk volumes).")


class HealthChecksSerializer(serializers.Serializer):
    database = HealthCheckSerializer()
    cache = HealthCheckSerializer()
    broker = HealthCheckSerializer()
    migrations = HealthCheckSerializer()
    disk = HealthCheckSerializer()


class SystemHealthSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=["healthy", "degraded", "unhealthy"], help_text="The worst of the checks."
    )
    database = serializers.ChoiceField(
        choices=[("connected", "The database answered"), ("error", "The database failed")]
    )
    cache = serializers.ChoiceField(
        choices=[("connected", "The cache answered"), ("error", "The cache failed")]
    )
    response_time = serializers.CharField(help_text="Time all checks took, e.g. 45ms.")
    uptime = serializers.CharField(help_text="How long this server process has run.")
    uptime_seconds = serializers.IntegerField()
    checked_at = serializers.DateTimeField()
    checks = HealthChecksSerializer()


class SystemHealthView(APIView):
    """Real checks of the database, cache, broker, migrations and disk, each timed."""

    permission_classes = [permission_required("audit.view_system_health")]
    # The throttles count in the cache; the page that reports a broken cache must not need it.
    throttle_classes: list = []

    @extend_schema(
        tags=["system"],
        operation_id="admin_system_health",
        responses={
            200: SystemHealthSerializer,
            503: OpenApiResponse(
                SystemHealthSerializer, description="At least one check failed; same body."
            ),
            **error_responses(401, 403),
        },
    )
    def get(self, request: Request) -> Response:
        report = system_health()
        code = (
            status.HTTP_503_SERVICE_UNAVAILABLE
            if report["status"] == "unhealthy"
            else status.HTTP_200_OK
        )
        return Response(SystemHealthSerializer(report).data, status=code)


# --- backups ---------------------------------------------------------------------------------


class PostgresOnly:
    """Backups are `pg_dump` archives: on another database the endpoints say so (409)."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        services.ensure_supported()


class RestoreThrottle(UserRateThrottle):
    """Confirming with a password invites guessing; restores are rare anyway."""

    scope = "backup_restore"
    rate = "10/hour"


class BackupCreateView(PostgresOnly, APIView):
    permission_classes = [permission_required("audit.add_backup")]

    @extend_schema(
        tags=["backup"],
        operation_id="backup_create",
        request=s.BackupCreateSerializer,
        responses={201: s.BackupCreateReplySerializer, **error_responses(400, 401, 403, 409)},
    )
    def post(self, request: Request) -> Response:
        serializer = s.BackupCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        backup = services.backup_create(creator=request.user, **serializer.to_service_fields())
        backup.refresh_from_db()  # in-process, the dump has already run
        return Response(s.BackupCreateReplySerializer(backup).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(
        tags=["backup"],
        operation_id="backup_list",
        responses={200: s.BackupSerializer(many=True), **error_responses(401, 403, 409)},
    )
)
class BackupListView(PostgresOnly, ListAPIView):
    permission_classes = [permission_required("audit.view_backup")]
    serializer_class = s.BackupSerializer
    # Seed 004 shows a bare array.
    pagination_class = BareListPagination
    queryset = Backup.objects.all()
    filterset_class = BackupFilter
    search_fields = ("name", "label", "description")
    ordering_fields = ("created_at", "size_bytes", "status")
    ordering = ("-created_at", "-id")


class BackupDetailView(PostgresOnly, APIView):
    permission_classes = [permission_required("audit.delete_backup")]

    @extend_schema(
        tags=["backup"],
        operation_id="backup_delete",
        responses={
            200: OpenApiResponse(OpenApiTypes.OBJECT, description="`{}`, as seed 004 answers."),
            **error_responses(401, 403, 404, 409),
        },
    )
    def delete(self, request: Request, backup_id: int) -> Response:
        backup = get_object_or_404(Backup, pk=backup_id)
        services.backup_delete(backup=backup, actor=request.user)
        return Response({})


class BackupRestoreView(PostgresOnly, APIView):
    """Superusers only, confirming with their password; runs in the background."""

    permission_classes = [permission_required("audit.restore_backup")]
    throttle_classes = [RestoreThrottle]

    @extend_schema(
        tags=["backup"],
        operation_id="backup_restore",
        request=s.BackupRestoreRequestSerializer,
        responses={
            202: s.BackupRestoreSerializer,
            **error_responses(400, 401, 403, 404, 409, 422, 429),
        },
    )
    def post(self, request: Request, backup_id: int) -> Response:
        serializer = s.BackupRestoreRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        backup = get_object_or_404(Backup, pk=backup_id)
        restore = restores.restore_request(
            backup=backup,
            user=request.user,
            password=serializer.validated_data["password"],
            target_db=serializer.validated_data.get("target_db", ""),
        )
        restore.refresh_from_db()  # in-process, the restore has already run
        return Response(s.BackupRestoreSerializer(restore).data, status=status.HTTP_202_ACCEPTED)


urlpatterns = [
    *api_path("admin/system/health", SystemHealthView.as_view(), "system-health"),
    *api_path("backup/backup/create", BackupCreateView.as_view(), "backup-create"),
    *api_path("backup/backup/", BackupListView.as_view(), "backup-list"),
    *api_path("backup/backup/<int:backup_id>", BackupDetailView.as_view(), "backup-detail"),
    *api_path(
        "backup/backup/<int:backup_id>/restore", BackupRestoreView.as_view(), "backup-restore"
    ),
]
