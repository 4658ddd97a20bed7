"""The report engine through the reports over accounts and backups."""

import csv
import io
from datetime import timedelta

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from accounts.models import AccountStatus, Role, StaffType, User
from reports.models import ReportExport
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

USERS = "/api/v1/reports/users-report"


def staff(*codenames):
    user = UserFactory(is_staff=True, user_type=StaffType.ADMIN)
    user.user_permissions.add(*Permission.objects.filter(codename__in=["run_report", *codenames]))
    return User.objects.get(pk=user.pk)


@pytest.fixture
def analyst(api_client):
    user = staff()
    api_client.force_authenticate(user)
    return user


@pytest.fixture
def people():
    return {
        "ann": UserFactory(username="ann", subscriber_type="prepaid", email="ann@example.com"),
        "bob": UserFactory(
            username="bob", subscriber_type="postpaid", status=AccountStatus.BLOCKED
        ),
        "cid": UserFactory(username="cid", subscriber_type="prepaid"),
        "gone": UserFactory(username="gone", status=AccountStatus.ARCHIVED),
    }


def test_reports_need_the_permission(api_client, people):
    assert api_client.post(USERS, {}).status_code == 401
    api_client.force_authenticate(UserFactory(is_staff=True))
    assert api_client.post(USERS, {}).status_code == 403


def test_filters_ordering_and_paging(api_client, analyst, people):
    body = api_client.post(
        USERS,
        {
            "user_types": ["prepaid"],
            "order_by": "user_id",
            "order_dir": "desc",
            "export_type": "none",
        },
    ).json()
    assert [row["username"] for row in body["data"]] == ["cid", "ann"]
    assert body["total"] == 2
    page = api_client.post(USERS, {"order_by": "user_id", "limit": 1, "offset": 1}).json()
    assert page["total"] == 4  # ann, bob, cid and the analyst; archived users are elsewhere
    assert [row["username"] for row in page["data"]] == ["ann"]  # after the analyst
    blocked = api_client.post(USERS, {"statuses": ["blocked"]}).json()
    assert [row["username"] for row in blocked["data"]] == ["bob"]
    archived = api_client.post("/api/v1/reports/archived-users-report", {}).json()
    assert [row["username"] for row in archived["data"]] == ["gone"]


def test_date_range(api_client, analyst, people):
    User.objects.filter(pk=people["ann"].pk).update(date_joined=timezone.now() - timedelta(days=10))
    today = timezone.localdate().isoformat()
    body = api_client.post(USERS, {"date_from": today, "date_to": today}).json()
    assert "ann" not in {row["username"] for row in body["data"]}
    assert {"bob", "cid"} <= {row["username"] for row in body["data"]}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"colour": "red"}, "colour"),
        ({"order_by": "password"}, "order_by"),
        ({"order_dir": "sideways"}, "order_dir"),
        ({"export_type": "pdf"}, "export_type"),
        ({"user_ids": "1"}, "user_ids"),
        ({"limit": -1}, "limit"),
        ({"date_from": "yesterday"}, "date_from"),
    ],
)
def test_unknown_or_bad_parameters_are_named(api_client, analyst, body, field):
    response = api_client.post(USERS, body)
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_csv_export_with_escaped_cells(api_client, analyst, people):
    UserFactory(username="evil", first_name="=cmd|' /C calc'!A0", subscriber_type="prepaid")
    response = api_client.post(
        USERS, {"user_types": ["prepaid"], "export_type": "csv", "order_by": "user_id"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row["username"] for row in rows] == ["ann", "cid", "evil"]
    assert rows[2]["first_name"].startswith("'=")


def test_xlsx_export_opens_in_a_spreadsheet(api_client, analyst, people):
    UserFactory(username="plus", last_name="+1+1", subscriber_type="prepaid")
    response = api_client.post(
        USERS, {"user_types": ["prepaid"], "export_type": "xlsx", "order_by": "user_id"}
    )
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    header = rows[0]
    assert header[:3] == ("user_id", "username", "first_name")
    names = [row[1] for row in rows[1:]]
    assert names == ["ann", "cid", "plus"]
    last_names = {row[1]: row[3] for row in rows[1:]}
    assert last_names["plus"] == "'+1+1"


def test_large_exports_run_in_the_background_for_the_requester_only(
    api_client, analyst, people, settings, inbox
):
    settings.REPORT_ASYNC_THRESHOLD = 2
    settings.MEDIA_ROOT = str(settings.VAR_DIR / "test-media")
    queued = api_client.post(USERS, {"export_type": "csv"})
    assert queued.status_code == 202
    export_id = queued.json()["export_id"]
    export = ReportExport.objects.get(pk=export_id)
    assert export.status == "completed" and export.rows == 4
    assert [m.subject for m in inbox.mail] == ["Your Users export is ready to download"]

    download = api_client.get(f"/api/v1/reports/exports/{export_id}/download")
    assert download.status_code == 200
    content = b"".join(download.streaming_content).decode()
    assert content.splitlines()[0].startswith("user_id,username")
    assert len(content.splitlines()) == 5

    api_client.force_authenticate(staff())
    assert api_client.get(f"/api/v1/reports/exports/{export_id}/download").status_code == 404
    api_client.force_authenticate(staff("view_reportexport"))
    assert api_client.get(f"/api/v1/reports/exports/{export_id}/download").status_code == 200
    export.file.delete()


def test_role_permission_and_sessions_reports(api_client, analyst, people):
    role = Role.objects.create(name="noc", display_name="NOC", role_level=2)
    role.permissions.set(Permission.objects.filter(codename__in=["view_user", "change_user"]))
    body = api_client.post("/api/v1/reports/role-permission-report", {"role_ids": [role.pk]}).json()
    assert {row["permission"] for row in body["data"]} == {"view_user", "change_user"}
    assert (
        api_client.post(
            "/api/v1/reports/role-permission-report", {"date_from": "2024-01-01"}
        ).status_code
        == 400
    )
    sessions = api_client.post("/api/v1/reports/sessions-report", {"not_revoked": True}).json()
    assert sessions["total"] == 0


def test_sessions_csv_quotes_every_text_cell(api_client, analyst, people):
    from accounts.models import AuthSession

    AuthSession.objects.create(
        user=people["ann"],
        expires_at=timezone.now() + timedelta(hours=1),
        ip="10.0.0.1",
        device="@SUM(1+1)",
        revoke_reason="-2+3",
    )
    response = api_client.post("/api/v1/reports/sessions-report", {"export_type": "csv"})
    (row,) = csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
    assert (row["device"], row["revoke_reason"], row["ip"]) == ("'@SUM(1+1)", "'-2+3", "10.0.0.1")
    assert row["user_id"] == str(people["ann"].pk) and row["remember_me"] == "False"


def test_masked_columns_are_masked_in_every_format(people, tmp_path):
    from reports import csvexport, engine
    from reports.registry import Column, Report

    User.objects.filter(pk=people["ann"].pk).update(mobile="+919876543210")
    report = Report(
        slug="masked",
        title="Masked",
        source=lambda user: User.objects.filter(mobile__isnull=False),
        columns=(
            Column("user_id", "id"),
            Column("mobile", "mobile", mask=lambda number: "XXXXXXXX" + number[-4:]),
        ),
        orderings={"created_at": "date_joined"},
        date_field="date_joined",
    )
    request = engine.ReportRequest(report, {})
    rows = engine.queryset_for(report, request, None)
    assert engine.data_reply(report, request, rows)["data"] == [
        {"user_id": people["ann"].pk, "mobile": "XXXXXXXX3210"}
    ]
    text = b"".join(csvexport.csv_chunks(report, request, rows)).decode()
    assert "9876543210" not in text and "XXXXXXXX3210" in text
    target = tmp_path / "masked.xlsx"
    engine.write_xlsx(report, request, rows, str(target))
    sheet = list(openpyxl.load_workbook(target, read_only=True).active.iter_rows(values_only=True))
    assert sheet[1] == (people["ann"].pk, "XXXXXXXX3210")


def test_a_download_stopped_halfway_leaves_the_connection_usable(people, monkeypatch):
    from reports import csvexport, engine, fetch
    from reports.registry import REGISTRY

    monkeypatch.setattr(fetch, "BLOCK", 16)  # many small blocks
    monkeypatch.setattr(fetch, "CHUNK", 1)
    for n in range(30):
        UserFactory(username=f"many{n}")
    report = REGISTRY["users-report"]
    request = engine.ReportRequest(report, {"export_type": "csv", "order_by": "user_id"})
    rows = engine.queryset_for(report, request, None)
    blocks = csvexport.csv_chunks(report, request, rows)
    assert next(blocks).startswith(b"user_id,username")
    assert next(blocks)
    blocks.close()  # the client went away and the server closed the response
    assert User.objects.filter(username__startswith="many").count() == 30
    whole = b"".join(csvexport.csv_chunks(report, request, rows)).decode()
    assert len(whole.splitlines()) == 1 + 33  # the header; ann, bob, cid and the 30
