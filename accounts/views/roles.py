"""Roles, assignments, permissions and groups: seed 003's resources, seed 004's role matrix and
seed 000's role actions, all over the one Role / UserRole / auth.Permission data."""

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Value
from django.db.models.functions import Concat
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.filters import SearchFilter
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.contracts import KTL
from accounts.filters_roles import (
    CustomPermissionFilter,
    PermissionFilter,
    RoleFilter,
    UserRoleFilter,
)
from accounts.filters_subscribers import SortByOrderingFilter
from accounts.models import CustomPermission, PermissionCategory, Role, UserRole
from accounts.serializers import roles as s
from accounts.services import permissions as permission_services
from accounts.services import roles as role_services
from config.filters import DjangoFilterBackend
from config.openapi import error_responses
from config.pagination import BareListPagination
from config.permissions import ModelPermissions, permission_required
from config.routing import OptionalSlashRouter, api_path

CAN_ASSIGN = permission_required("accounts.assign_role")
CAN_VIEW_PERMISSIONS = permission_required("auth.view_permission")
ASSIGN_NOTE = (
    " Needs `accounts.assign_role`; the role's level must not exceed the caller's highest "
    "assigning role (`can_assign_roles`), and `max_assignments` caps its holders (409)."
)


def _errors(*codes: int) -> dict:
    """Every route here refuses the anonymous (401) and those without the permission (403)."""
    return error_responses(*sorted({401, 403, *codes}))


def _input(serializer_class, request: Request, **kwargs) -> dict:
    serializer = serializer_class(data=request.data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _permissions_prefetch(lookup: str = "permissions") -> Prefetch:
    return Prefetch(
        lookup,
        queryset=Permission.objects.select_related("content_type", "custom__category").order_by(
            "content_type__app_label", "content_type__model", "codename"
        ),
    )


def roles_for_staff():
    """Roles with their permissions and live holder count, in fixed queries."""
    moment = timezone.now()
    live = Q(assignments__revoked_at__isnull=True) & (
        Q(assignments__expires_at__isnull=True) | Q(assignments__expires_at__gt=moment)
    )
    return Role.objects.annotate(
        active_assignments=Count("assignments", filter=live, distinct=True)
    ).prefetch_related(_permissions_prefetch())


class RoleListMixin:
    """What seed 003's `/roles/` and seed 004's `/role/` share: rows, filters, permissions."""

    permission_classes = [ModelPermissions]
    filterset_class = RoleFilter
    search_fields = ("name", "display_name", "description")
    ordering_fields = ("name", "display_name", "role_level", "created_at", "id")
    ordering = ("-role_level", "name")

    def get_queryset(self):
        return roles_for_staff()


# --- seed 003 ------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="List roles", responses={200: s.RoleSerializer(many=True), **_errors()}
    ),
    retrieve=extend_schema(summary="Get a role", responses={200: s.RoleSerializer, **_errors(404)}),
    create=extend_schema(
        summary="Create a role",
        description="Needs `accounts.add_role`. The role's level may not exceed the caller's "
        "and it may hold only permissions the caller holds (403).",
        request=s.RoleWriteSerializer,
        responses={201: s.RoleSerializer, **_errors(400, 403)},
    ),
    partial_update=extend_schema(
        summary="Change a role",
        description="Needs `accounts.change_role`. `permission_ids`, when given, replaces the "
        "role's permissions; added ones must be held by the caller.",
        request=s.RoleWriteSerializer,
        responses={200: s.RoleSerializer, **_errors(400, 403, 404)},
    ),
    destroy=extend_schema(
        summary="Delete a role",
        description="Needs `accounts.delete_role`. A role still held is refused (409); one with "
        "assignment history is deactivated and kept.",
        responses={204: None, **_errors(403, 404, 409)},
    ),
)
@extend_schema(tags=["roles"])
class RoleViewSet(RoleListMixin, viewsets.ModelViewSet):
    contract = KTL
    serializer_class = s.RoleSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    lookup_value_regex = r"\d+"

    def _reply(self, role: Role, code: int = status.HTTP_200_OK) -> Response:
        return Response(s.RoleSerializer(self.get_queryset().get(pk=role.pk)).data, status=code)

    def create(self, request: Request) -> Response:
        data = dict(_input(s.RoleWriteSerializer, request))
        permissions = data.pop("permission_ids", [])
        role = role_services.role_create(actor=request.user, permissions=permissions, **data)
        return self._reply(role, status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk=None) -> Response:
        role = self.get_object()
        serializer = s.RoleWriteSerializer(role, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        permissions = data.pop("permission_ids", None)
        role = role_services.role_update(
            actor=request.user, role=role, permissions=permissions, **data
        )
        return self._reply(role)

    def destroy(self, request: Request, pk=None) -> Response:
        role_services.role_delete(actor=request.user, role=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Assign or revoke a role",
        description="`action` assign (201) or revoke (200)." + ASSIGN_NOTE,
        request=s.RoleAssignSerializer,
        responses={
            201: s.RoleAssignmentSerializer,
            200: s.RoleAssignmentSerializer,
            **_errors(400, 403, 409),
        },
    )
    @action(detail=False, methods=["post"], url_path="assign", permission_classes=[CAN_ASSIGN])
    def assign(self, request: Request) -> Response:
        data = _input(s.RoleAssignSerializer, request)
        user, role = data["user_id"], data["role_id"]
        if data["action"] == "assign":
            assignment = role_services.role_assign(
                actor=request.user,
                user=user,
                role=role,
                reason=data["reason"],
                expires_at=data["expires_at"],
            )
            code = status.HTTP_201_CREATED
        else:
            assignment = role_services.role_revoke(
                actor=request.user, user=user, role=role, reason=data["reason"]
            )
            code = status.HTTP_200_OK
        return Response(s.RoleAssignmentSerializer(assignment).data, status=code)

    @extend_schema(
        summary="Assign or revoke a role for many people",
        description="All or nothing: one refusal leaves every assignment as it was." + ASSIGN_NOTE,
        request=s.RoleBulkAssignSerializer,
        responses={200: s.RoleBulkAssignReplySerializer, **_errors(400, 403, 409)},
    )
    @action(detail=False, methods=["post"], url_path="bulk-assign", permission_classes=[CAN_ASSIGN])
    def bulk_assign(self, request: Request) -> Response:
        data = _input(s.RoleBulkAssignSerializer, request)
        assignments = role_services.roles_bulk(
            actor=request.user,
            users=data["user_ids"],
            role=data["role_id"],
            action=data["action"],
            reason=data["reason"],
            expires_at=data["expires_at"],
        )
        reply = {
            "action": data["action"],
            "role_id": data["role_id"].pk,
            "count": len(assignments),
            "assignments": assignments,
        }
        return Response(s.RoleBulkAssignReplySerializer(reply).data)


@extend_schema_view(
    list=extend_schema(
        summary="List role assignments",
        description="Needs `accounts.view_userrole`. Revoked and expired assignments stay as "
        "history (`active=false`).",
        responses={200: s.RoleAssignmentSerializer(many=True), **_errors()},
    )
)
@extend_schema(tags=["roles"])
class UserRoleViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    contract = KTL
    serializer_class = s.RoleAssignmentSerializer
    permission_classes = [ModelPermissions]
    filterset_class = UserRoleFilter
    search_fields = ("user__username", "user__email", "role__name", "role__display_name")
    ordering_fields = ("assigned_at", "expires_at", "revoked_at", "id")
    ordering = ("-assigned_at", "-id")

    def get_queryset(self):
        return UserRole.objects.select_related("user", "role", "assigned_by")


@extend_schema_view(
    list=extend_schema(
        summary="List permissions",
        description="Needs `auth.view_permission`. Every Django permission; `codename` is what "
        "`has_perm` takes.",
        responses={200: s.AuthPermissionSerializer(many=True), **_errors()},
    )
)
@extend_schema(tags=["permissions"])
class PermissionViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    contract = KTL
    serializer_class = s.AuthPermissionSerializer
    permission_classes = [CAN_VIEW_PERMISSIONS]
    filterset_class = PermissionFilter
    search_fields = ("name", "codename", "content_type__app_label")
    ordering_fields = ("id", "codename", "name")
    ordering = ("content_type__app_label", "content_type__model", "codename")

    def get_queryset(self):
        return Permission.objects.select_related("content_type", "custom__category")


@extend_schema_view(
    list=extend_schema(
        summary="List permission categories",
        responses={200: s.PermissionCategorySerializer(many=True), **_errors()},
    ),
    create=extend_schema(
        summary="Create a permission category",
        responses={201: s.PermissionCategorySerializer, **_errors(400, 403)},
    ),
)
@extend_schema(tags=["permissions"])
class PermissionCategoryViewSet(
    mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    contract = KTL
    serializer_class = s.PermissionCategorySerializer
    permission_classes = [ModelPermissions]
    queryset = PermissionCategory.objects.all()
    search_fields = ("name", "display_name")
    ordering_fields = ("name", "created_at", "id")
    ordering = ("name",)

    def create(self, request: Request) -> Response:
        category = permission_services.permission_category_create(
            actor=request.user, **_input(s.PermissionCategorySerializer, request)
        )
        return Response(s.PermissionCategorySerializer(category).data, status=201)


@extend_schema_view(
    list=extend_schema(
        summary="List custom permissions",
        responses={200: s.CustomPermissionSerializer(many=True), **_errors()},
    ),
    create=extend_schema(
        summary="Create a custom permission",
        description="Needs `accounts.add_custompermission`. The permission is a Django "
        "permission checked as `accounts.<codename>`.",
        request=s.CustomPermissionWriteSerializer,
        responses={201: s.CustomPermissionSerializer, **_errors(400, 403)},
    ),
)
@extend_schema(tags=["permissions"])
class CustomPermissionViewSet(
    mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    contract = KTL
    serializer_class = s.CustomPermissionSerializer
    permission_classes = [ModelPermissions]
    filterset_class = CustomPermissionFilter
    search_fields = ("permission__codename", "permission__name")
    ordering_fields = ("created_at", "id")
    ordering = ("permission__codename",)

    def get_queryset(self):
        return CustomPermission.objects.select_related("permission", "category")

    def create(self, request: Request) -> Response:
        data = _input(s.CustomPermissionWriteSerializer, request)
        custom = permission_services.custom_permission_create(
            actor=request.user,
            codename=data["codename"],
            name=data["name"],
            category=data["category_id"],
            description=data["description"],
        )
        return Response(s.CustomPermissionSerializer(custom).data, status=201)


GROUP_WRITE_NOTE = "Permissions added to a group must be held by the caller (403)."


@extend_schema_view(
    list=extend_schema(
        summary="List groups", responses={200: s.AuthGroupSerializer(many=True), **_errors()}
    ),
    retrieve=extend_schema(
        summary="Get a group", responses={200: s.AuthGroupSerializer, **_errors(404)}
    ),
    create=extend_schema(
        summary="Create a group",
        description=GROUP_WRITE_NOTE,
        request=s.AuthGroupWriteSerializer,
        responses={201: s.AuthGroupSerializer, **_errors(400, 403)},
    ),
    update=extend_schema(
        summary="Replace a group",
        description=GROUP_WRITE_NOTE,
        request=s.AuthGroupWriteSerializer,
        responses={200: s.AuthGroupSerializer, **_errors(400, 403, 404)},
    ),
    partial_update=extend_schema(
        summary="Change a group",
        description=GROUP_WRITE_NOTE,
        request=s.AuthGroupWriteSerializer,
        responses={200: s.AuthGroupSerializer, **_errors(400, 403, 404)},
    ),
    destroy=extend_schema(summary="Delete a group", responses={204: None, **_errors(403, 404)}),
)
@extend_schema(tags=["groups"])
class GroupViewSet(viewsets.ModelViewSet):
    contract = KTL
    serializer_class = s.AuthGroupSerializer
    permission_classes = [ModelPermissions]
    lookup_url_kwarg = "group_id"
    lookup_value_regex = r"\d+"
    search_fields = ("name",)
    ordering_fields = ("name", "id")
    ordering = ("name",)

    def get_queryset(self):
        return Group.objects.annotate(member_count=Count("user", distinct=True)).prefetch_related(
            _permissions_prefetch()
        )

    def _reply(self, group: Group, code: int = status.HTTP_200_OK) -> Response:
        group = self.get_queryset().get(pk=group.pk)
        return Response(s.AuthGroupSerializer(group).data, status=code)

    def create(self, request: Request) -> Response:
        data = _input(s.AuthGroupWriteSerializer, request)
        group = role_services.group_save(
            actor=request.user, name=data["name"], permissions=data.get("permission_ids", [])
        )
        return self._reply(group, status.HTTP_201_CREATED)

    def update(self, request: Request, group_id=None, partial: bool = False) -> Response:
        group = self.get_object()
        data = _input(s.AuthGroupWriteSerializer, request, partial=partial)
        permissions = data.get("permission_ids")
        if permissions is None:
            permissions = list(group.permissions.all())
        group = role_services.group_save(
            actor=request.user,
            group=group,
            name=data.get("name", group.name),
            permissions=permissions,
        )
        return self._reply(group)

    def destroy(self, request: Request, group_id=None) -> Response:
        role_services.group_delete(actor=request.user, group=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- seed 004: roles as a matrix of resources ----------------------------------------------------

MATRIX_NOTE = (
    " A resource is a model: `permission_id` is its content type id; `read`, `write`, `edit`, "
    "`delete` are its `view`, `add`, `change`, `delete` permissions. `permission_ids` grants "
    "all four of each resource; `permissions` entries grant exactly the flagged ones. "
    "`role_name` is the role's `display_name`."
)


@extend_schema(tags=["roles"])
class RoleMatrixListView(RoleListMixin, generics.ListCreateAPIView):
    serializer_class = s.RoleMatrixSerializer
    # Seed 004: a bare array, paged with skip/limit and sorted with sort_by/sort_order.
    pagination_class = BareListPagination
    filter_backends = [DjangoFilterBackend, SearchFilter, SortByOrderingFilter]
    sort_fields = {"role_id": ("id",), "role_name": ("display_name",)}

    @extend_schema(
        summary="List roles (seed 004)",
        description="The roles of /roles/." + MATRIX_NOTE,
        responses={200: s.RoleMatrixSerializer(many=True), **_errors()},
    )
    def get(self, request: Request) -> Response:
        return super().get(request)

    @extend_schema(
        summary="Create a role (seed 004)",
        description="Needs `accounts.add_role`; only permissions the caller holds." + MATRIX_NOTE,
        request=s.RoleMatrixWriteSerializer,
        responses={201: s.RoleMatrixSerializer, **_errors(400, 403)},
    )
    def post(self, request: Request) -> Response:
        data = _input(s.RoleMatrixWriteSerializer, request)
        role = role_services.role_create(
            actor=request.user,
            permissions=data["resolved_permissions"],
            name=data["name"],
            display_name=data["role_name"],
        )
        role = self.get_queryset().get(pk=role.pk)
        return Response(s.RoleMatrixSerializer(role).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["roles"])
class RoleMatrixDetailView(RoleListMixin, APIView):
    def get_object(self) -> Role:
        return generics.get_object_or_404(self.get_queryset(), pk=self.kwargs["role_id"])

    @extend_schema(
        summary="Get a role (seed 004)",
        description=MATRIX_NOTE,
        responses={200: s.RoleMatrixSerializer, **_errors(404)},
    )
    def get(self, request: Request, role_id: int) -> Response:
        return Response(s.RoleMatrixSerializer(self.get_object()).data)

    @extend_schema(
        summary="Replace a role's name and permissions (seed 004)",
        description="Needs `accounts.change_role`. Replaces the role's model permissions; "
        "`other_permissions` stay." + MATRIX_NOTE,
        request=s.RoleMatrixWriteSerializer,
        responses={200: s.RoleMatrixSerializer, **_errors(400, 403, 404)},
    )
    def put(self, request: Request, role_id: int) -> Response:
        role = self.get_object()
        data = _input(s.RoleMatrixWriteSerializer, request, instance=role)
        # The matrix cannot show the others (e.g. accounts.assign_role), so it does not drop them.
        kept = [p for p in role.permissions.all() if s.flag_of(p) is None]
        role_services.role_update(
            actor=request.user,
            role=role,
            permissions=[*kept, *data["resolved_permissions"]],
            display_name=data["role_name"],
        )
        return Response(s.RoleMatrixSerializer(self.get_object()).data)

    @extend_schema(
        summary="Delete a role (seed 004)",
        description="Needs `accounts.delete_role`. A role still held is refused (409); one with "
        "assignment history is deactivated and kept.",
        responses={
            200: OpenApiResponse(OpenApiTypes.OBJECT, description="An empty object, `{}`."),
            **_errors(404, 409),
        },
    )
    def delete(self, request: Request, role_id: int) -> Response:
        role_services.role_delete(actor=request.user, role=self.get_object())
        return Response({})


class ResourceListView(generics.ListAPIView):
    permission_classes = [CAN_VIEW_PERMISSIONS]
    serializer_class = s.PermissionResourceSerializer
    pagination_class = BareListPagination
    filter_backends: list = []

    def get_queryset(self):
        crud = Q()
        for verb in s.MATRIX_FLAGS.values():
            crud |= Q(codename=Concat(Value(f"{verb}_"), OuterRef("model")))
        has_crud = Permission.objects.filter(crud, content_type=OuterRef("pk"))
        return (
            ContentType.objects.filter(Exists(has_crud))
            .prefetch_related(
                Prefetch(
                    "permission_set",
                    queryset=Permission.objects.only("codename", "content_type_id"),
                )
            )
            .order_by("pk")
        )

    @extend_schema(
        tags=["permissions"],
        summary="List resources and their permissions (seed 004)",
        description="Needs `auth.view_permission`. Every model with permissions; a flag is true "
        "where that permission exists." + MATRIX_NOTE,
        responses={200: s.PermissionResourceSerializer(many=True), **_errors()},
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response([s.resource_entry(ct) for ct in page])


# --- seed 000: role actions by role name ---------------------------------------------------------


class ChangeRoleView(APIView):
    permission_classes = [CAN_ASSIGN]

    @extend_schema(
        tags=["roles"],
        summary="Make a role the user's only role (seed 000)",
        description="Revokes the user's other roles and assigns `new_role`, all or nothing."
        + ASSIGN_NOTE,
        request=s.ChangeRoleSerializer,
        responses={200: s.ChangeRoleReplySerializer, **_errors(400, 403, 409)},
    )
    def post(self, request: Request) -> Response:
        data = _input(s.ChangeRoleSerializer, request)
        user, role = data["user_id"], data["new_role"]
        previous, _ = role_services.role_change(actor=request.user, user=user, role=role)
        reply = {
            "user_id": user.pk,
            "previous_role": previous[0] if previous else None,
            "previous_roles": previous,
            "new_role": role.name,
            "changed_at": timezone.now(),
        }
        return Response(s.ChangeRoleReplySerializer(reply).data)


class AssignRoleView(APIView):
    permission_classes = [CAN_ASSIGN]

    @extend_schema(
        tags=["roles"],
        summary="Assign a role by name (seed 000)",
        description=ASSIGN_NOTE.strip(),
        request=s.RoleGrantSerializer,
        responses={200: s.RoleGrantReplySerializer, **_errors(400, 403, 409)},
    )
    def post(self, request: Request) -> Response:
        data = _input(s.RoleGrantSerializer, request)
        assignment = role_services.role_assign(
            actor=request.user, user=data["user_id"], role=data["role"]
        )
        reply = {
            "user_id": assignment.user_id,
            "role": assignment.role.name,
            "assigned_at": assignment.assigned_at,
        }
        return Response(s.RoleGrantReplySerializer(reply).data)


class RevokeRoleView(APIView):
    permission_classes = [CAN_ASSIGN]

    @extend_schema(
        tags=["roles"],
        summary="Revoke a role by name (seed 000)",
        description="The assignment stays as history." + ASSIGN_NOTE,
        request=s.RoleGrantSerializer,
        responses={200: s.RoleRevokeReplySerializer, **_errors(400, 403, 409)},
    )
    def post(self, request: Request) -> Response:
        data = _input(s.RoleGrantSerializer, request)
        assignment = role_services.role_revoke(
            actor=request.user, user=data["user_id"], role=data["role"]
        )
        reply = {
            "user_id": assignment.user_id,
            "role": assignment.role.name,
            "revoked_at": assignment.revoked_at,
        }
        return Response(s.RoleRevokeReplySerializer(reply).data)


router = OptionalSlashRouter()
router.register("roles", RoleViewSet, basename="role")
router.register("user-roles", UserRoleViewSet, basename="user-role")
router.register("permissions", PermissionViewSet, basename="permission")
router.register("permission-categories", PermissionCategoryViewSet, basename="permission-category")
router.register("custom-permissions", CustomPermissionViewSet, basename="custom-permission")
router.register("groups", GroupViewSet, basename="group")

urlpatterns = [
    *api_path("role/permissions/all", ResourceListView.as_view(), "role-permissions-all"),
    *api_path("role/", RoleMatrixListView.as_view(), "role-matrix-list"),
    *api_path("role/<int:role_id>", RoleMatrixDetailView.as_view(), "role-matrix-detail"),
    *api_path("admin/roles/change_role", ChangeRoleView.as_view(), "admin-change-role"),
    *api_path("admin/roles/assign_role", AssignRoleView.as_view(), "admin-assign-role"),
    *api_path("admin/roles/revoke_role", RevokeRoleView.as_view(), "admin-revoke-role"),
    *router.urls,
]
