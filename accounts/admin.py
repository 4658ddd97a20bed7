from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import PermissionDenied

from accounts.models import AuthSession, LoginActivity, OtpChallenge, User
from accounts.services.registration import user_approve
from accounts.services.sessions import sessions_end
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
    actions = ("approve_accounts", "end_all_sessions")
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

    @admin.action(description="Approve selected accounts waiting for approval")
    def approve_accounts(self, request, queryset):
        approved = 0
        for user in queryset.order_by("pk"):
            try:
                user_approve(user=user, approver=request.user)
                approved += 1
            except (PermissionDenied, Conflict) as exc:
                self.message_user(request, f"{user}: {exc}", messages.WARNING)
        self.message_user(request, f"{approved} account(s) approved.")

    @admin.action(description="Sign out of every device")
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
    list_filter = ("revoke_reason", "remember_me")
    search_fields = ("user__username", "user__email", "user__mobile", "ip")
    list_select_related = ("user",)
    exclude = ("refresh_jti",)


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
