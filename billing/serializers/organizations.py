from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from billing.models import Organization, OrganizationTier
from billing.selectors import organizations_visible_to
from billing.services import CODE_TAKEN
from billing.settings_schema import BILLING_SETTINGS, SCHEMAS, SYNC_SETTINGS, SettingsSchema


def _schema_serializer(schema: SettingsSchema, component: str) -> type[serializers.Serializer]:
    """A serializer describing a settings object in the OpenAPI schema."""
    fields = {}
    for key, setting in schema.settings.items():
        if setting.kind is bool:
            fields[key] = serializers.BooleanField(required=False, help_text=setting.help)
        else:
            fields[key] = serializers.IntegerField(
                required=False,
                min_value=setting.minimum,
                max_value=setting.maximum,
                help_text=setting.help,
            )
    return type(f"{component}Serializer", (serializers.Serializer,), fields)


class SettingsField(serializers.JSONField):
    """A settings object checked key by key against its declared schema.

    Errors are reported per key (`{"billing_settings": {"foo": ["Unknown setting ..."]}}`).
    """

    schema: SettingsSchema

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        errors = self.schema.key_errors(value)
        if errors:
            raise serializers.ValidationError(errors)
        return value


@extend_schema_field(_schema_serializer(BILLING_SETTINGS, "OrganizationBillingSettings"))
class BillingSettingsField(SettingsField):
    schema = BILLING_SETTINGS


@extend_schema_field(_schema_serializer(SYNC_SETTINGS, "OrganizationSyncSettings"))
class SyncSettingsField(SettingsField):
    schema = SYNC_SETTINGS


class OrganizationSerializer(serializers.ModelSerializer):
    tier = serializers.ChoiceField(
        choices=OrganizationTier.choices,
        required=False,
        help_text=(
            "company (at the top), reseller (below a company) or sub_reseller (below a "
            "reseller). Derived from the parent when left out."
        ),
    )
    parent = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.none(),
        required=False,
        allow_null=True,
        help_text="The organization above this one; null for a company.",
    )
    parent_name = serializers.CharField(
        source="parent.company_name", read_only=True, default=None, allow_null=True
    )
    contact_phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
    default_ktl_share = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        read_only=True,
        help_text="KTL's percentage without a sub-reseller: 100 - default_reseller_share.",
    )
    billing_settings = BillingSettingsField(
        required=False,
        help_text="Merged key by key: keys not sent keep their value.",
    )
    sync_settings = SyncSettingsField(
        required=False,
        help_text="Merged key by key: keys not sent keep their value.",
    )
    users_count = serializers.IntegerField(read_only=True)
    children_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Organization
        fields = (
            "id",
            "company_name",
            "company_code",
            "business_license",
            "vat_registration",
            "address",
            "contact_email",
            "contact_phone",
            "website",
            "organization_type",
            "tier",
            "parent",
            "parent_name",
            "depth",
            "revenue_sharing_enabled",
            "default_reseller_share",
            "default_ktl_share",
            "default_sub_reseller_share",
            "default_ktl_share_with_sub",
            "default_reseller_share_with_sub",
            "billing_settings",
            "sync_settings",
            "users_count",
            "children_count",
            "created_at",
            "updated_at",
        )
        read_only_fields = ("id", "depth", "created_at", "updated_at")
        extra_kwargs = {
            name: {"min_value": Decimal("0"), "max_value": Decimal("100")}
            for name in (
                "default_reseller_share",
                "default_sub_reseller_share",
                "default_ktl_share_with_sub",
                "default_reseller_share_with_sub",
            )
        }

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            fields["parent"].queryset = organizations_visible_to(request.user)
        return fields

    def validate_company_code(self, value: str) -> str:
        value = value.strip()
        taken = Organization.objects.filter(company_code__iexact=value)
        if self.instance is not None:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise serializers.ValidationError(CODE_TAKEN)
        return value

    def validate(self, attrs: dict) -> dict:
        # Rules across keys hold on the object as it will be stored.
        for name, schema in SCHEMAS.items():
            if name in attrs:
                current = getattr(self.instance, name) if self.instance is not None else None
                errors = schema.errors(schema.merged(current, attrs[name]))
                if errors:
                    raise serializers.ValidationError({name: errors})
        return attrs
