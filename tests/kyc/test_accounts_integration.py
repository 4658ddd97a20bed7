"""KYC shows through the accounts endpoints, and a code verified at otp/verify_otp
moves its submission on at once."""

import pytest
from django.contrib.auth.models import Permission

from accounts.models import User
from kyc.models import KycRecord
from tests.factories import UserFactory
from tests.kyc.support import aadhaar_body

pytestmark = pytest.mark.django_db


def test_standalone_code_verification_processes_the_submission_at_once(api_client, person, inbox):
    api_client.force_authenticate(person)
    submitted = api_client.post("/api/v1/kyc/aadhaar/submit_aadhaar", aadhaar_body())
    assert submitted.status_code == 201, submitted.content
    record = KycRecord.objects.get(user=person)
    assert record.status == "pending"
    response = api_client.post(
        "/api/v1/otp/verify_otp",
        {
            "request_id": submitted.json()["request_id"],
            "otp": inbox.code_for(person.mobile),
            "purpose": "kyc_aadhaar",
        },
    )
    assert response.status_code == 200
    record.refresh_from_db()
    assert record.status != "pending"  # no periodic job was needed


def test_admin_user_list_and_profile_show_the_kyc_status(api_client, person, inbox):
    api_client.force_authenticate(person)
    submitted = api_client.post("/api/v1/kyc/aadhaar/submit_aadhaar", aadhaar_body())
    api_client.post(
        "/api/v1/otp/verify_otp",
        {
            "request_id": submitted.json()["request_id"],
            "otp": inbox.code_for(person.mobile),
            "purpose": "kyc_aadhaar",
        },
    )
    own = api_client.get("/api/v1/user/profile/my_profile").json()["kyc_status"]
    assert own not in (None, "not_started")
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(codename="view_user"))
    api_client.force_authenticate(User.objects.get(pk=staff.pk))
    rows = api_client.get("/api/v1/admin/users/list_users").json()["results"]
    by_id = {row["id"]: row["kyc_status"] for row in rows}
    assert by_id[person.pk] == own
    assert by_id[staff.pk] == "not_started"
