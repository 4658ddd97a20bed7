from django.contrib import admin, messages
from django.contrib.admin.models import LogEntry
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.utils import timezone

from accounts.admin_login import AdminLoginForm
from accounts.errors import AccountProtected
from accounts.models import (
    AuthSession,
    BlockedIP,
    CustomPermission,
    LoginActivity,
    OtpChallenge,
    PermissionCategory,
    Role,
    SuspiciousActivity,
    User,
    UserPreference,
    UserRole,
)
from accounts.services.registration import user_approve
from accounts.services.roles import role_assign, role_revoke
from accounts.services.security import blocked_ip_lift
from accounts.services.sessions import sessions_end
from accounts.services.users import user_admin_save, user_archive, user_block, user_unblock
from config.exceptions import Conflict


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("username", "email", "mobile")


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserEditForm
    add_form = UserCreationForm
    list_display = (
        "id",
        "username",
        "email",
        "mobile",
        "user_type",
        "subscriber_type",
        "status",
        "is_staff",
    )
    list_filter = ("status", "user_type", "subscriber_type", "is_staff", "is_superuser")
    actions = (
        "approve_accounts",
        "block_accounts",
        "unblock_accounts",
        "archive_accounts",
        "end_all_sessions",
    )
    search_fields = ("username", "email", "mobile", "first_name", "last_name")
    ordering = ("id",)
    readonly_fields = ("last_login", "date_joined", "updated_at", "status_changed_at")
    fieldsets = (
        (None, {"fields": ("username", "email", "mobile", "password")}),
        ("Personal", {"fields": ("first_name", "last_name", "language_preference", "timezone")}),
        ("Kind", {"fields": ("user_type", "subscriber_type")}),
        (
            "Status",
            {"fields": ("status", "status_reason", "blocked_until", "status_changed_at")},
        ),
        (
            "Verification",
            {"fields": ("is_email_verified", "is_phone_verified", "two_factor_enabled")},
        ),
        ("Access", {"fields": ("is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Dates", {"fields": ("last_login", "date_joined", "updated_at")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "email", "mobile", "password1", "password2"),
            },
        ),
    )

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        # Only a superuser makes (or unmakes) a superuser.
        return fields if request.user.is_superuser else (*fields, "is_superuser")

    def has_delete_permission(self, request, obj=None):
        # Accounts are archived, never deleted: their history stays (see the archive action).
        return False

    def save_model(self, request, obj, form, change):
        if not change:
            return super().save_model(request, obj, form, change)
        user_admin_save(actor=request.user, user=obj, changed=list(form.changed_data))

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except AccountProtected as exc:
            # The change was rolled back with the admin's transaction; show why.
            self.message_user(request, str(exc.detail), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    @admin.action(
        description="Approve selected accounts waiting for approval", permissions=["change"]
    )
    def approve_accounts(self, request, queryset):
        approved = 0
        for user in queryset.order_by("pk"):
            try:
                user_approve(user=user, approver=request.user)
                approved += 1
            except (PermissionDenied, Conflict) as exc:
                self.message_user(request, f"{user}: {exc}", messages.WARNING)
        self.message_user(request, f"{approved} account(s) approved.")

    @admin.action(description="Block selected accounts", permissions=["change"])
    def block_accounts(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda user: user_block(actor=request.user, user=user, reason="blocked in the admin"),
            "blocked",
        )

    @admin.action(description="Archive (delete) selected accounts", permissions=["change"])
    def archive_accounts(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda user: user_archive(
                actor=request.user, user=user, reason="archived in the admin"
            ),
            "archived",
        )

    @admin.action(description="Unblock selected accounts", permissions=["change"])
    def unblock_accounts(self, request, queryset):
        self._each(
            request, queryset, lambda user: user_unblock(actor=request.user, user=user), "unblocked"
        )

    def _each(self, request, queryset, change, verb: str) -> None:
        done = 0
        for user in queryset.order_by("pk"):
            try:
                change(user)
                done += 1
            except (PermissionDenied, ValidationError, Conflict) as exc:
                self.message_user(
                    request,
                    f"{user}: {'; '.join(getattr(exc, 'messages', [str(exc)]))}",
                    messages.WARNING,
                )
        self.message_user(request, f"{done} account(s) {verb}.")

    @admin.action(description="Sign out of every device", permissions=["change"])
    def end_all_sessions(self, request, queryset):
        ended = sum(
            sessions_end(user=user, reason="ended_by_admin", actor=request.user)
            for user in queryset.order_by("pk")
        )
        self.message_user(request, f"{ended} session(s) ended.")


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records of what happened: viewed in the admin, never edited there."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SessionLiveFilter(admin.SimpleListFilter):
    title = "live"
    parameter_name = "live"

    def lookups(self, request, model_admin):
        return (("yes", "Live"), ("no", "Ended or expired"))

    def queryset(self, request, queryset):
        live = Q(revoked_at__isnull=True, expires_at__gt=timezone.now())
        if self.value() == "yes":
            return queryset.filter(live)
        if self.value() == "no":
            return queryset.exclude(live)
        return queryset


@admin.register(AuthSession)
class AuthSessionAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "user",
        "created_at",
        "last_used_at",
        "expires_at",
        "ip",
        "device",
        "browser",
        "revoked_at",
    )
    list_filter = (SessionLiveFilter, "revoke_reason", "remember_me")
    search_fields = ("user__username", "user__email", "user__mobile", "ip")
    list_select_related = ("user",)
    date_hierarchy = "created_at"
    exclude = ("refresh_jti",)
    actions = ("end_sessions",)

    def has_end_permission(self, request) -> bool:
        # The API's rule for ending someone else's sessions.
        return request.user.has_perm("accounts.change_user")

    @admin.action(description="End the selected sessions", permissions=["end"])
    def end_sessions(self, request, queryset):
        by_user: dict[int, list] = {}
        for session_id, user_id in queryset.order_by("pk").values_list("pk", "user_id"):
            by_user.setdefault(user_id, []).append(session_id)
        users = User.objects.in_bulk(list(by_user))
        ended = sum(
            sessions_end(
                user=users[user_id],
                reason="ended_by_admin",
                session_ids=session_ids,
                actor=request.user,
            )
            for user_id, session_ids in by_user.items()
        )
        self.message_user(request, f"{ended} session(s) ended.")


@admin.register(LoginActivity)
class LoginActivityAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "event",
        "success",
        "identifier",
        "user",
        "ip",
        "device",
        "browser",
        "reason",
    )
    list_filter = ("event", "success")
    search_fields = ("identifier", "ip", "user__username", "user__email")
    list_select_related = ("user",)
    date_hierarchy = "created_at"


@admin.register(OtpChallenge)
class OtpChallengeAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "purpose",
        "user",
        "email",
        "mobile",
        "created_at",
        "expires_at",
        "attempts",
        "resend_count",
        "verified_at",
    )
    list_filter = ("purpose", "deliver")
    search_fields = ("email", "mobile", "user__username")
    list_select_related = ("user",)
    # The hash and any pending registration data stay out of sight.
    exclude = ("code_hash", "payload")


class UserRoleInline(admin.TabularInline):
    model = UserRole
    fk_name = "user"
    extra = 0
    can_delete = False
    fields = (
        "role",
        "assigned_by",
        "assigned_at",
        "expires_at",
        "reason",
        "revoked_at",
        "revoke_reason",
    )
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False  # assignments are added from the user role page, through the service


UserAdmin.inlines = [UserRoleInline]


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "display_name",
        "role_level",
        "can_assign_roles",
        "max_assignments",
        "is_active",
    )
    list_filter = ("is_active", "can_assign_roles", "role_level")
    search_fields = ("name", "display_name")
    filter_horizontal = ("permissions",)
    readonly_fields = ("created_by", "created_at", "updated_at")


@admin.register(UserRole)
class UserRoleAdmin(admin.ModelAdmin):
    """Assigning here goes through the same rules as the API: level, cap, audit."""

    list_display = ("user", "role", "assigned_by", "assigned_at", "expires_at", "revoked_at")
    list_filter = ("role", "revoked_at")
    search_fields = ("user__username", "user__email", "role__name")
    list_select_related = ("user", "role", "assigned_by")
    autocomplete_fields = ("user",)
    actions = ("revoke",)
    fields = ("user", "role", "reason", "expires_at")

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        try:
            assignment = role_assign(
                actor=request.user,
                user=obj.user,
                role=obj.role,
                reason=obj.reason,
                expires_at=obj.expires_at,
            )
        except (PermissionDenied, ValidationError, Conflict) as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return
        obj.pk = assignment.pk

    @admin.action(description="Revoke selected assignments", permissions=["change"])
    def revoke(self, request, queryset):
        revoked = 0
        for assignment in (
            queryset.filter(revoked_at__isnull=True).select_related("user", "role").order_by("pk")
        ):
            try:
                role_revoke(
                    actor=request.user,
                    user=assignment.user,
                    role=assignment.role,
                    reason="revoked in the admin",
                )
                revoked += 1
            except (PermissionDenied, Conflict) as exc:
                self.message_user(request, str(exc), messages.WARNING)
        self.message_user(request, f"{revoked} assignment(s) revoked.")


@admin.register(PermissionCategory)
class PermissionCategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "display_name", "created_at")
    search_fields = ("name", "display_name")


@admin.register(CustomPermission)
class CustomPermissionAdmin(ReadOnlyAdmin):
    list_display = ("permission", "category", "is_active", "created_by", "created_at")
    list_filter = ("category", "is_active")
    list_select_related = ("permission__content_type", "category", "created_by")


@admin.register(UserPreference)
class UserPreferenceAdmin(ReadOnlyAdmin):
    list_display = (
        "user",
        "email_notification",
        "sms_notification",
        "marketing_communication",
        "updated_at",
    )
    list_select_related = ("user",)


class BlockInForceFilter(admin.SimpleListFilter):
    title = "in force"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return (("active", "Active"), ("expired", "Expired or lifted"))

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "active":
            return queryset.filter(blocked_until__gt=now)
        if self.value() == "expired":
            return queryset.filter(blocked_until__lte=now)
        return queryset


@admin.register(BlockedIP)
class BlockedIPAdmin(ReadOnlyAdmin):
    """Addresses refused at sign-in; lifting one goes through the service and is audited."""

    list_display = ("ip", "reason", "created_at", "blocked_until", "in_force")
    list_filter = (BlockInForceFilter, "reason")
    search_fields = ("ip",)
    actions = ("unblock",)
    list_select_related = ("activity",)

    @admin.display(boolean=True, description="in force")
    def in_force(self, obj: BlockedIP) -> bool:
        return obj.blocked_until > timezone.now()

    def has_change_permission(self, request, obj=None):
        # The permission the Unblock action needs; a block's own page stays read-only.
        return obj is None and request.user.has_perm("accounts.change_blockedip")

    @admin.action(description="Unblock selected addresses", permissions=["change"])
    def unblock(self, request, queryset):
        lifted = blocked_ip_lift(
            ids=list(queryset.values_list("pk", flat=True)), actor=request.user
        )
        self.message_user(request, f"{len(lifted)} address block(s) lifted.")


@admin.register(SuspiciousActivity)
class SuspiciousActivityAdmin(ReadOnlyAdmin):
    """What the sign-in detector found and did; a block it placed is lifted from Blocked IPs."""

    list_display = (
        "detected_at",
        "kind",
        "threat_level",
        "action_taken",
        "user",
        "ip",
        "identifier",
    )
    list_filter = ("kind", "threat_level", "action_taken")
    search_fields = ("identifier", "ip", "user__username", "user__email", "user__mobile")
    list_select_related = ("user",)
    date_hierarchy = "detected_at"


@admin.register(Permission)
class PermissionAdmin(ReadOnlyAdmin):
    """The one registry of permissions: created by migrations, granted through roles and groups."""

    list_display = ("codename", "name", "content_type")
    list_filter = ("content_type__app_label",)
    search_fields = ("codename", "name", "content_type__app_label", "content_type__model")
    list_select_related = ("content_type",)


@admin.register(LogEntry)
class LogEntryAdmin(ReadOnlyAdmin):
    """The admin's own record of what staff added, changed or deleted through it."""

    list_display = ("action_time", "user", "action_flag", "content_type", "object_repr")
    list_filter = ("action_flag", "content_type__app_label")
    search_fields = ("object_repr", "change_message", "user__username")
    list_select_related = ("user", "content_type")
    date_hierarchy = "action_time"


# Staff sign in to the admin with their password and a one-time code.
admin.site.login_form = AdminLoginForm
admin.site.login_template = "accounts/admin_login.html"
