"""The idempotency service on its own: claims, replays, refusals, takeovers and the purge."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from idempotency.errors import IdempotencyKeyInFlight, IdempotencyKeyReused
from idempotency.models import IdempotencyRecord
from idempotency.services import (
    idempotency_claim,
    idempotency_complete,
    idempotency_purge,
    idempotency_release,
    key_reference,
    request_fingerprint,
)
from idempotency.tasks import idempotency_purge_task
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PATH = "/api/v1/recharge/wallet/topup"


@pytest.fixture
def user():
    return UserFactory()


def _fingerprint(body) -> str:
    return request_fingerprint(method="POST", path=PATH, body=body)


def test_a_first_claim_holds_the_key_until_its_reply_is_kept(user):
    claim = idempotency_claim(
        user_id=user.pk, key="k", fingerprint=_fingerprint({"a": 1}), path=PATH
    )
    assert not claim.replay
    record = IdempotencyRecord.objects.get()
    assert (record.key, record.path, record.status_code, record.completed_at) == (
        "k",
        PATH,
        None,
        None,
    )
    assert idempotency_complete(record=claim.record, status_code=201, body={"id": 7})
    record.refresh_from_db()
    assert (record.status_code, record.response_body) == (201, {"id": 7})
    assert record.completed_at is not None


def test_a_claim_of_a_kept_key_replays_its_reply(user):
    first = idempotency_claim(user_id=user.pk, key="k", fingerprint=_fingerprint({"a": 1}))
    idempotency_complete(record=first.record, status_code=422, body={"code": "no"})
    again = idempotency_claim(user_id=user.pk, key="k", fingerprint=_fingerprint({"a": 1}))
    assert again.replay
    assert (again.record.status_code, again.record.response_body) == (422, {"code": "no"})
    assert IdempotencyRecord.objects.count() == 1


def test_the_same_key_with_another_request_is_refused_with_422(user):
    first = idempotency_claim(user_id=user.pk, key="k", fingerprint=_fingerprint({"a": 1}))
    idempotency_complete(record=first.record, status_code=201, body={})
    with pytest.raises(IdempotencyKeyReused) as refused:
        idempotency_claim(user_id=user.pk, key="k", fingerprint=_fingerprint({"a": 2}))
    assert refused.value.status_code == 422
    assert refused.value.get_codes() == "idempotency_key_reused"


def test_a_key_whose_first_request_still_runs_is_refused_with_409(user):
    idempotency_claim(user_id=user.pk, key="k", fingerprint=_fingerprint({}))
    with pytest.raises(IdempotencyKeyInFlight) as refused:
        idempotency_claim(user_id=user.pk, key="k", fingerprint=_fingerprint({}))
    assert refused.value.status_code == 409
    assert refused.value.get_codes() == "idempotency_key_in_flight"


def test_keys_are_per_user(user):
    other = UserFactory()
    idempotency_claim(user_id=user.pk, key="k", fingerprint=_fingerprint({}))
    assert not idempotency_claim(user_id=other.pk, key="k", fingerprint=_fingerprint({})).replay
    assert IdempotencyRecord.objects.count() == 2


def test_a_claim_past_its_lease_is_taken_over_and_the_old_holder_cannot_finish(user, settings):
    settings.IDEMPOTENCY_LEASE_SECONDS = 60
    crashed = idempotency_claim(user_id=user.pk, key="k", fingerprint=_fingerprint({}))
    IdempotencyRecord.objects.update(locked_at=timezone.now() - timedelta(seconds=59))
    with pytest.raises(IdempotencyKeyInFlight):  # not yet past the lease
        idempotency_claim(user_id=user.pk, key="k", fingerprint=_fingerprint({}))
    IdempotencyRecord.objects.update(locked_at=timezone.now() - timedelta(seconds=61))
    taken = idempotency_claim(user_id=user.pk, key="k", fingerprint=_fingerprint({}))
    assert not taken.replay and taken.record.pk == crashed.record.pk
    assert taken.record.lock_token != crashed.record.lock_token
    # The same key stands for the same reference after a takeover.
    assert key_reference(record=taken.record) == key_reference(record=crashed.record)
    # The first holder lost its claim: it can neither keep a reply nor let the key go.
    assert not idempotency_complete(record=crashed.record, status_code=201, body={"by": "old"})
    idempotency_release(record=crashed.record)
    assert IdempotencyRecord.objects.filter(pk=taken.record.pk).exists()
    assert idempotency_complete(record=taken.record, status_code=201, body={"by": "new"})
    assert IdempotencyRecord.objects.get().response_body == {"by": "new"}


def test_a_released_key_can_be_claimed_again_as_something_new(user):
    first = idempotency_claim(user_id=user.pk, key="k", fingerprint=_fingerprint({"a": 1}))
    idempotency_release(record=first.record)
    assert not IdempotencyRecord.objects.exists()
    again = idempotency_claim(user_id=user.pk, key="k", fingerprint=_fingerprint({"a": 2}))
    assert not again.replay
    assert key_reference(record=again.record) != key_reference(record=first.record)


def test_a_kept_reply_is_never_released(user):
    claim = idempotency_claim(user_id=user.pk, key="k", fingerprint=_fingerprint({}))
    idempotency_complete(record=claim.record, status_code=201, body={})
    idempotency_release(record=claim.record)
    assert IdempotencyRecord.objects.filter(status_code=201).exists()


def test_the_fingerprint_is_method_path_and_body():
    base = request_fingerprint(method="POST", path=PATH, body={"a": 1, "b": 2})
    assert base == request_fingerprint(method="post", path=f"{PATH}/", body={"b": 2, "a": 1})
    assert base != request_fingerprint(method="PUT", path=PATH, body={"a": 1, "b": 2})
    assert base != request_fingerprint(method="POST", path=f"{PATH}x", body={"a": 1, "b": 2})
    assert base != request_fingerprint(method="POST", path=PATH, body={"a": 1, "b": 3})


def test_the_database_keeps_one_row_per_user_and_key_and_replies_whole(user):
    now = timezone.now()
    IdempotencyRecord.objects.create(user=user, key="k", fingerprint="f", locked_at=now)
    for fields in (
        {"key": "k"},
        {"key": ""},
        {"key": "n", "status_code": 201},
        {"key": "m", "completed_at": now},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            IdempotencyRecord.objects.create(user=user, fingerprint="f", locked_at=now, **fields)


def _aged(user, key: str, hours: float) -> IdempotencyRecord:
    record = IdempotencyRecord.objects.create(
        user=user, key=key, fingerprint="f", locked_at=timezone.now()
    )
    IdempotencyRecord.objects.filter(pk=record.pk).update(
        created_at=timezone.now() - timedelta(hours=hours)
    )
    return record


def test_keys_are_kept_at_least_24_hours(user, settings):
    settings.IDEMPOTENCY_RETENTION_HOURS = 1  # asking for less still keeps a day
    _aged(user, "young", 23)
    _aged(user, "old", 25)
    assert idempotency_purge() == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["young"]


def test_a_longer_retention_keeps_keys_longer(user, settings):
    settings.IDEMPOTENCY_RETENTION_HOURS = 48
    _aged(user, "two-days-less", 47)
    _aged(user, "two-days-more", 49)
    assert idempotency_purge() == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["two-days-less"]


def test_purge_command_and_task(user, capsys):
    _aged(user, "k", 72)
    call_command("idempotency_purge")
    assert "Forgot 1 keys" in capsys.readouterr().out
    assert not IdempotencyRecord.objects.exists()
    _aged(user, "j", 72)
    assert idempotency_purge_task.delay().get() == 1
    assert idempotency_purge_task.delay().get() == 0


def test_the_purge_is_scheduled():
    from config.celery import app

    app.finalize()
    tasks = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert "idempotency.tasks.idempotency_purge" in tasks
    assert "idempotency.tasks.idempotency_purge" in app.tasks
