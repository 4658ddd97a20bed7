"""On PostgreSQL the database itself refuses to change or delete a ledger entry."""

from django.db import migrations

FORBID = """
CREATE OR REPLACE FUNCTION recharge_ledger_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'recharge ledger entries are append-only; write a reversing entry';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER recharge_ledger_append_only
    BEFORE UPDATE OR DELETE ON recharge_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION recharge_ledger_append_only();
"""
ALLOW = """
DROP TRIGGER IF EXISTS recharge_ledger_append_only ON recharge_ledgerentry;
DROP FUNCTION IF EXISTS recharge_ledger_append_only();
"""


def forbid(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORBID)


def allow(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ALLOW)


class Migration(migrations.Migration):
    dependencies = [("recharge", "0001_initial")]

    operations = [migrations.RunPython(forbid, allow)]
