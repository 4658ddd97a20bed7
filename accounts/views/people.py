"""People: one's own profile (seeds 000, 003), staff user management (seeds 000, 002, 003),
blocking, and login activity."""

from django.db.models import Count, Max, Q
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.generics import ListAPIView, get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import extensions
from accounts.contracts import KTL
from accounts.models import AccountStatus, AuthSession, LoginEvent, StaffType, User
from accounts.selectors import (
    failed_login_attempts,
    login_activity_since,
    login_statistics,
    user_statistics,
    users_for_staff,
)
from accounts.serializers import people as s
from accounts.serializers.auth import ChallengeReplySerializer
from accounts.serializers.contact import ContactCodeSerializer, split_proof
from accounts.services import users as user_services
from accounts.services.contact import contact_code_send, contact_proof
from accounts.services.passwords import password_change
from accounts.services.staff import staff_member_create, staff_member_update
from accounts.views.auth import _session_id
from config import contracts
from config.export import csv_response
from config.openapi import MessageSerializer, error_responses
from config.pagination import bare_unless_contract
from config.permissions import IsActiveUser, ModelPermissions, permission_required
from config.routing import OptionalSlashRouter, api_path

DAYS = OpenApiParameter(
    "days", OpenApiTypes.INT, description="Look back this many days (default 30)."
)
RECENT_LIMIT = 50


def _days(request: Request, default: int = 30) -> int:
    raw = request.query_params.get("days", default)
    try:
        days = int(raw)
    except (TypeError, ValueError):
        raise serializers.ValidationError({"days": ["A whole number of days."]}) from None
    if not 1 <= days <= 3650:
        raise serializers.ValidationError({"days": ["Between 1 and 3650."]})
    return days


# --- one's own account ---------------------------------------------------------------------------


class MyProfileView(APIView):
    @extend_schema(tags=["profile"], responses={200: s.MyProfileSerializer, **error_responses(401)})
    def get(self, request: Request) -> Response:
        return Response(s.MyProfileSerializer(request.user).data)


class UpdateProfileView(APIView):
    @extend_schema(
        tags=["profile"],
        request=s.UpdateProfileSerializer,
        responses={200: s.UpdateProfileReplySerializer, **error_responses(400, 401)},
    )
    def put(self, request: Request) -> Response:
        serializer = s.UpdateProfileSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        proof = contact_proof(user=request.user, **split_proof(serializer.validated_data)[1])
        user, changed = user_services.profile_update(
            user=request.user,
            proof=proof,
            current_session_id=_session_id(request),
            **serializer.to_service_fields(),
        )
        return Response(
            {"id": user.pk, "message": "Profile updated successfully.", "updated_fields": changed}
        )


class ContactCodeView(APIView):
    """A code to the new e-mail address or phone number, to prove a change of one's own."""

    @extend_schema(
        tags=["profile"],
        summary="Send a code to a new e-mail address or phone number",
        description=(
            "Give its `request_id` and `otp` with the change (or `current_password` instead). "
            "The code works once, for that address, and for 10 minutes after it is entered."
        ),
        request=ContactCodeSerializer,
        responses={200: ChallengeReplySerializer, **error_responses(400, 401, 429)},
    )
    def post(self, request: Request) -> Response:
        serializer = ContactCodeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        field, value = (
            ("email", data["email"]) if data.get("email") else ("mobile", data["phone_number"])
        )
        challenge = contact_code_send(user=request.user, field=field, value=value)
        return Response(ChallengeReplySerializer.reply(challenge, "Code sent to the new address."))


class ChangePasswordView(APIView):
    """Seeds 000 and 003: the other sessions end, this one stays."""

    contract = None  # seed 003's route names its own
    contract_messages = {"post": "Password changed successfully"}

    @extend_schema(
        tags=["profile"],
        request=s.ChangePasswordSerializer,
        responses={200: MessageSerializer, **error_responses(400, 401)},
    )
    def post(self, request: Request) -> Response:
        serializer = s.ChangePasswordSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        password_change(
            user=request.user,
            old_password=serializer.validated_data["old_password"],
            new_password=serializer.validated_data["new_password"],
            current_session_id=_session_id(request),
        )
        return Response({"message": "Password changed successfully."})


class MyActivityView(APIView):
    @extend_schema(
        tags=["profile"], responses={200: s.ActivityReplySerializer, **error_responses(401)}
    )
    def get(self, request: Request) -> Response:
        user = request.user
        sessions = AuthSession.objects.filter(
            user=user, revoked_at__isnull=True, expires_at__gt=timezone.now()
        ).aggregate(active=Count("id"), last_used=Max("last_used_at"))
        recent = user.login_activities.order_by("-created_at")[:RECENT_LIMIT]
        return Response(
            s.ActivityReplySerializer(
                {
                    "user_id": user.pk,
                    "last_login": user.last_login,
                    "last_api_call": sessions["last_used"],
                    "active_sessions": sessions["active"],
                    "activities": recent,
                }
            ).data
        )


class MyPermissionsView(APIView):
    """Seed 003: what the signed-in user may do, and why (roles, groups)."""

    contract = KTL

    @extend_schema(
        tags=["profile"], responses={200: s.MyPermissionsSerializer, **error_responses(401)}
    )
    def get(self, request: Request) -> Response:
        user = request.user
        live = users_for_staff().get(pk=user.pk).live_roles
        return Response(
            {
                "permissions": sorted(user.get_all_permissions()),
                "roles": s.LiveRoleSerializer(live, many=True).data,
                "groups": sorted(user.groups.values_list("name", flat=True)),
            }
        )


class MyLoginHistoryView(APIView):
    @extend_schema(
        tags=["login activity"],
        parameters=[DAYS],
        responses={200: s.LoginHistoryReplySerializer, **error_responses(400, 401)},
    )
    def get(self, request: Request) -> Response:
        return Response(_history(request.user, _days(request)))


def _history(user: User, days: int) -> dict:
    window = login_activity_since(days).filter(user=user)
    recent = list(window.order_by("-created_at")[:RECENT_LIMIT])
    return s.LoginHistoryReplySerializer(
        {
            "user_id": user.pk,
            "total_logins": window.filter(event=LoginEvent.LOGIN_SUCCEEDED).count(),
            "recent_logins": recent,
            "logins": recent,
        }
    ).data


# --- staff: users ----------------------------------------------------------------------------------

VIEW_USERS = permission_required("accounts.view_user")
BLOCK_USERS = permission_required("accounts.block_user")


def _staff_users():
    return users_for_staff().annotate(
        login_attempts=Count(
            "login_activities", filter=Q(login_activities__event=LoginEvent.LOGIN_SUCCEEDED)
        ),
        failed_logins=Count(
            "login_activities", filter=Q(login_activities__event=LoginEvent.LOGIN_FAILED)
        ),
    )


SEARCH_FIELDS = {
    "email": ("email__icontains",),
    "mobile": ("mobile__icontains",),
    "username": ("username__icontains",),
    "name": ("first_name__icontains", "last_name__icontains"),
}


def _search(queryset, term: str, filter_by: str = "all"):
    filter_by = filter_by or "all"
    # Checked even without a search term: a value the schema refuses is never ignored.
    if filter_by not in SEARCH_FIELDS and filter_by != "all":
        raise serializers.ValidationError(
            {"filter_by": [f"One of: all, {', '.join(SEARCH_FIELDS)}."]}
        )
    if not term:
        return queryset
    lookups = (
        [lookup for group in SEARCH_FIELDS.values() for lookup in group]
        if filter_by == "all"
        else SEARCH_FIELDS[filter_by]
    )
    condition = Q()
    for lookup in lookups:
        condition |= Q(**{lookup: term})
    return queryset.filter(condition)


class AdminUserListView(ListAPIView):
    """Seed 000: list and search accounts (paginated)."""

    permission_classes = [VIEW_USERS]
    serializer_class = s.AdminUserRowSerializer
    filter_backends: list = []  # search and status are read below, as seed 000 names them

    def get_queryset(self):
        params = self.request.query_params
        queryset = users_for_staff().order_by("-date_joined", "-id")
        term = (params.get("search") or params.get("q") or "").strip()
        queryset = _search(queryset, term, params.get("filter_by", "all"))
        status = params.get("status")
        if status:
            if status not in AccountStatus.values:
                raise serializers.ValidationError(
                    {"status": [f"One of: {', '.join(AccountStatus.values)}."]}
                )
            queryset = queryset.filter(status=status)
        return queryset

    def list(self, request: Request, *args, **kwargs) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        statuses = extensions.kyc_statuses(user.pk for user in page)
        rows = self.get_serializer(page, many=True, context={"kyc_statuses": statuses})
        return self.get_paginated_response(rows.data)

    @extend_schema(
        tags=["admin: users"],
        parameters=[
            OpenApiParameter("search", str),
            OpenApiParameter("q", str),
            OpenApiParameter("filter_by", str, enum=["all", *SEARCH_FIELDS]),
            OpenApiParameter("status", str, enum=AccountStatus.values),
        ],
        responses={200: s.AdminUserRowSerializer(many=True), **error_responses(400, 401, 403)},
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)


class AdminUserDetailView(APIView):
    permission_classes = [VIEW_USERS]

    @extend_schema(
        tags=["admin: users"],
        responses={200: s.AdminUserDetailSerializer, **error_responses(401, 403, 404)},
    )
    def get(self, request: Request, user_id: int) -> Response:
        return Response(
            s.AdminUserDetailSerializer(get_object_or_404(_staff_users(), pk=user_id)).data
        )


class AdminUserStatisticsView(APIView):
    permission_classes = [VIEW_USERS]

    @extend_schema(
        tags=["admin: users"],
        responses={200: s.UserStatisticsSerializer, **error_responses(401, 403)},
    )
    def get(self, request: Request) -> Response:
        return Response(s.UserStatisticsSerializer(user_statistics()).data)


class AdminUserExportView(APIView):
    """Seed 000: every account (optionally of one status) as a CSV stream."""

    permission_classes = [permission_required("accounts.view_user", "accounts.export_user")]
    HEADER = (
        "id",
        "username",
        "email",
        "mobile",
        "name",
        "user_type",
        "subscriber_type",
        "status",
        "date_joined",
    )

    @extend_schema(
        tags=["admin: users"],
        parameters=[
            OpenApiParameter("format", str, enum=["csv"]),
            OpenApiParameter("status", str, enum=AccountStatus.values),
        ],
        responses={(200, "text/csv"): OpenApiTypes.BINARY, **error_responses(400, 401, 403)},
    )
    def get(self, request: Request):
        params = request.query_params
        if params.get("format", "csv") != "csv":
            raise serializers.ValidationError({"format": ["Only csv is supported."]})
        queryset = User.objects.order_by("id")
        if params.get("status"):
            if params["status"] not in AccountStatus.values:
                raise serializers.ValidationError(
                    {"status": [f"One of: {', '.join(AccountStatus.values)}."]}
                )
            queryset = queryset.filter(status=params["status"])
        rows = (
            (
                u.pk,
                u.username,
                u.email,
                u.mobile,
                u.name,
                u.user_type,
                u.subscriber_type,
                u.status,
                u.date_joined.isoformat(),
            )
            for u in queryset.only(
                "id",
                "username",
                "email",
                "mobile",
                "first_name",
                "last_name",
                "user_type",
                "subscriber_type",
                "status",
                "date_joined",
            ).iterator(chunk_size=2000)
        )
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        return csv_response(f"users-{stamp}.csv", self.HEADER, rows)

    # The CSV renderer is the response itself; content negotiation must not refuse text/csv.
    def perform_content_negotiation(self, request, force=False):
        return super().perform_content_negotiation(request, force=True)


class BlockUserView(APIView):
    permission_classes = [BLOCK_USERS]

    @extend_schema(
        tags=["admin: blocking"],
        request=s.BlockSerializer,
        responses={200: s.BlockReplySerializer, **error_responses(400, 401, 403, 409)},
    )
    def post(self, request: Request) -> Response:
        data = _valid(s.BlockSerializer, request)
        user = user_services.user_block(
            actor=request.user,
            user=data["user_id"],
            reason=data["reason"],
            duration_days=data.get("duration_days"),
        )
        return Response(
            {
                "user_id": user.pk,
                "blocked": True,
                "blocked_at": user.status_changed_at,
                "blocked_until": user.blocked_until,
                "reason": user.status_reason,
            }
        )


class UnblockUserView(APIView):
    permission_classes = [BLOCK_USERS]

    @extend_schema(
        tags=["admin: blocking"],
        request=s.UnblockSerializer,
        responses={200: s.UnblockReplySerializer, **error_responses(400, 401, 403)},
    )
    def post(self, request: Request) -> Response:
        data = _valid(s.UnblockSerializer, request)
        user = user_services.user_unblock(actor=request.user, user=data["user_id"])
        return Response(
            {"user_id": user.pk, "unblocked": True, "unblocked_at": user.status_changed_at}
        )


class BatchBlockView(APIView):
    permission_classes = [BLOCK_USERS]

    @extend_schema(
        tags=["admin: blocking"],
        request=s.BatchBlockSerializer,
        responses={200: s.BatchBlockReplySerializer, **error_responses(400, 401, 403, 409)},
    )
    def post(self, request: Request) -> Response:
        data = _valid(s.BatchBlockSerializer, request)
        users = user_services.users_block_batch(
            actor=request.user,
            users=data["user_ids"],
            reason=data["reason"],
            duration_days=data.get("duration_days"),
        )
        return Response(
            {
                "blocked_count": len(users),
                "blocked_users": [u.pk for u in users],
                "message": f"{len(users)} users blocked successfully",
                "blocked_until": users[0].blocked_until if users else None,
            }
        )


def _valid(serializer_class, request: Request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# --- staff: login activity -------------------------------------------------------------------------

VIEW_ACTIVITY = permission_required("accounts.view_login_activity")


class UserLoginHistoryView(APIView):
    permission_classes = [VIEW_ACTIVITY]

    @extend_schema(
        tags=["login activity"],
        parameters=[DAYS],
        responses={200: s.LoginHistoryReplySerializer, **error_responses(400, 401, 403, 404)},
    )
    def get(self, request: Request, user_id: int) -> Response:
        return Response(_history(get_object_or_404(User, pk=user_id), _days(request)))


class FailedLoginAttemptsView(APIView):
    permission_classes = [VIEW_ACTIVITY]

    @extend_schema(
        tags=["login activity"],
        parameters=[DAYS],
        responses={200: s.FailedLoginsSerializer, **error_responses(400, 401, 403)},
    )
    def get(self, request: Request) -> Response:
        return Response(s.FailedLoginsSerializer(failed_login_attempts(_days(request))).data)


class LoginStatisticsView(APIView):
    permission_classes = [VIEW_ACTIVITY]

    @extend_schema(
        tags=["login activity"],
        parameters=[DAYS],
        responses={200: s.LoginStatisticsSerializer, **error_responses(400, 401, 403)},
    )
    def get(self, request: Request) -> Response:
        return Response(s.LoginStatisticsSerializer(login_statistics(_days(request))).data)


# --- seeds 002 and 003: users/ ---------------------------------------------------------------------


def _approval_only(request: Request) -> bool:
    data = request.data
    return isinstance(data, dict) and set(data) == {"status"}


class MayApproveAccounts(IsActiveUser):
    """Signed in and someone who may approve accounts: an admin, or a manager."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        return super().has_permission(request, view) and (
            user.has_perm("accounts.approve_user") or user.user_type == StaffType.MANAGER
        )


@extend_schema_view(
    list=extend_schema(tags=["users"], summary="List users (seeds 002 and 003)"),
    retrieve=extend_schema(
        tags=["users"], responses={200: s.StaffUserSerializer, **error_responses(401, 403, 404)}
    ),
    create=extend_schema(
        tags=["users"],
        request=s.StaffUserCreateSerializer,
        responses={201: s.StaffUserSerializer, **error_responses(400, 401, 403, 409)},
    ),
    partial_update=extend_schema(
        tags=["users"],
        description=(
            "Only the fields below may be sent; any other is a 400 naming it. "
            '`{"status": "active"}` approves an account waiting for approval: an admin, or '
            "the manager the account names (409 if it is blocked, deactivated or archived)."
        ),
        request=s.StaffUserWriteSerializer,
        responses={200: s.StaffUserSerializer, **error_responses(400, 401, 403, 404, 409)},
    ),
    destroy=extend_schema(
        tags=["users"],
        summary="Archive a user (the row and history stay)",
        responses={204: None, **error_responses(401, 403, 404, 409)},
    ),
)
class UserViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    # Seed 002 shares the list: a seed 003 client is told by its token.
    contract = {"list": contracts.when_client(KTL), "default": KTL}
    permission_classes = [ModelPermissions]
    serializer_class = s.StaffUserSerializer
    # Seed 002 lists users as a bare array; seed 003 pages them.
    pagination_class = bare_unless_contract(KTL)
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    lookup_url_kwarg = "user_id"
    lookup_value_regex = r"[0-9]+"
    filterset_fields = {"user_type": ["exact"], "status": ["exact"], "is_staff": ["exact"]}
    search_fields = ("username", "email", "mobile", "first_name", "last_name", "employee_id")
    ordering_fields = ("id", "username", "email", "date_joined", "last_login", "user_type")
    ordering = ("id",)

    def get_queryset(self):
        queryset = users_for_staff()
        role = self.request.query_params.get("role")
        if role:
            # Seed 003 filters by assigned role; seed 002 calls the staff kind "role".
            queryset = queryset.filter(
                Q(user_type=role)
                | Q(role_assignments__role__name=role, role_assignments__revoked_at__isnull=True)
            ).distinct()
        return queryset

    def create(self, request: Request, *args, **kwargs) -> Response:
        serializer = s.StaffUserCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = staff_member_create(
            actor=request.user,
            roles=serializer.validated_data["roles"],
            reason="created with the account",
            password=serializer.validated_data["password"],
            **serializer.to_service_fields(),
        )
        return Response(s.StaffUserSerializer(users_for_staff().get(pk=user.pk)).data, status=201)

    def get_permissions(self):
        if self.action == "partial_update" and _approval_only(self.request):
            # An approval is checked by the approval service: an admin, or the
            # manager the account names, who need not edit accounts otherwise.
            return [MayApproveAccounts()]
        return super().get_permissions()

    def partial_update(self, request: Request, *args, **kwargs) -> Response:
        user = self.get_object()
        serializer = s.StaffUserWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        own = user.pk == request.user.pk
        proof_fields = split_proof(serializer.validated_data)[1]
        changes = serializer.to_service_fields()
        user = staff_member_update(
            actor=request.user,
            user=user,
            approve="status" in serializer.validated_data,
            changes=changes if changes or not _approval_only(request) else None,
            proof=contact_proof(user=request.user, **proof_fields) if own else None,
            current_session_id=_session_id(request) if own else None,
        )
        return Response(s.StaffUserSerializer(users_for_staff().get(pk=user.pk)).data)

    def update(self, request: Request, *args, **kwargs) -> Response:
        return self.partial_update(request, *args, **kwargs)

    def destroy(self, request: Request, *args, **kwargs) -> Response:
        user_services.user_archive(actor=request.user, user=self.get_object())
        return Response(status=204)

    @extend_schema(tags=["users"], responses={200: s.StaffUserSerializer, **error_responses(401)})
    @action(detail=False, methods=["get"], url_path="profile", permission_classes=[IsActiveUser])
    def profile(self, request: Request) -> Response:
        return Response(s.StaffUserSerializer(users_for_staff().get(pk=request.user.pk)).data)


router = OptionalSlashRouter()
router.register("users", UserViewSet, basename="user")

urlpatterns = [
    # Seed 000
    *api_path("user/profile/my_profile", MyProfileView.as_view(), "my-profile"),
    *api_path("user/profile/update_profile", UpdateProfileView.as_view(), "update-profile"),
    *api_path("user/profile/change_password", ChangePasswordView.as_view(), "change-password"),
    *api_path("user/me/contact-code", ContactCodeView.as_view(), "contact-code"),
    *api_path("user/profile/get_activity", MyActivityView.as_view(), "my-activity"),
    *api_path("admin/users/list_users", AdminUserListView.as_view(), "admin-users"),
    *api_path("admin/users/search", AdminUserListView.as_view(), "admin-users-search"),
    *api_path("admin/users/get_user/<int:user_id>", AdminUserDetailView.as_view(), "admin-user"),
    *api_path("admin/users/get_statistics", AdminUserStatisticsView.as_view(), "admin-user-stats"),
    *api_path("admin/users/export", AdminUserExportView.as_view(), "admin-user-export"),
    *api_path("admin/block/block_user", BlockUserView.as_view(), "block-user"),
    *api_path("admin/block/unblock_user", UnblockUserView.as_view(), "unblock-user"),
    *api_path("admin/block/batch_block", BatchBlockView.as_view(), "batch-block"),
    *api_path(
        "login-activity/get_my_login_history", MyLoginHistoryView.as_view(), "my-login-history"
    ),
    *api_path(
        "login-activity/get_user_login_history/<int:user_id>",
        UserLoginHistoryView.as_view(),
        "user-login-history",
    ),
    *api_path(
        "login-activity/get_failed_login_attempts",
        FailedLoginAttemptsView.as_view(),
        "failed-logins",
    ),
    *api_path("login-activity/get_login_statistics", LoginStatisticsView.as_view(), "login-stats"),
    # Seed 003
    *api_path(
        "users/change-password", ChangePasswordView.as_view(contract=KTL), "users-change-password"
    ),
    *api_path("users/permissions", MyPermissionsView.as_view(), "users-permissions"),
    *router.urls,
]
