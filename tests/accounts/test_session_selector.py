"""The authenticated path's one query: a session with its user, as the ORM would load them."""

import uuid

import pytest
from django.db import connection
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext

from accounts.models import AuthSession, User
from accounts.selectors import session_with_user
from accounts.services.sessions import session_start
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _fields(instance):
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def test_session_and_user_match_the_orm_in_one_query():
    user = UserFactory(first_name="Asha", email="asha@example.com")
    session = session_start(user=user, remember_me=True).session

    with CaptureQueriesContext(connection) as queries:
        loaded = session_with_user(session_id=str(session.pk))
        loaded_user = loaded.user
    assert len(queries.captured_queries) == 1

    expected = AuthSession.objects.select_related("user").get(pk=session.pk)
    assert _fields(loaded) == _fields(expected)
    assert _fields(loaded_user) == _fields(expected.user)
    assert isinstance(loaded_user, User) and loaded_user.pk == user.pk
    # Instances behave as loaded ones: saving writes an UPDATE, not an INSERT.
    assert not loaded._state.adding and loaded._state.db == "default"
    loaded_user.first_name = "Asha R."
    loaded_user.save(update_fields=["first_name"])
    assert model_to_dict(User.objects.get(pk=user.pk))["first_name"] == "Asha R."


@pytest.mark.parametrize(
    "session_id", [lambda: str(uuid.uuid4()), lambda: "not-a-uuid", lambda: ""]
)
def test_unknown_or_malformed_session_is_none(session_id):
    UserFactory()
    assert session_with_user(session_id=session_id()) is None
