import django_filters

from audit.models_backup import Backup, BackupKind, BackupStatus


class BackupFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=BackupStatus.choices)
    kind = django_filters.ChoiceFilter(choices=BackupKind.choices)
    created_from = django_filters.DateFilter(field_name="created_at", lookup_expr="date__gte")
    created_to = django_filters.DateFilter(field_name="created_at", lookup_expr="date__lte")

    class Meta:
        model = Backup
        fields = ("status", "kind", "created_from", "created_to")
