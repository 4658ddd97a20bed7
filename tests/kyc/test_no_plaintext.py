"""After a whole KYC flow, no identity number is anywhere in the clear.

Every table of the database (not only the KYC ones), every reply, every message
sent and every log line is searched for the plain numbers.
"""

import logging

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection, models

from kyc import crypto
from kyc.models import KycRecord
from tests.kyc.support import (
    AADHAAR,
    ACCOUNT,
    GSTIN,
    PAN,
    confirm_code,
    status_url,
    submit,
    submit_and_confirm,
)

pytestmark = pytest.mark.django_db

SECRETS = {
    "aadhaar": AADHAAR,
    "aadhaar spaced": f"{AADHAAR[:4]} {AADHAAR[4:8]} {AADHAAR[8:]}",
    "pan": PAN,
    "pan lower": PAN.lower(),
    "gstin": GSTIN,
    "account": ACCOUNT,
}


def _text(value) -> str:
    if isinstance(value, memoryview):
        value = value.tobytes()
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return str(value)


def leaks_in_database() -> list[str]:
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            columns = [c[0] for c in cursor.description]
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    text = _text(value)
                    found += [
                        f"{table}.{column}: {label}"
                        for label, secret in SECRETS.items()
                        if secret in text
                    ]
    return found


def text_columns_of_every_model() -> list[tuple[type, str]]:
    kinds = (models.CharField, models.TextField, models.JSONField)
    return [
        (model, field.attname)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, kinds)
    ]


def test_full_flow_leaves_no_plaintext_anywhere(
    api_client, client_for, person, reviewer, report_viewer, inbox, settings, caplog
):
    caplog.set_level(logging.DEBUG)
    replies = []
    client = client_for(person)
    # Aadhaar typed with spaces, confirmed at the OTP endpoint and processed by the task.
    replies.append(
        submit_and_confirm(
            client, inbox, person, "aadhaar", aadhaar_number=SECRETS["aadhaar spaced"]
        )
    )
    # PAN typed in lower case, confirmed at the KYC endpoint.
    pan = submit(client, "pan", pan_number=PAN.lower(), name="Somebody Else")
    replies.append(pan.json())
    replies.append(
        client.post(
            "/api/v1/kyc/verify_otp",
            {"request_id": pan.json()["request_id"], "otp": inbox.code_for(person.mobile)},
            format="json",
        ).json()
    )
    replies.append(submit_and_confirm(client, inbox, person, "business"))
    replies.append(submit(client, "bank").json())

    # Staff reject the PAN; the person resubmits and a reviewer approves.
    pan_record = KycRecord.objects.get(user=person, kind="pan", is_current=True)
    staff = client_for(reviewer)
    replies.append(
        staff.post(f"/api/v1/admin/kyc/records/{pan_record.pk}/reject", {"reason": "Name"}).json()
    )
    client = client_for(person)
    again = submit(client, "pan", name="Somebody Else").json()
    replies.append(again)
    confirm_code(client, inbox, person, again["request_id"], "pan")
    from kyc.services import kyc_process_submissions

    kyc_process_submissions()
    staff = client_for(reviewer)
    replies.append(staff.post(f"/api/v1/admin/kyc/records/{again['id']}/approve").json())
    replies.append(staff.get("/api/v1/admin/kyc/records", {"is_current": "false"}).json())

    # Keys rotate, then every status and report is read.
    settings.FIELD_ENCRYPTION_KEYS = {**settings.FIELD_ENCRYPTION_KEYS, "k9": crypto.generate_key()}
    settings.FIELD_ENCRYPTION_ACTIVE_KEY = "k9"
    call_command("rotate_field_keys")
    client = client_for(person)
    replies += [
        client.get(status_url(kind)).json() for kind in ("aadhaar", "pan", "business", "bank")
    ]
    replies.append(client.get("/api/v1/kyc/status/get_kyc_status").json())
    reports = client_for(report_viewer)
    for path in ("get_kyc_report", "get_pending_kyc", "get_kyc_by_status/verified"):
        replies.append(reports.get(f"/api/v1/admin/reports/kyc/{path}").json())

    assert KycRecord.objects.filter(user=person, is_current=True).count() == 4

    # Every table, every column, every row.
    assert leaks_in_database() == []
    # And, model by model, every text and JSON column (what the raw scan above covers too).
    for model, column in text_columns_of_every_model():
        for value in model._default_manager.values_list(column, flat=True):
            text = _text(value)
            assert not [label for label, secret in SECRETS.items() if secret in text], (
                f"{model._meta.label}.{column}"
            )

    everything_sent = " ".join(
        [str(replies)]
        + [m.body for m in inbox.sms]
        + [m.body + m.subject for m in inbox.mail]
        + [r.getMessage() for r in caplog.records]
    )
    assert not [label for label, secret in SECRETS.items() if secret in everything_sent]
    # The masked forms are what people and staff see.
    assert "XXXX-XXXX-" + AADHAAR[-4:] in str(replies)
    assert "XXXXXX234F" in str(replies)
