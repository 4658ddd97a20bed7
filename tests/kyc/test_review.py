"""Staff review through the API and the Django admin: approve, reject, ask again; audited."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from audit.models import AuditEvent
from kyc.models import KycRecord, KycStatus
from tests.factories import UserFactory
from tests.kyc.support import AADHAAR, status_url, submit, submit_and_confirm

pytestmark = pytest.mark.django_db

RECORDS = "/api/v1/admin/kyc/records"


@pytest.fixture
def in_review(client_for, person, inbox):
    """A person's Aadhaar whose name disagrees with the profile: it waits for a person."""
    submit_and_confirm(client_for(person), inbox, person, "aadhaar", name="Somebody Else")
    record = KycRecord.objects.get()
    assert record.status == KycStatus.PENDING_REVIEW
    return record


def test_review_queue_lists_masked_records(
    api_client, reviewer, in_review, django_assert_max_num_queries
):
    api_client.force_authenticate(reviewer)
    with django_assert_max_num_queries(8):
        response = api_client.get(RECORDS, {"status": "pending_review"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    item = body["results"][0]
    assert item["document_number"] == "XXXX-XXXX-" + AADHAAR[-4:]
    assert item["verification_checks"]
    assert AADHAAR not in response.content.decode()


def test_list_query_count_does_not_grow_with_the_page(
    api_client, reviewer, django_assert_max_num_queries
):
    from kyc.models import AadhaarVault

    people = UserFactory.create_batch(15)
    vault = AadhaarVault.objects.create(ciphertext="v1:k0:x", key_id="k0", blind_index="i")
    KycRecord.objects.bulk_create(
        KycRecord(user=user, kind="aadhaar", holder_name="X", aadhaar_ref=vault, status="expired")
        for user in people
    )
    api_client.force_authenticate(reviewer)
    with django_assert_max_num_queries(8):
        response = api_client.get(RECORDS, {"page_size": 100})
    assert response.json()["count"] == 15


def test_approve(api_client, reviewer, in_review, person):
    api_client.force_authenticate(reviewer)
    response = api_client.post(f"{RECORDS}/{in_review.pk}/approve", {"note": "Matches the card"})

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "verified"
    in_review.refresh_from_db()
    assert in_review.reviewed_by == reviewer and in_review.verified_at is not None
    event = AuditEvent.objects.get(action="kyc.record_approved")
    assert event.actor_id == reviewer.pk and event.target_id == str(in_review.pk)
    assert event.before["status"] == "pending_review" and event.after["status"] == "verified"
    assert AADHAAR not in str(event.before) + str(event.after)


def test_reject_then_resubmit_keeps_history(api_client, reviewer, in_review, person, client_for):
    api_client.force_authenticate(reviewer)
    response = api_client.post(f"{RECORDS}/{in_review.pk}/reject/", {"reason": "Blurred name"})
    assert response.status_code == 200
    assert response.json()["rejection_reason"] == "Blurred name"
    assert AuditEvent.objects.filter(action="kyc.record_rejected").exists()

    own = client_for(person)
    status = own.get(status_url("aadhaar")).json()
    assert (status["status"], status["rejection_reason"], status["can_resubmit"]) == (
        "rejected",
        "Blurred name",
        True,
    )
    assert own.get("/api/v1/kyc/status/get_kyc_status").json()["next_steps"][0] == (
        "Resubmit Aadhaar KYC"
    )
    assert submit(own, "aadhaar").status_code == 201
    assert KycRecord.objects.filter(user=person, kind="aadhaar").count() == 2
    assert KycRecord.objects.get(pk=in_review.pk).is_current is False


def test_reject_needs_a_reason(api_client, reviewer, in_review):
    api_client.force_authenticate(reviewer)
    response = api_client.post(f"{RECORDS}/{in_review.pk}/reject", {"reason": ""})
    assert response.status_code == 400
    assert "reason" in response.json()["errors"]
    assert KycRecord.objects.get().status == KycStatus.PENDING_REVIEW


def test_request_resubmission(api_client, reviewer, in_review, client_for, person):
    api_client.force_authenticate(reviewer)
    response = api_client.post(
        f"{RECORDS}/{in_review.pk}/request_resubmission", {"reason": "Upload the back side"}
    )
    assert response.status_code == 200
    assert response.json()["status"] == "resubmission_required"
    assert AuditEvent.objects.filter(action="kyc.resubmission_requested").exists()
    assert submit(client_for(person), "aadhaar").status_code == 201


def test_decisions_follow_the_states(api_client, reviewer, client_for, person):
    pending = submit(client_for(person), "pan").json()
    api_client.force_authenticate(reviewer)
    # Not confirmed by its owner yet: it cannot be approved.
    response = api_client.post(f"{RECORDS}/{pending['id']}/approve")
    assert response.status_code == 409
    assert KycRecord.objects.get().status == KycStatus.PENDING


def test_nobody_reviews_their_own_kyc(api_client, inbox):
    staff = UserFactory(
        username="selfie", is_superuser=True, first_name="A", last_name="B", mobile="+919811111111"
    )
    api_client.force_authenticate(staff)
    submit_and_confirm(api_client, inbox, staff, "aadhaar", name="Other Name")
    record = KycRecord.objects.get()
    response = api_client.post(f"{RECORDS}/{record.pk}/approve")
    assert response.status_code == 403
    assert KycRecord.objects.get().status == KycStatus.PENDING_REVIEW


def test_history_is_read_only_for_decisions(api_client, reviewer, client_for, person):
    first = submit(client_for(person), "pan").json()
    submit(client_for(person), "pan")
    api_client.force_authenticate(reviewer)
    response = api_client.post(f"{RECORDS}/{first['id']}/reject", {"reason": "x"})
    assert response.status_code == 409


def test_unknown_record_is_404(api_client, reviewer):
    api_client.force_authenticate(reviewer)
    assert api_client.post(f"{RECORDS}/999999/approve").status_code == 404


# --- Django admin ---------------------------------------------------------------------------


@pytest.fixture
def admin_client(client, reviewer):
    reviewer.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_kycrecord", "view_aadhaarvault"])
    )
    client.force_login(reviewer)
    return client


def test_admin_pages_show_only_masked_values(admin_client, in_review):
    changelist = admin_client.get(reverse("admin:kyc_kycrecord_changelist"))
    detail = admin_client.get(reverse("admin:kyc_kycrecord_change", args=[in_review.pk]))
    vault = admin_client.get(reverse("admin:kyc_aadhaarvault_changelist"))
    for page in (changelist, detail, vault):
        assert page.status_code == 200
        html = page.content.decode()
        assert AADHAAR not in html
        assert in_review.aadhaar_ref.ciphertext not in html
        assert in_review.aadhaar_ref.blind_index not in html
    assert "XXXX-XXXX-" + AADHAAR[-4:] in changelist.content.decode()
    # Read-only: no form field to edit anything.
    assert 'name="holder_name"' not in detail.content.decode()


def test_admin_approve_action(admin_client, in_review, reviewer):
    response = admin_client.post(
        reverse("admin:kyc_kycrecord_changelist"),
        {"action": "approve_selected", "_selected_action": [in_review.pk]},
        follow=True,
    )
    assert response.status_code == 200
    in_review.refresh_from_db()
    assert (in_review.status, in_review.reviewed_by) == (KycStatus.VERIFIED, reviewer)


def test_admin_reject_action_asks_for_a_reason(admin_client, in_review):
    url = reverse("admin:kyc_kycrecord_changelist")
    form = admin_client.post(url, {"action": "reject_selected", "_selected_action": [in_review.pk]})
    assert form.status_code == 200
    assert 'name="reason"' in form.content.decode()
    assert KycRecord.objects.get().status == KycStatus.PENDING_REVIEW

    admin_client.post(
        url,
        {
            "action": "reject_selected",
            "_selected_action": [in_review.pk],
            "apply": "1",
            "reason": "Photo does not match",
        },
    )
    in_review.refresh_from_db()
    assert (in_review.status, in_review.rejection_reason) == (
        KycStatus.REJECTED,
        "Photo does not match",
    )


def test_admin_actions_need_the_review_permission(client, in_review):
    viewer = UserFactory(username="viewer", is_staff=True)
    viewer.user_permissions.add(*Permission.objects.filter(codename="view_kycrecord"))
    client.force_login(viewer)
    page = client.get(reverse("admin:kyc_kycrecord_changelist"))
    assert page.status_code == 200
    assert "approve_selected" not in page.content.decode()
