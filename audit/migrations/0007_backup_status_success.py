"""A finished backup's status is "success", seed 004's word; rows saying "completed" follow."""

from django.conf import settings
from django.db import migrations, models


def to_success(apps, schema_editor):
    apps.get_model("audit", "Backup").objects.filter(status="completed").update(status="success")


def to_completed(apps, schema_editor):
    apps.get_model("audit", "Backup").objects.filter(status="success").update(status="completed")


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0006_seal_trigger'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='backup',
            name='audit_backup_status_valid',
        ),
        migrations.RemoveConstraint(
            model_name='backup',
            name='audit_backup_completed_has_file_facts',
        ),
        migrations.AlterField(
            model_name='backup',
            name='status',
            field=models.CharField(choices=[('pending', 'Pending'), ('running', 'Running'), ('success', 'Completed'), ('failed', 'Failed')], db_index=True, default='pending', max_length=10),
        ),
        migrations.RunPython(to_success, to_completed, elidable=False),
        migrations.AddConstraint(
            model_name='backup',
            constraint=models.CheckConstraint(condition=models.Q(('status__in', ['pending', 'running', 'success', 'failed'])), name='audit_backup_status_valid'),
        ),
        migrations.AddConstraint(
            model_name='backup',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'success'), _negated=True), models.Q(('size_bytes__isnull', False), ('completed_at__isnull', False), models.Q(('checksum_sha256', ''), _negated=True)), _connector='OR'), name='audit_backup_completed_has_file_facts'),
        ),
    ]
