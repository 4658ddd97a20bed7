from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm

from accounts.models import User


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
