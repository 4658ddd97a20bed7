"""Admin bases the apps share."""

from django.contrib import admin

admin.site.site_header = "Platform back office"
admin.site.site_title = "Platform back office"
admin.site.index_title = "KYC, collections, ISP billing and recharge"


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows that change only through services (money, records of what happened): view only.

    Commands on them are admin actions that call the service.
    """

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
