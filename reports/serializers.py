"""The request and reply shapes of each declared report, built from its declaration.

The request serializer is both what the schema shows and what validates the
body, so the two cannot drift apart.
"""

import hashlib

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from config.inputs import StrictBooleanField, StrictCharField, StrictIntegerField
from reports.models import ReportExport
from reports.registry import Report

EXPORT_TYPES = ("none", "csv", "xlsx")
MAX_ROWS = 1_000_000_000  # for limit and offset: far past any report, inside PostgreSQL's bigint
MAX_VALUES = 1000  # values in one list filter
MAX_ID = 2**63 - 1

# A null filter is the same as no filter.
_FILTER_FIELDS = {
    "ids": lambda: serializers.ListField(
        child=StrictIntegerField(min_value=1, max_value=MAX_ID),
        min_length=1,
        max_length=MAX_VALUES,
        required=False,
        allow_null=True,
    ),
    "strings": lambda: serializers.ListField(
        child=StrictCharField(),
        min_length=1,
        max_length=MAX_VALUES,
        required=False,
        allow_null=True,
    ),
    "string": lambda: StrictCharField(required=False, allow_null=True, allow_blank=True),
    "bool": lambda: StrictBooleanField(required=False, allow_null=True),
    "date": lambda: serializers.DateField(required=False, allow_null=True),
    "datetime": lambda: serializers.DateTimeField(required=False, allow_null=True),
}


def _ordering_choice(report: Report) -> serializers.ChoiceField:
    """`order_by`: one enum per report, even where two reports order by the same names."""
    choices = sorted(report.orderings)
    schema = {
        "type": "string",
        "enum": [*choices, None],
        "nullable": True,
        "x-spec-enum-id": hashlib.sha256(report.slug.encode()).hexdigest()[:16],
    }
    field_class = extend_schema_field(schema)(type("OrderBy", (serializers.ChoiceField,), {}))
    return field_class(choices=choices, required=False, allow_null=True)


def _name(report: Report, suffix: str) -> str:
    return "".join(part.title() for part in report.slug.replace("/", "-").split("-")) + suffix


def _built_once(build):
    """One class per report (a declaration is built into a serializer the first time it is asked)."""
    built: dict[str, tuple[Report, type[serializers.Serializer]]] = {}

    def get(report: Report) -> type[serializers.Serializer]:
        hit = built.get(report.slug)
        if hit is None or hit[0] is not report:
            hit = built[report.slug] = (report, build(report))
        return hit[1]

    return get


@_built_once
def request_serializer(report: Report) -> type[serializers.Serializer]:
    fields = {name: _FILTER_FIELDS[f.kind]() for name, f in report.filters.items()}
    fields.update(
        order_by=_ordering_choice(report),
        order_dir=serializers.ChoiceField(choices=["asc", "desc"], required=False, allow_null=True),
        limit=StrictIntegerField(
            min_value=0,
            max_value=MAX_ROWS,
            required=False,
            allow_null=True,
            help_text="0: all rows (files) or 1000 (data).",
        ),
        offset=StrictIntegerField(min_value=0, max_value=MAX_ROWS, required=False, allow_null=True),
        export_type=serializers.ChoiceField(
            choices=list(EXPORT_TYPES), required=False, allow_null=True
        ),
    )
    if report.date_field:
        fields.update(
            date_from=serializers.DateField(required=False, allow_null=True),
            date_to=serializers.DateField(required=False, allow_null=True),
        )
    return type(_name(report, "Request"), (serializers.Serializer,), fields)


@_built_once
def reply_serializer(report: Report) -> type[serializers.Serializer]:
    row = type(
        _name(report, "Row"),
        (serializers.Serializer,),
        {column.key: serializers.JSONField(allow_null=True) for column in report.columns},
    )
    return type(
        _name(report, "Reply"),
        (serializers.Serializer,),
        {
            "data": row(many=True),
            "total": serializers.IntegerField(),
            "limit": serializers.IntegerField(),
            "offset": serializers.IntegerField(),
        },
    )


class ExportQueuedSerializer(serializers.Serializer):
    export_id = serializers.UUIDField()
    status = serializers.CharField()
    rows = serializers.IntegerField()
    download_url = serializers.CharField()


class ExportStatusSerializer(serializers.ModelSerializer):
    export_id = serializers.UUIDField(source="pk")

    class Meta:
        model = ReportExport
        fields = (
            "export_id",
            "report",
            "export_type",
            "status",
            "rows",
            "error",
            "created_at",
            "completed_at",
        )
        read_only_fields = fields
