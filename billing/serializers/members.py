"""Who belongs to an organization: placing a user, and the members it has."""

from rest_framework import serializers

from billing.models import OrganizationMembership


class MemberPlaceSerializer(serializers.Serializer):
    user_id = serializers.IntegerField(min_value=1, max_value=2**63 - 1)


class MemberSerializer(serializers.ModelSerializer):
    """One person's place in an organization."""

    user_id = serializers.IntegerField(source="user.pk", read_only=True)
    login_id = serializers.CharField(source="user.username", read_only=True, allow_null=True)
    name = serializers.CharField(source="user.name", read_only=True)
    email = serializers.EmailField(source="user.email", read_only=True, allow_null=True)
    user_type = serializers.CharField(source="user.user_type", read_only=True)
    organization_id = serializers.IntegerField(source="organization.pk", read_only=True)
    company_code = serializers.CharField(source="organization.company_code", read_only=True)
    company_name = serializers.CharField(source="organization.company_name", read_only=True)
    placed_at = serializers.DateTimeField(source="updated_at", read_only=True)

    class Meta:
        model = OrganizationMembership
        fields = (
            "user_id",
            "login_id",
            "name",
            "email",
            "user_type",
            "organization_id",
            "company_code",
            "company_name",
            "placed_at",
        )
        read_only_fields = fields
