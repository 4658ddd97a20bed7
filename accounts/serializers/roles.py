"""Shapes of roles, assignments, permissions and groups.

Seed 003 shows roles and permissions as they are stored. Seed 004 shows a role
as a matrix of resources: a resource is a model (its content type), and the
flags `read`, `write`, `edit` and `delete` are that model's `view`, `add`,
`change` and `delete` permissions. Seed 000 names roles by their `name`.
"""

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.utils.text import slugify
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import CustomPermission, PermissionCategory, Role, User, UserRole

ROLE_ACTIONS = (("assign", "Assign"), ("revoke", "Revoke"))
BULK_LIMIT = 500
# Seed 004's flag -> the Django permission verb it stands for.
MATRIX_FLAGS = {"read": "view", "write": "add", "edit": "change", "delete": "delete"}


def _resolve(queryset, ids: list[int], what: str) -> list:
    """The rows with these ids in one query, in the order given; unknown ids are a 400."""
    ids = list(dict.fromkeys(ids))
    found = {obj.pk: obj for obj in queryset.filter(pk__in=ids)}
    missing = [pk for pk in ids if pk not in found]
    if missing:
        raise serializers.ValidationError(f"Unknown {what} id(s): {missing}.")
    return [found[pk] for pk in ids]


def permissions_by_id(ids: list[int]) -> list[Permission]:
    return _resolve(Permission.objects.select_related("content_type"), ids, "permission")


def _permission_ids_field(help_text: str, **kwargs) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.IntegerField(min_value=1), help_text=help_text, **kwargs
    )


# --- permissions as stored (seed 003) ------------------------------------------------------------


class AuthPermissionSerializer(serializers.ModelSerializer):
    codename = serializers.SerializerMethodField(
        help_text='"app_label.codename", as has_perm takes.'
    )
    category = serializers.SerializerMethodField(
        help_text="The permission category of a custom permission, else the app label."
    )

    class Meta:
        model = Permission
        fields = ("id", "codename", "name", "category")
        read_only_fields = fields

    def get_codename(self, permission: Permission) -> str:
        return f"{permission.content_type.app_label}.{permission.codename}"

    def get_category(self, permission: Permission) -> str:
        custom = getattr(permission, "custom", None)
        if custom is not None and custom.category is not None:
            return custom.category.name
        return permission.content_type.app_label


# --- roles as stored (seed 003) ------------------------------------------------------------------


class RoleSerializer(serializers.ModelSerializer):
    permissions = AuthPermissionSerializer(many=True, read_only=True)
    active_assignments = serializers.IntegerField(
        read_only=True, help_text="How many people hold the role now."
    )
    created_by = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = Role
        fields = (
            "id",
            "name",
            "display_name",
            "description",
            "role_level",
            "can_assign_roles",
            "max_assignments",
            "is_active",
            "permissions",
            "active_assignments",
            "created_by",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields


class RoleWriteSerializer(serializers.ModelSerializer):
    permission_ids = _permission_ids_field(
        "Ids of Django permissions (see GET /permissions/). Only permissions the caller "
        "holds may be put into a role.",
        required=False,
    )

    class Meta:
        model = Role
        fields = (
            "name",
            "display_name",
            "description",
            "role_level",
            "can_assign_roles",
            "max_assignments",
            "is_active",
            "permission_ids",
        )
        extra_kwargs = {
            "role_level": {"min_value": 1, "max_value": 100},
            "max_assignments": {"min_value": 1},
        }

    def validate_permission_ids(self, ids: list[int]) -> list[Permission]:
        return permissions_by_id(ids)


# --- assignments ---------------------------------------------------------------------------------


class RoleAssignmentSerializer(serializers.ModelSerializer):
    user_id = serializers.IntegerField(read_only=True)
    user_name = serializers.CharField(source="user.name", read_only=True)
    role_id = serializers.IntegerField(read_only=True)
    role_name = serializers.CharField(source="role.name", read_only=True)
    role_display_name = serializers.CharField(source="role.display_name", read_only=True)
    assigned_by_id = serializers.IntegerField(read_only=True, allow_null=True)
    assigned_by_name = serializers.SerializerMethodField()
    revoked_by_id = serializers.IntegerField(read_only=True, allow_null=True)
    is_active = serializers.BooleanField(
        read_only=True, help_text="Grants its role now: not revoked, not expired, role active."
    )

    class Meta:
        model = UserRole
        fields = (
            "id",
            "user_id",
            "user_name",
            "role_id",
            "role_name",
            "role_display_name",
            "assigned_by_id",
            "assigned_by_name",
            "assigned_at",
            "reason",
            "expires_at",
            "revoked_at",
            "revoked_by_id",
            "revoke_reason",
            "is_active",
        )
        read_only_fields = fields

    def get_assigned_by_name(self, assignment: UserRole) -> str | None:
        assigner = assignment.assigned_by
        return (assigner.name or str(assigner)) if assigner else None


class RoleAssignSerializer(serializers.Serializer):
    user_id = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())
    role_id = serializers.PrimaryKeyRelatedField(queryset=Role.objects.all())
    action = serializers.ChoiceField(choices=ROLE_ACTIONS, default="assign")
    reason = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)
    expires_at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Assign only: the role stops granting at this moment.",
    )


class RoleBulkAssignSerializer(serializers.Serializer):
    user_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1), min_length=1, max_length=BULK_LIMIT
    )
    role_id = serializers.PrimaryKeyRelatedField(queryset=Role.objects.all())
    action = serializers.ChoiceField(choices=ROLE_ACTIONS, default="assign")
    reason = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)
    expires_at = serializers.DateTimeField(required=False, allow_null=True, default=None)

    def validate_user_ids(self, ids: list[int]) -> list[User]:
        return _resolve(User.objects.all(), ids, "user")


class RoleBulkAssignReplySerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=ROLE_ACTIONS)
    role_id = serializers.IntegerField()
    count = serializers.IntegerField()
    assignments = RoleAssignmentSerializer(many=True)


# --- seed 000: roles by name ---------------------------------------------------------------------


def _role_by_name(**kwargs) -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(
        slug_field="name", queryset=Role.objects.all(), help_text="The role's `name`.", **kwargs
    )


class ChangeRoleSerializer(serializers.Serializer):
    user_id = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())
    new_role = _role_by_name()


class ChangeRoleReplySerializer(serializers.Serializer):
    user_id = serializers.IntegerField()
    previous_role = serializers.CharField(
        allow_null=True, help_text="The highest-level role the user held before, if any."
    )
    previous_roles = serializers.ListField(
        child=serializers.CharField(), help_text="Every role the change revoked."
    )
    new_role = serializers.CharField()
    changed_at = serializers.DateTimeField()


class RoleGrantSerializer(serializers.Serializer):
    user_id = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())
    role = _role_by_name()


class RoleGrantReplySerializer(serializers.Serializer):
    user_id = serializers.IntegerField()
    role = serializers.CharField()
    assigned_at = serializers.DateTimeField()


class RoleRevokeReplySerializer(serializers.Serializer):
    user_id = serializers.IntegerField()
    role = serializers.CharField()
    revoked_at = serializers.DateTimeField()


# --- seed 004: roles as a matrix of resources ----------------------------------------------------


def resource_name(content_type: ContentType) -> str:
    model = content_type.model_class()
    if model is None:
        return content_type.model.replace("_", " ").title()
    return str(model._meta.verbose_name_plural).title()


def flag_of(permission: Permission) -> str | None:
    model = permission.content_type.model
    for flag, verb in MATRIX_FLAGS.items():
        if permission.codename == f"{verb}_{model}":
            return flag
    return None


def _blank_entry(content_type: ContentType) -> dict:
    return {
        "permission_id": content_type.pk,
        "resource": resource_name(content_type),
        "read": False,
        "write": False,
        "delete": False,
        "edit": False,
    }


def matrix_of(permissions) -> tuple[list[dict], list[str]]:
    """Permissions as seed 004's entries, and the ones the matrix cannot show."""
    entries: dict[int, dict] = {}
    others = []
    for permission in permissions:
        flag = flag_of(permission)
        if flag is None:
            others.append(f"{permission.content_type.app_label}.{permission.codename}")
            continue
        content_type = permission.content_type
        entries.setdefault(content_type.pk, _blank_entry(content_type))[flag] = True
    return [entries[pk] for pk in sorted(entries)], sorted(others)


def resource_entry(content_type: ContentType) -> dict:
    """Which of the four permissions the model has (its content type's prefetched set)."""
    entry = _blank_entry(content_type)
    codenames = {p.codename for p in content_type.permission_set.all()}
    for flag, verb in MATRIX_FLAGS.items():
        entry[flag] = f"{verb}_{content_type.model}" in codenames
    return entry


class PermissionResourceSerializer(serializers.Serializer):
    permission_id = serializers.IntegerField(
        help_text="The resource's id: the Django content type id of its model."
    )
    resource = serializers.CharField(help_text="The model's plural name, title-cased.")
    read = serializers.BooleanField(help_text="The model's `view_<model>` permission.")
    write = serializers.BooleanField(help_text="The model's `add_<model>` permission.")
    delete = serializers.BooleanField(help_text="The model's `delete_<model>` permission.")
    edit = serializers.BooleanField(help_text="The model's `change_<model>` permission.")


class RoleMatrixSerializer(serializers.Serializer):
    role_name = serializers.CharField(help_text="The role's `display_name`.")
    role_id = serializers.IntegerField()
    permissions = PermissionResourceSerializer(
        many=True, help_text="The role's model permissions, one entry per resource."
    )
    other_permissions = serializers.ListField(
        child=serializers.CharField(),
        help_text='Permissions the matrix cannot show ("app_label.codename"), '
        "e.g. accounts.assign_role; a PUT keeps them.",
    )

    def to_representation(self, role: Role) -> dict:
        entries, others = matrix_of(role.permissions.all())
        return {
            "role_name": role.display_name,
            "role_id": role.pk,
            "permissions": entries,
            "other_permissions": others,
        }


class ResourceGrantSerializer(serializers.Serializer):
    permission_id = serializers.IntegerField(min_value=1, help_text="A resource id.")
    read = serializers.BooleanField(default=False)
    write = serializers.BooleanField(default=False)
    edit = serializers.BooleanField(default=False)
    delete = serializers.BooleanField(default=False)


def role_slug(role_name: str) -> str:
    """Seed 004's `role_name` as a role `name`: "Support Plus" -> "support_plus"."""
    return slugify(role_name).replace("-", "_")[:100]


class RoleMatrixWriteSerializer(serializers.Serializer):
    role_name = serializers.CharField(
        max_length=150,
        help_text="Becomes the role's `display_name`; on creation its slug (with underscores) "
        "becomes the role's `name`, which later renames leave unchanged.",
    )
    permission_ids = _permission_ids_field(
        "Resource ids (see GET /role/permissions/all): all four permissions of each.",
        required=False,
        default=list,
    )
    permissions = ResourceGrantSerializer(
        many=True,
        required=False,
        default=list,
        help_text="Exactly the flagged permissions of each resource.",
    )

    def validate_role_name(self, value: str) -> str:
        value = value.strip()
        slug = role_slug(value)
        if not slug:
            raise serializers.ValidationError("Must contain letters or digits.")
        if self.instance is None and Role.objects.filter(name=slug).exists():
            raise serializers.ValidationError("A role with this name exists.")
        return value

    def validate(self, attrs: dict) -> dict:
        whole = set(attrs["permission_ids"])
        flagged: dict[int, set[str]] = {}
        for grant in attrs["permissions"]:
            flags = {flag for flag in MATRIX_FLAGS if grant[flag]}
            flagged.setdefault(grant["permission_id"], set()).update(flags)
        available: dict[int, dict[str, Permission]] = {}
        candidates = Permission.objects.filter(content_type_id__in=whole | set(flagged))
        for permission in candidates.select_related("content_type"):
            flag = flag_of(permission)
            if flag is not None:
                available.setdefault(permission.content_type_id, {})[flag] = permission
        unknown = sorted((whole | set(flagged)) - set(available))
        if unknown:
            field = "permission_ids" if set(unknown) & whole else "permissions"
            raise serializers.ValidationError({field: [f"Unknown resource id(s): {unknown}."]})
        chosen: dict[int, Permission] = {}
        for pk in whole:
            chosen.update({p.pk: p for p in available[pk].values()})
        for pk, flags in flagged.items():
            absent = sorted(flags - set(available[pk]))
            if absent:
                message = f"Resource {pk} has no {', '.join(absent)} permission."
                raise serializers.ValidationError({"permissions": [message]})
            chosen.update({available[pk][f].pk: available[pk][f] for f in flags})
        attrs["resolved_permissions"] = [chosen[pk] for pk in sorted(chosen)]
        attrs["name"] = role_slug(attrs["role_name"])
        return attrs


# --- categories, custom permissions, groups ------------------------------------------------------


class PermissionCategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = PermissionCategory
        fields = ("id", "name", "display_name", "description", "created_at")
        read_only_fields = ("id", "created_at")
        extra_kwargs = {"display_name": {"required": False, "allow_blank": True}}


class CustomPermissionSerializer(serializers.ModelSerializer):
    permission_id = serializers.IntegerField(read_only=True)
    codename = serializers.SerializerMethodField(help_text='"accounts.<codename>".')
    name = serializers.CharField(source="permission.name", read_only=True)
    category_id = serializers.IntegerField(read_only=True, allow_null=True)
    category = serializers.SerializerMethodField()
    created_by_id = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = CustomPermission
        fields = (
            "id",
            "permission_id",
            "codename",
            "name",
            "category_id",
            "category",
            "description",
            "is_active",
            "created_by_id",
            "created_at",
        )
        read_only_fields = fields

    def get_codename(self, custom: CustomPermission) -> str:
        return f"accounts.{custom.permission.codename}"

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_category(self, custom: CustomPermission) -> str | None:
        return custom.category.name if custom.category else None


class CustomPermissionWriteSerializer(serializers.Serializer):
    codename = serializers.RegexField(
        r"^[a-z][a-z0-9_]*$",
        max_length=100,
        help_text="Lower case, digits and underscores; checked as accounts.<codename>.",
    )
    name = serializers.CharField(max_length=255)
    category_id = serializers.PrimaryKeyRelatedField(
        queryset=PermissionCategory.objects.all(), required=False, allow_null=True, default=None
    )
    description = serializers.CharField(required=False, default="", allow_blank=True)


class AuthGroupSerializer(serializers.ModelSerializer):
    permissions = AuthPermissionSerializer(many=True, read_only=True)
    member_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Group
        fields = ("id", "name", "permissions", "member_count")
        read_only_fields = fields


class AuthGroupWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=150)
    permission_ids = _permission_ids_field(
        "Ids of Django permissions; only permissions the caller holds may be added.",
        required=False,
    )

    def validate_name(self, value: str) -> str:
        value = value.strip()
        if not value:
            raise serializers.ValidationError("This field may not be blank.")
        return value

    def validate_permission_ids(self, ids: list[int]) -> list[Permission]:
        return permissions_by_id(ids)
