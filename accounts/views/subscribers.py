"""Seed 004 (GenCharge): a subscriber's own account and preferences, staff managing
subscribers, and the admin (staff) directory addressed by phone number."""

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.filters import SearchFilter
from rest_framework.generics import GenericAPIView, ListAPIView
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.filters_subscribers import (
    AdminFilter,
    ArchivedSubscriberFilter,
    SortByOrderingFilter,
    SubscriberFilter,
)
from accounts.models import AccountStatus, StaffType, User, UserRole
from accounts.phone import normalize_mobile
from accounts.serializers import subscribers as s
from accounts.serializers.contact import split_proof
from accounts.services.contact import contact_proof
from accounts.services.self_service import (
    preference_get,
    preference_update,
    user_deactivate,
    user_email_change,
    user_reactivate,
    user_switch_type,
)
from accounts.services.staff import (
    staff_member_create,
    staff_member_update,
    staff_profile_update,
)
from accounts.services.users import (
    user_archive,
    user_block,
    user_unblock,
)
from accounts.views.auth import _session_id
from config.filters import DjangoFilterBackend
from config.openapi import error_responses
from config.pagination import BareListPagination
from config.permissions import IsActiveUser, ModelPermissions, permission_required
from config.routing import api_path

EMPTY_REPLY = OpenApiResponse(OpenApiTypes.OBJECT, description="`{}`, as seed 004 answers.")
ME = ["user: me"]
PREFERENCES = ["user: preferences"]
SUBSCRIBERS_ADMIN = ["user: admin"]
ADMINS = ["admin"]


def _input(serializer_class, request: Request, **kwargs) -> dict:
    serializer = serializer_class(data=request.data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _with_wallet(queryset: QuerySet) -> QuerySet:
    """Join the wallet when the recharge app provides one, so lists stay one query."""
    try:
        field = User._meta.get_field("wallet")
    except FieldDoesNotExist:
        return queryset
    return queryset.select_related("wallet") if field.one_to_one else queryset


def _people() -> QuerySet:
    return _with_wallet(User.objects.select_related("referred_by"))


def _subscribers() -> QuerySet:
    """People with a prepaid or postpaid account: whom seed 004's user admin manages."""
    return _people().exclude(subscriber_type="")


def _admins() -> QuerySet:
    """People, each with the id of their first live role (seed 004's `role_id`)."""
    first_role = (
        UserRole.objects.active()
        .filter(user=OuterRef("pk"))
        .order_by("assigned_at", "pk")
        .values("role_id")[:1]
    )
    return User.objects.annotate(first_role_id=Subquery(first_role))


def _me(request: Request) -> User:
    return _people().get(pk=request.user.pk)


class IsStaffMember(BasePermission):
    """Signed in, active, and a member of staff."""

    message = "Only staff members may do this."

    def has_permission(self, request, view) -> bool:
        return IsActiveUser().has_permission(request, view) and request.user.is_staff


# --- the subscriber's own account ----------------------------------------------------------


class UserMeView(APIView):
    # A deactivated owner still sees their account, and may delete it.
    allow_deactivated = True

    @extend_schema(
        tags=ME,
        summary="My profile",
        responses={200: s.SubscriberSerializer, **error_responses(401)},
    )
    def get(self, request: Request) -> Response:
        return Response(s.SubscriberSerializer(_me(request)).data)

    @extend_schema(
        tags=ME,
        summary="Delete my account",
        description="The account is archived: sign-in is refused, the row and history stay.",
        responses={200: EMPTY_REPLY, **error_responses(401, 409)},
    )
    def delete(self, request: Request) -> Response:
        user_archive(actor=request.user, user=request.user)
        return Response({})


class UserMeEmailView(APIView):
    @extend_schema(
        tags=ME,
        summary="Change my e-mail address",
        request=s.SubscriberEmailSerializer,
        responses={200: s.SubscriberSerializer, **error_responses(400, 401, 403)},
    )
    def put(self, request: Request) -> Response:
        data = _input(s.SubscriberEmailSerializer, request)
        user_email_change(
            user=request.user,
            email=data["email"],
            proof=contact_proof(user=request.user, **split_proof(data)[1]),
            current_session_id=_session_id(request),
        )
        return Response(s.SubscriberSerializer(_me(request)).data)


class UserMeSwitchTypeView(APIView):
    @extend_schema(
        tags=ME,
        summary="Switch between prepaid and postpaid",
        request=s.SubscriberSwitchTypeSerializer,
        responses={200: s.SubscriberStatusSerializer, **error_responses(400, 401, 403)},
    )
    def put(self, request: Request) -> Response:
        data = _input(s.SubscriberSwitchTypeSerializer, request)
        user = user_switch_type(user=request.user, subscriber_type=data["user_type"])
        return Response(s.SubscriberStatusSerializer(user).data)


class UserMeDeactivateView(APIView):
    @extend_schema(
        tags=ME,
        summary="Deactivate my account",
        description="Signing in still works; until reactivated, only reactivation is open.",
        request=None,
        responses={200: s.SubscriberStatusSerializer, **error_responses(400, 401, 403, 409)},
    )
    def post(self, request: Request) -> Response:
        user = user_deactivate(user=request.user)
        return Response(s.SubscriberStatusSerializer(user).data)


class UserMeReactivateView(APIView):
    allow_deactivated = True

    @extend_schema(
        tags=ME,
        summary="Reactivate my account",
        request=None,
        responses={200: s.SubscriberStatusSerializer, **error_responses(400, 401, 403)},
    )
    def post(self, request: Request) -> Response:
        user = user_reactivate(user=request.user)
        return Response(s.SubscriberStatusSerializer(user).data)


class UserPreferenceView(APIView):
    @extend_schema(
        tags=PREFERENCES,
        summary="My preferences",
        description="The defaults until the first change.",
        responses={200: s.SubscriberPreferenceSerializer, **error_responses(401, 403)},
    )
    def get(self, request: Request) -> Response:
        return Response(s.SubscriberPreferenceSerializer(preference_get(user=request.user)).data)

    @extend_schema(
        tags=PREFERENCES,
        summary="Change my preferences",
        description="Send any of the eight switches; the others keep their value.",
        request=s.SubscriberPreferenceSerializer,
        responses={200: s.SubscriberPreferenceSerializer, **error_responses(400, 401, 403)},
    )
    def put(self, request: Request) -> Response:
        data = _input(s.SubscriberPreferenceSerializer, request, partial=True)
        preference = preference_update(user=request.user, **data)
        return Response(s.SubscriberPreferenceSerializer(preference).data)


# --- staff managing subscribers ---------------------------------------------------------------

SUBSCRIBER_SORT_FIELDS = {
    "user_id": ("id",),
    "name": ("first_name", "last_name"),
    "email": ("email",),
    "phone_number": ("mobile",),
    "user_type": ("subscriber_type",),
    "status": ("status",),
    "created_at": ("date_joined",),
    "updated_at": ("updated_at",),
}


class _SubscriberList(ListAPIView):
    permission_classes = [ModelPermissions]
    pagination_class = BareListPagination
    filter_backends = [DjangoFilterBackend, SearchFilter, SortByOrderingFilter]
    search_fields = ("first_name", "last_name", "email", "mobile")
    ordering_fields = tuple(sorted({c for cols in SUBSCRIBER_SORT_FIELDS.values() for c in cols}))


class SubscriberListView(_SubscriberList):
    serializer_class = s.SubscriberSerializer
    filterset_class = SubscriberFilter
    sort_fields = SUBSCRIBER_SORT_FIELDS
    ordering = ("-date_joined",)

    def get_queryset(self) -> QuerySet:
        return _subscribers().exclude(status=AccountStatus.ARCHIVED)

    @extend_schema(
        tags=SUBSCRIBERS_ADMIN,
        summary="Subscribers (staff)",
        description="Search with `search` (name, e-mail, phone); seed 004's skip/limit accepted.",
        responses={200: s.SubscriberSerializer(many=True), **error_responses(400, 401, 403)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ArchivedSubscriberListView(_SubscriberList):
    serializer_class = s.ArchivedSubscriberSerializer
    filterset_class = ArchivedSubscriberFilter
    sort_fields = {**SUBSCRIBER_SORT_FIELDS, "deleted_at": ("status_changed_at",)}
    ordering_fields = (*_SubscriberList.ordering_fields, "status_changed_at")
    ordering = ("-status_changed_at",)

    def get_queryset(self) -> QuerySet:
        return _subscribers().filter(status=AccountStatus.ARCHIVED)

    @extend_schema(
        tags=SUBSCRIBERS_ADMIN,
        summary="Archived (deleted) subscribers (staff)",
        responses={
            200: s.ArchivedSubscriberSerializer(many=True),
            **error_responses(400, 401, 403),
        },
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class SubscriberBlockView(APIView):
    permission_classes = [permission_required("accounts.block_user")]

    @extend_schema(
        tags=SUBSCRIBERS_ADMIN,
        summary="Block a subscriber (staff)",
        description="With `duration_days` the block lifts by itself. Their sessions end now.",
        request=s.SubscriberBlockSerializer,
        responses={200: s.SubscriberStatusSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    def post(self, request: Request, user_id: int) -> Response:
        target = get_object_or_404(_subscribers(), pk=user_id)
        data = _input(s.SubscriberBlockSerializer, request)
        user = user_block(
            actor=request.user,
            user=target,
            reason=data["reason"],
            duration_days=data["duration_days"],
        )
        return Response(s.SubscriberStatusSerializer(user).data)


class SubscriberUnblockView(APIView):
    permission_classes = [permission_required("accounts.block_user")]

    @extend_schema(
        tags=SUBSCRIBERS_ADMIN,
        summary="Unblock a subscriber (staff)",
        request=None,
        responses={200: s.SubscriberStatusSerializer, **error_responses(400, 401, 403, 404)},
    )
    def post(self, request: Request, user_id: int) -> Response:
        target = get_object_or_404(_subscribers(), pk=user_id)
        user = user_unblock(actor=request.user, user=target)
        return Response(s.SubscriberStatusSerializer(user).data)


class SubscriberDeleteView(APIView):
    permission_classes = [permission_required("accounts.delete_user")]

    @extend_schema(
        tags=SUBSCRIBERS_ADMIN,
        summary="Delete (archive) a subscriber (staff)",
        description="The row and its history stay; sign-in is refused; the archived list shows it.",
        responses={200: EMPTY_REPLY, **error_responses(401, 403, 404, 409)},
    )
    def delete(self, request: Request, user_id: int) -> Response:
        target = get_object_or_404(_subscribers(), pk=user_id)
        user_archive(actor=request.user, user=target)
        return Response({})


# --- the admin (staff) directory ------------------------------------------------------------

ADMIN_SORT_FIELDS = {
    "admin_id": ("id",),
    "name": ("first_name", "last_name"),
    "email": ("email",),
    "phone_number": ("mobile",),
    "role_id": ("first_role_id",),
    "created_at": ("date_joined",),
    "updated_at": ("updated_at",),
}


def _staff() -> QuerySet:
    return _admins().filter(is_staff=True).exclude(status=AccountStatus.ARCHIVED)


class AdminMeView(APIView):
    permission_classes = [IsStaffMember]

    def _reply(self, request: Request) -> Response:
        return Response(s.AdminAccountSerializer(_admins().get(pk=request.user.pk)).data)

    @extend_schema(
        tags=ADMINS,
        summary="My admin profile",
        responses={200: s.AdminAccountSerializer, **error_responses(401, 403)},
    )
    def get(self, request: Request) -> Response:
        return self._reply(request)

    @extend_schema(
        tags=ADMINS,
        summary="Change my admin profile (name, e-mail)",
        request=s.AdminAccountSelfUpdateSerializer,
        responses={200: s.AdminAccountSerializer, **error_responses(400, 401, 403)},
    )
    def patch(self, request: Request) -> Response:
        data = _input(s.AdminAccountSelfUpdateSerializer, request)
        # Checked before the change's transaction: a wrong code counts even when refused.
        proof = contact_proof(user=request.user, **split_proof(data)[1])
        staff_profile_update(
            user=request.user,
            name=data.get("name"),
            email=data.get("email"),
            proof=proof,
            current_session_id=_session_id(request),
        )
        return self._reply(request)


class AdminListCreateView(ListAPIView):
    permission_classes = [ModelPermissions]
    serializer_class = s.AdminAccountSerializer
    pagination_class = BareListPagination
    filter_backends = [DjangoFilterBackend, SearchFilter, SortByOrderingFilter]
    filterset_class = AdminFilter
    search_fields = ("first_name", "last_name", "email", "mobile")
    sort_fields = ADMIN_SORT_FIELDS
    ordering_fields = tuple(sorted({c for cols in ADMIN_SORT_FIELDS.values() for c in cols}))
    ordering = ("id",)

    def get_queryset(self) -> QuerySet:
        return _staff()

    @extend_schema(
        tags=ADMINS,
        summary="Admins (staff members)",
        responses={200: s.AdminAccountSerializer(many=True), **error_responses(400, 401, 403)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=ADMINS,
        summary="Create an admin",
        description=(
            "A staff account of kind `admin` holding the role `role_name`, made in one step. "
            "Granting the role needs `accounts.assign_role` within the caller's level. The new "
            "admin sets a password through password reset, then signs in with it and a code."
        ),
        request=s.AdminAccountCreateSerializer,
        responses={201: s.AdminAccountSerializer, **error_responses(400, 401, 403, 409)},
    )
    def post(self, request: Request) -> Response:
        data = _input(s.AdminAccountCreateSerializer, request)
        user = staff_member_create(
            actor=request.user,
            roles=[data["role_name"]],
            reason="new admin",
            email=data["email"],
            mobile=data["phone_number"],
            user_type=StaffType.ADMIN,
            **data["name"],
        )
        reply = s.AdminAccountSerializer(_admins().get(pk=user.pk)).data
        return Response(reply, status=status.HTTP_201_CREATED)


PHONE_PARAMETER = OpenApiParameter(
    "phone_number",
    str,
    OpenApiParameter.PATH,
    description="The admin's phone number, national (9876543210) or E.164 (+919876543210).",
)


@extend_schema(parameters=[PHONE_PARAMETER])
class AdminDetailView(GenericAPIView):
    permission_classes = [ModelPermissions]
    serializer_class = s.AdminAccountSerializer

    def get_queryset(self) -> QuerySet:
        return _staff()

    def get_object(self) -> User:
        try:
            mobile = normalize_mobile(self.kwargs["phone_number"])
        except DjangoValidationError as exc:
            raise Http404 from exc
        return get_object_or_404(self.get_queryset(), mobile=mobile)

    @extend_schema(
        tags=ADMINS,
        summary="Change an admin, found by phone number",
        description="Changing `role_name` makes it their only role (needs `accounts.assign_role`).",
        request=s.AdminAccountUpdateSerializer,
        responses={200: s.AdminAccountSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    def patch(self, request: Request, phone_number: str) -> Response:
        admin = self.get_object()
        data = _input(s.AdminAccountUpdateSerializer, request)
        changes = dict(data.get("name", {}))
        if "email" in data:
            changes["email"] = data["email"]
        if "phone_number" in data:
            changes["mobile"] = data["phone_number"]
        own = admin.pk == request.user.pk
        proof = contact_proof(user=request.user, **split_proof(data)[1]) if own else None
        staff_member_update(
            actor=request.user,
            user=admin,
            changes=changes or None,
            proof=proof,
            current_session_id=_session_id(request) if own else None,
            role=data.get("role_name"),
        )
        return Response(s.AdminAccountSerializer(_admins().get(pk=admin.pk)).data)

    @extend_schema(
        tags=ADMINS,
        summary="Delete (archive) an admin, found by phone number",
        description="Refused with 409 for one's own account and for the last active superuser.",
        responses={200: EMPTY_REPLY, **error_responses(401, 403, 404, 409)},
    )
    def delete(self, request: Request, phone_number: str) -> Response:
        user_archive(actor=request.user, user=self.get_object())
        return Response({})


urlpatterns = [
    *api_path("user/me", UserMeView.as_view(), "user-me"),
    *api_path("user/me/email", UserMeEmailView.as_view(), "user-me-email"),
    *api_path("user/me/switch-type", UserMeSwitchTypeView.as_view(), "user-me-switch-type"),
    *api_path("user/me/deactivate", UserMeDeactivateView.as_view(), "user-me-deactivate"),
    *api_path("user/me/reactivate", UserMeReactivateView.as_view(), "user-me-reactivate"),
    *api_path("user/preference", UserPreferenceView.as_view(), "user-preference"),
    *api_path("user/admin", SubscriberListView.as_view(), "subscriber-list"),
    *api_path("user/admin/archived", ArchivedSubscriberListView.as_view(), "subscriber-archived"),
    *api_path("user/admin/block/<int:user_id>", SubscriberBlockView.as_view(), "subscriber-block"),
    *api_path(
        "user/admin/unblock/<int:user_id>", SubscriberUnblockView.as_view(), "subscriber-unblock"
    ),
    *api_path("user/admin/<int:user_id>", SubscriberDeleteView.as_view(), "subscriber-delete"),
    *api_path("admin/me", AdminMeView.as_view(), "admin-me"),
    *api_path("admin/", AdminListCreateView.as_view(), "admin-list"),
    *api_path("admin/<str:phone_number>", AdminDetailView.as_view(), "admin-detail"),
]
