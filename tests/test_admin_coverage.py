"""The whole Django admin: every model is there, every page opens, lists cost the same at any size.

Rows are made with model_bakery (every optional field filled, so every foreign
key a list shows is set): a changelist that reads a related row per line shows
up as more queries for 20 rows than for 1.
"""

import datetime
import itertools

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from model_bakery import baker
from model_bakery.baker import Baker

from accounts.models import User
from kyc.services import submit_aadhaar, submit_pan
from tests.factories import UserFactory
from tests.kyc.support import AADHAAR, PAN

pytestmark = pytest.mark.django_db

# Models deliberately left out of the admin, each with its reason.
EXCLUDED = {
    "contenttypes.ContentType": "Django's internal registry of models, kept by migrations.",
    "sessions.Session": (
        "Its key is a bearer credential and its data holds the sign-in hash; staff end a "
        "person's sessions with the 'Sign out of every device' action on users instead."
    ),
}

# Rows that record what happened: nobody adds, changes or deletes them in the admin.
APPEND_ONLY = (
    "accounts.LoginActivity",
    "accounts.SuspiciousActivity",
    "admin.LogEntry",
    "audit.ApiRequestLog",
    "audit.AuditChainAnchor",
    "audit.AuditEvent",
    "billing.IspStatusChange",
    "billing.ResellerLedgerEntry",
    "payments.PaymentEvent",
    "recharge.LedgerEntry",
)

# Fields that hold secrets, hashes of secrets or unmasked identity numbers.
SENSITIVE_FIELDS = {
    "accounts.AuthSession": {"refresh_jti"},
    "accounts.OtpChallenge": {"code_hash", "payload"},
    "idempotency.IdempotencyRecord": {"response_body", "lock_token"},
    "kyc.AadhaarVault": {"ciphertext", "blind_index"},
    "kyc.KycRecord": {"number_ciphertext", "number_index", "gstin_pan_index", "aadhaar_ref"},
    "lending.ImportFile": {"content"},
    "recharge.Announcement": {"claim_token"},
}

REGISTERED = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


def _label(item) -> str:
    return item[0]._meta.label


def _url(model, view: str, *args) -> str:
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


_numbers = itertools.count(1)


def _ifsc_branch() -> dict:
    return {"ifsc": f"HDFC0{next(_numbers):06d}", "bank_code": "HDFC", "bank": "HDFC Bank"}


# Values random ones would break (a check constraint, a choice with no display),
# for rows made directly and for the related rows bakery makes on the way.
BASE_VALUES = {
    "admin.LogEntry": lambda: {"action_flag": 1},
    "billing.IspInvoice": lambda: {
        "period_start": datetime.date(2026, 1, 1),
        "period_end": datetime.date(2026, 2, 1),
    },
    "billing.IspInvoiceLine": lambda: {
        "kind": "package",
        "amount": 500,
        "days": 1,
        "period_days": 30,
    },
    "billing.IspPayment": lambda: {"method": "cash", "amount": 100, "unallocated": 0},
    "billing.IspSubscriber": lambda: {"billing_day": 1},
    "billing.Organization": lambda: {"tier": "company", "parent": None},
    "kyc.IfscBranch": _ifsc_branch,
    "kyc.KycRecord": lambda: {"kind": "aadhaar", "verification_score": 90},
    "lending.Customer": lambda: {"pincode": "560001"},
    "lending.ImportBatch": lambda: {"status": "queued", "dry_run": False},
    "lending.Interaction": lambda: {"disposition": "called"},
    "lending.Loan": lambda: {
        "tenure_months": 12,
        "interest_rate": 12,
        "principal_amount": 1000,
        "outstanding_amount": 1000,
        "delinquency_bucket": "current",
        "days_past_due": 0,
        "status": "active",
    },
    "lending.Repayment": lambda: {
        "amount": 100,
        "interest_component": 20,
        "principal_component": 80,
    },
    "recharge.Announcement": lambda: {
        "recipient_type": "all_users",
        "recipient": None,
        "status": "scheduled",
    },
    "recharge.ContactMessage": lambda: {"resolved": True, "resolved_at": timezone.now()},
    "recharge.Notification": lambda: {"event": "low_balance", "announcement": None},
}


class PlatformBaker(Baker):
    """Bakery with the rows' invariants: a person has a login id, BASE_VALUES hold."""

    def _clean_attrs(self, attrs):
        fixed = BASE_VALUES.get(self.model._meta.label)
        if fixed is not None:
            attrs = {**fixed(), **attrs}
        super()._clean_attrs(attrs)
        if self.model is User and self.fill_in_optional is False:
            self.fill_in_optional = ["username"]


@pytest.fixture(autouse=True)
def _platform_baker(settings):
    settings.BAKER_CUSTOM_CLASS = "tests.test_admin_coverage.PlatformBaker"


# Rows whose fields depend on each other are made the way the project makes them.
MAKERS = {
    "accounts.User": lambda: UserFactory(mobile=None),
}


def _optional_relations(model) -> list[str]:
    """Nullable links to other tables: set, so that a list showing them must join them."""
    fixed = BASE_VALUES.get(model._meta.label, dict)()
    return [
        field.name
        for field in model._meta.concrete_fields
        if field.is_relation
        and field.null
        and field.related_model is not model
        and field.name not in fixed
    ]


def _bake(model, quantity: int) -> list:
    maker = MAKERS.get(model._meta.label)
    if maker is not None:
        return [maker() for _ in range(quantity)]
    fill = _optional_relations(model)
    return [baker.make(model, _fill_optional=fill) for _ in range(quantity)]


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_every_model_is_in_the_admin_or_excluded_with_a_reason():
    labels = {model._meta.label for model in apps.get_models()}
    registered = {model._meta.label for model in admin.site._registry}
    assert sorted(labels - registered - set(EXCLUDED)) == []
    # An exclusion that is registered after all, or names no model, is out of date.
    assert set(EXCLUDED) <= labels - registered


@pytest.mark.parametrize("item", REGISTERED, ids=_label)
def test_pages_open_and_list_queries_do_not_grow_with_rows(superuser_client, item):
    model, model_admin = item
    url = _url(model, "changelist")
    before = superuser_client.get(url).context["cl"].result_count  # reference data, the user
    _bake(model, 1)
    with CaptureQueriesContext(connection) as one_row:
        response = superuser_client.get(url)
    assert response.status_code == 200
    assert response.context["cl"].result_count == before + 1
    rows = _bake(model, 19)
    with CaptureQueriesContext(connection) as twenty_rows:
        response = superuser_client.get(url)
    assert response.status_code == 200
    assert response.context["cl"].result_count >= before + 20
    assert len(twenty_rows) == len(one_row), [q["sql"] for q in twenty_rows.captured_queries]

    assert superuser_client.get(url, {"q": "x"}).status_code == 200
    assert superuser_client.get(_url(model, "change", rows[0].pk)).status_code == 200
    if model_admin.has_add_permission(response.wsgi_request):
        assert superuser_client.get(_url(model, "add")).status_code == 200


@pytest.mark.parametrize("label", APPEND_ONLY)
def test_append_only_rows_cannot_be_added_changed_or_deleted(superuser_client, label):
    model = apps.get_model(label)
    model_admin = admin.site._registry[model]
    row = _bake(model, 1)[0]
    request = superuser_client.get(_url(model, "changelist")).wsgi_request
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, row)
    assert not model_admin.has_delete_permission(request, row)
    # Every field shows as text, none as an input.
    page = superuser_client.get(_url(model, "change", row.pk))
    assert page.status_code == 200
    assert not page.context["adminform"].form.fields
    assert superuser_client.post(_url(model, "add"), {}).status_code == 403
    assert superuser_client.post(_url(model, "delete", row.pk), {"post": "yes"}).status_code == 403
    assert model.objects.filter(pk=row.pk).exists()


@pytest.mark.parametrize("item", REGISTERED, ids=_label)
def test_no_secret_field_is_shown(superuser_client, item):
    model, model_admin = item
    hidden = SENSITIVE_FIELDS.get(model._meta.label, set())
    row = _bake(model, 1)[0]
    page = superuser_client.get(_url(model, "change", row.pk))
    assert page.status_code == 200
    shown = set(page.context["adminform"].form.fields) | set(
        model_admin.get_readonly_fields(page.wsgi_request, row)
    )
    for fieldset in page.context["adminform"]:
        for line in fieldset:
            shown.update(
                field.field["name"] if isinstance(field.field, dict) else field.field.name
                for field in line
            )
    listed = set(model_admin.get_list_display(page.wsgi_request))
    assert not (shown | listed) & hidden


def test_identity_numbers_are_shown_masked_only(superuser_client):
    person = UserFactory(mobile="+919876543210", email="rahul@example.com")
    dob = datetime.date(1990, 1, 15)
    aadhaar = submit_aadhaar(user=person, aadhaar_number=AADHAAR, name="Rahul Sharma", dob=dob)
    pan = submit_pan(user=person, pan_number=PAN, name="Rahul Sharma", dob=dob)
    from kyc.models import AadhaarVault, KycRecord

    pages = [
        superuser_client.get(_url(KycRecord, "changelist")),
        superuser_client.get(_url(AadhaarVault, "changelist")),
    ]
    for record in KycRecord.objects.filter(user=person):
        pages.append(superuser_client.get(_url(KycRecord, "change", record.pk)))
    for entry in AadhaarVault.objects.all():
        pages.append(superuser_client.get(_url(AadhaarVault, "change", entry.pk)))
    html = "".join(page.content.decode() for page in pages)
    assert all(page.status_code == 200 for page in pages)
    assert AADHAAR not in html and PAN not in html
    assert AADHAAR[-4:] in html  # the masked form is there
    assert aadhaar and pan
