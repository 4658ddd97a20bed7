"""Load the divisions, districts and upazilas of Bangladesh from the shipped data file."""

import json
from pathlib import Path

from django.db import migrations

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "bangladesh_locations.json"


def load(apps, schema_editor):
    Division = apps.get_model("billing", "Division")
    District = apps.get_model("billing", "District")
    Thana = apps.get_model("billing", "Thana")
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    db = schema_editor.connection.alias
    Division.objects.using(db).bulk_create(
        Division(
            id=int(row["code"]),
            name=row["name"],
            name_bn=row["name_bn"],
            website=row.get("website") or "",
        )
        for row in data["divisions"]
    )
    District.objects.using(db).bulk_create(
        District(
            id=int(row["code"]),
            division_id=int(row["division"]),
            name=row["name"],
            name_bn=row["name_bn"],
            latitude=row.get("lat"),
            longitude=row.get("lon"),
            website=row.get("website") or "",
        )
        for row in data["districts"]
    )
    Thana.objects.using(db).bulk_create(
        Thana(
            id=int(row["code"]),
            district_id=int(row["district"]),
            name=row["name"],
            name_bn=row["name_bn"],
            website=row.get("website") or "",
        )
        for row in data["upazilas"]
    )


def unload(apps, schema_editor):
    db = schema_editor.connection.alias
    for name in ("Thana", "District", "Division"):
        apps.get_model("billing", name).objects.using(db).all().delete()


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
