"""On PostgreSQL the database itself refuses to change or delete a reseller ledger entry."""

from django.db import migrations

FORBID = """
CREATE OR REPLACE FUNCTION billing_reseller_ledger_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'reseller ledger entries are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER billing_reseller_ledger_append_only
    BEFORE UPDATE OR DELETE ON billing_resellerledgerentry
    FOR EACH ROW EXECUTE FUNCTION billing_reseller_ledger_append_only();
"""
ALLOW = """
DROP TRIGGER IF EXISTS billing_reseller_ledger_append_only ON billing_resellerledgerentry;
DROP FUNCTION IF EXISTS billing_reseller_ledger_append_only();
"""


def forbid(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORBID)


def allow(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ALLOW)


class Migration(migrations.Migration):
    dependencies = [("billing", "0003_isp_billing")]

    operations = [migrations.RunPython(forbid, allow)]
