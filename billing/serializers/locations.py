from rest_framework import serializers

from billing.models import District, Division, Thana


class DistrictSerializer(serializers.ModelSerializer):
    division_name = serializers.CharField(source="division.name", read_only=True)
    division_name_bn = serializers.CharField(source="division.name_bn", read_only=True)
    thana_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = District
        fields = (
            "id",
            "name",
            "name_bn",
            "division",
            "division_name",
            "division_name_bn",
            "latitude",
            "longitude",
            "website",
            "thana_count",
        )
        read_only_fields = fields


class ThanaSerializer(serializers.ModelSerializer):
    district_name = serializers.CharField(source="district.name", read_only=True)
    district_name_bn = serializers.CharField(source="district.name_bn", read_only=True)
    division = serializers.IntegerField(source="district.division_id", read_only=True)

    class Meta:
        model = Thana
        fields = (
            "id",
            "name",
            "name_bn",
            "district",
            "district_name",
            "district_name_bn",
            "division",
            "website",
        )
        read_only_fields = fields


class DivisionCountSerializer(serializers.ModelSerializer):
    district_count = serializers.IntegerField(read_only=True)
    thana_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Division
        fields = ("id", "name", "name_bn", "district_count", "thana_count")
        read_only_fields = fields


class LocationSummarySerializer(serializers.Serializer):
    total_divisions = serializers.IntegerField()
    total_districts = serializers.IntegerField()
    total_thanas = serializers.IntegerField(help_text="Upazilas.")
    divisions = DivisionCountSerializer(many=True)
