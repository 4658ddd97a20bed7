from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.utils.html import format_html

from billing import services
from billing.models import District, Division, Organization, OrganizationMembership, Thana
from billing.selectors import organizations_visible_to
from config.exceptions import Conflict


class ReadOnlyAdmin(admin.ModelAdmin):
    """Reference data: maintained by migrations, not by hand."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Division)
class DivisionAdmin(ReadOnlyAdmin):
    list_display = ("id", "name", "name_bn", "website")
    search_fields = ("name", "name_bn")


@admin.register(District)
class DistrictAdmin(ReadOnlyAdmin):
    list_display = ("id", "name", "name_bn", "division")
    list_filter = ("division",)
    list_select_related = ("division",)
    search_fields = ("name", "name_bn")


@admin.register(Thana)
class ThanaAdmin(ReadOnlyAdmin):
    list_display = ("id", "name", "name_bn", "district")
    list_filter = ("district__division",)
    list_select_related = ("district",)
    search_fields = ("name", "name_bn", "district__name")


class ChildInline(admin.TabularInline):
    model = Organization
    fk_name = "parent"
    fields = ("company_name", "company_code", "tier", "archived_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name = "organization below"
    verbose_name_plural = "organizations below"

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class MembershipInline(admin.TabularInline):
    model = OrganizationMembership
    fields = ("user", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = "users"

    def has_add_permission(self, request, obj=None) -> bool:
        return False


def _report(modeladmin, request, exc: Exception) -> None:
    text = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
    modeladmin.message_user(request, text, messages.ERROR)


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    """Listed in tree order (by path), each name indented by its depth."""

    list_display = ("tree_name", "company_code", "tier", "parent", "organization_type", "archived")
    list_filter = ("tier", "revenue_sharing_enabled", ("archived_at", admin.EmptyFieldListFilter))
    list_select_related = ("parent",)
    search_fields = ("company_name", "company_code", "contact_email")
    ordering = ("path",)
    readonly_fields = ("path", "depth", "created_at", "updated_at", "archived_at")
    inlines = (ChildInline, MembershipInline)
    actions = ("archive_selected", "restore_selected")
    fieldsets = (
        (None, {"fields": ("company_name", "company_code", "organization_type")}),
        ("Hierarchy", {"fields": ("parent", "tier", "path", "depth")}),
        (
            "Registration and contact",
            {
                "fields": (
                    "business_license",
                    "vat_registration",
                    "address",
                    "contact_email",
                    "contact_phone",
                    "website",
                )
            },
        ),
        (
            "Revenue sharing",
            {
                "fields": (
                    "revenue_sharing_enabled",
                    "default_reseller_share",
                    "default_sub_reseller_share",
                    "default_ktl_share_with_sub",
                    "default_reseller_share_with_sub",
                )
            },
        ),
        ("Settings", {"fields": ("billing_settings", "sync_settings")}),
        ("Record", {"fields": ("created_at", "updated_at", "archived_at")}),
    )

    def get_queryset(self, request) -> QuerySet:
        return organizations_visible_to(request.user, include_archived=True).select_related(
            "parent"
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            kwargs["queryset"] = organizations_visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="organization", ordering="path")
    def tree_name(self, obj: Organization) -> str:
        return format_html(
            '<span style="padding-left:{}em">{}</span>', obj.depth * 2, obj.company_name
        )

    @admin.display(boolean=True, ordering="archived_at")
    def archived(self, obj: Organization) -> bool:
        return obj.is_archived

    def save_model(self, request, obj: Organization, form, change: bool) -> None:
        # Writes go through the services so they are checked and audited like the API's.
        fields = {name: form.cleaned_data[name] for name in form.changed_data}
        if change:
            services.organization_update(organization=obj, actor=request.user, changes=fields)
        else:
            created = services.organization_create(
                actor=request.user,
                fields={
                    name: form.cleaned_data[name]
                    for name in services.WRITABLE_FIELDS
                    if name in form.cleaned_data
                },
            )
            obj.pk = created.pk

    def has_delete_permission(self, request, obj=None) -> bool:
        # Organizations are archived, never erased.
        return False

    @admin.action(description="Archive selected organizations", permissions=["change"])
    def archive_selected(self, request, queryset) -> None:
        done = 0
        for organization in queryset.order_by("-depth", "pk"):
            try:
                services.organization_archive(organization=organization, actor=request.user)
                done += 1
            except (Conflict, PermissionDenied) as exc:
                _report(self, request, exc)
        self.message_user(request, f"{done} organization(s) archived.")

    @admin.action(description="Restore selected organizations", permissions=["change"])
    def restore_selected(self, request, queryset) -> None:
        done = 0
        for organization in queryset.order_by("depth", "pk"):
            try:
                services.organization_restore(organization=organization, actor=request.user)
                done += 1
            except Conflict as exc:
                _report(self, request, exc)
        self.message_user(request, f"{done} organization(s) restored.")


@admin.register(OrganizationMembership)
class OrganizationMembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "organization", "created_at")
    list_select_related = ("user", "organization")
    search_fields = ("user__username", "user__email", "organization__company_code")
    autocomplete_fields = ("user",)
    raw_id_fields = ("organization",)

    def get_readonly_fields(self, request, obj=None) -> tuple:
        return ("user",) if obj is not None else ()

    def get_queryset(self, request) -> QuerySet:
        return (
            super()
            .get_queryset(request)
            .filter(organization__in=organizations_visible_to(request.user, include_archived=True))
        )

    def save_model(self, request, obj: OrganizationMembership, form, change: bool) -> None:
        membership = services.membership_set(
            user=obj.user, organization=obj.organization, actor=request.user
        )
        obj.pk = membership.pk

    def delete_model(self, request, obj: OrganizationMembership) -> None:
        services.membership_remove(user=obj.user, actor=request.user)

    def delete_queryset(self, request, queryset) -> None:
        for membership in queryset.select_related("user"):
            services.membership_remove(user=membership.user, actor=request.user)


# ISP billing's models are registered by their own module.
from billing import admin_isp  # noqa: E402, F401
