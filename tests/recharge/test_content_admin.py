"""Content: staff CRUD with images checked by Pillow, and the public list of what is published."""

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from PIL import Image

from audit.models import AuditEvent
from recharge.notifications.models import Content
from tests.factories import UserFactory
from tests.recharge.conftest import grant

pytestmark = pytest.mark.django_db

ADMIN = "/api/v1/content/admin"


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(media: Path) -> list[str]:
    return sorted(p.name for p in media.rglob("*") if p.is_file()) if media.exists() else []


def image(name="faq.png", fmt="PNG", size=(40, 30), mode="RGB") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new(mode, size, color="red").save(buffer, format=fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def create(api_client, **fields):
    data = {"content_type": "FAQ", "title": "Help", "body": "How can we help?", **fields}
    return api_client.post(ADMIN, data, format="multipart")


def test_create_with_an_image_as_seed_004(api_client, staff, media):
    api_client.force_authenticate(staff)
    response = create(api_client, image=image())
    assert response.status_code == 201, response.content
    body = response.json()
    assert body == {
        **body,
        "content_type": "FAQ",
        "title": "Help",
        "body": "How can we help?",
        "image_filename": "faq.png",
        "created_by": staff.pk,
        "updated_by": staff.pk,
        "is_published": True,
    }
    content = Content.objects.get(pk=body["_id"])
    assert body["image_url"] == f"/media/{content.image.name}"
    assert content.image.name.startswith("content/") and content.image.name.endswith(".png")
    assert default_storage.exists(content.image.name)
    assert stored_files(media) == [Path(content.image.name).name]
    assert AuditEvent.objects.filter(
        action="recharge.content_created", actor_id=staff.pk, target_id=str(content.pk)
    ).exists()


@pytest.mark.parametrize("fmt", ["JPEG", "WEBP", "GIF"])
def test_other_allowed_formats_are_stored_under_their_own_extension(api_client, staff, fmt):
    api_client.force_authenticate(staff)
    # The uploader's name says .png; the stored name follows what the file is.
    response = create(api_client, image=image("photo.png", fmt=fmt))
    assert response.status_code == 201, response.content
    extension = {"JPEG": ".jpg", "WEBP": ".webp", "GIF": ".gif"}[fmt]
    assert Content.objects.get().image.name.endswith(extension)


@pytest.mark.parametrize(
    ("upload", "settings_override"),
    [
        (SimpleUploadedFile("notes.png", b"just some text, not an image\n" * 10), {}),
        (SimpleUploadedFile("empty.png", b""), {}),
        (image("big.bmp", fmt="BMP"), {}),
        (image("scan.tiff", fmt="TIFF"), {}),
        (image("wide.png", size=(300, 20)), {"CONTENT_IMAGE_MAX_SIDE": 256}),
        (image("heavy.png", size=(200, 200)), {"CONTENT_IMAGE_MAX_BYTES": 100}),
    ],
    ids=["text-renamed-png", "empty", "bmp", "tiff", "too-many-pixels", "too-large"],
)
def test_a_refused_upload_leaves_nothing_behind(
    api_client, staff, media, settings, upload, settings_override
):
    for name, value in settings_override.items():
        setattr(settings, name, value)
    api_client.force_authenticate(staff)
    response = create(api_client, image=upload)
    assert response.status_code == 400, response.content
    assert "image" in response.json()["errors"]
    assert not Content.objects.exists()
    assert stored_files(media) == []
    assert not AuditEvent.objects.filter(action="recharge.content_created").exists()


def test_a_truncated_image_is_refused(api_client, staff, media):
    whole = image("cut.png", size=(200, 200)).read()
    api_client.force_authenticate(staff)
    response = create(api_client, image=SimpleUploadedFile("cut.png", whole[: len(whole) // 2]))
    assert response.status_code == 400
    assert stored_files(media) == []


def test_a_failed_write_removes_the_stored_file(api_client, staff, media, monkeypatch):
    from recharge.notifications.services import content as services

    def broken(**kwargs):
        raise RuntimeError("the audit trail is down")

    monkeypatch.setattr(services, "audit_record", broken)
    api_client.force_authenticate(staff)
    api_client.raise_request_exception = False
    response = create(api_client, image=image())
    assert response.status_code == 500
    assert not Content.objects.exists()
    assert stored_files(media) == []


def test_edit_replaces_the_image_and_removes_the_old_file(api_client, staff, media):
    api_client.force_authenticate(staff)
    created = create(api_client, image=image()).json()
    old_name = Content.objects.get().image.name
    editor = UserFactory(is_staff=True, is_superuser=True)
    api_client.force_authenticate(editor)
    response = api_client.put(
        f"{ADMIN}/{created['_id']}",
        {"title": "Updated", "image": image("new.jpg", fmt="JPEG")},
        format="multipart",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["title"] == "Updated"
    assert body["body"] == "How can we help?"  # left out: kept
    assert body["image_filename"] == "new.jpg"
    assert body["updated_by"] == editor.pk and body["created_by"] == staff.pk
    new_name = Content.objects.get().image.name
    assert stored_files(media) == [Path(new_name).name]
    assert not default_storage.exists(old_name)
    event = AuditEvent.objects.get(action="recharge.content_updated")
    assert event.before["title"] == "Help" and event.after["title"] == "Updated"


def test_a_refused_new_image_keeps_the_old_one(api_client, staff, media):
    api_client.force_authenticate(staff)
    created = create(api_client, image=image()).json()
    before = stored_files(media)
    response = api_client.put(
        f"{ADMIN}/{created['_id']}",
        {"title": "Changed", "image": SimpleUploadedFile("x.png", b"not an image")},
        format="multipart",
    )
    assert response.status_code == 400
    assert stored_files(media) == before
    assert Content.objects.get().title == "Help"


def test_remove_image_and_delete(api_client, staff, media):
    api_client.force_authenticate(staff)
    created = create(api_client, image=image()).json()
    response = api_client.put(
        f"{ADMIN}/{created['_id']}", {"remove_image": "true"}, format="multipart"
    )
    assert response.status_code == 200
    assert response.json()["image_url"] is None
    assert stored_files(media) == []
    second = create(api_client, image=image()).json()
    response = api_client.delete(f"{ADMIN}/{second['_id']}")
    assert response.status_code == 200 and response.json() == {}
    assert not Content.objects.filter(pk=second["_id"]).exists()
    assert stored_files(media) == []
    assert AuditEvent.objects.filter(action="recharge.content_deleted").count() == 1
    assert api_client.delete(f"{ADMIN}/{second['_id']}").status_code == 404


def test_json_without_an_image_works_too(api_client, staff):
    api_client.force_authenticate(staff)
    response = api_client.post(
        ADMIN, {"content_type": "terms", "title": "Terms", "body": "..."}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["content_type"] == "TERMS"
    assert response.json()["image_url"] is None


def test_admin_list_filters_and_pages_in_the_seed_envelope(api_client, staff):
    api_client.force_authenticate(staff)
    for n in range(12):
        create(api_client, title=f"FAQ {n}")
    create(api_client, content_type="BANNER", title="Sale", is_published="false")
    response = api_client.get(ADMIN, {"content_type": "faq", "size": 5, "page": 3})
    assert response.status_code == 200
    body = response.json()
    assert (body["total"], body["page"], body["size"], body["pages"]) == (12, 3, 5, 3)
    assert len(body["items"]) == 2
    unpublished = api_client.get(ADMIN, {"is_published": "false"}).json()
    assert [item["title"] for item in unpublished["items"]] == ["Sale"]
    assert api_client.get(ADMIN, {"search": "sale"}).json()["total"] == 1


def test_public_content_shows_only_what_is_published(api_client, staff):
    now = timezone.now()
    Content.objects.create(content_type="FAQ", title="Welcome", body="Hello")
    Content.objects.create(content_type="FAQ", title="Draft", is_published=False)
    Content.objects.create(
        content_type="BANNER", title="Later", published_from=now + timedelta(days=1)
    )
    Content.objects.create(
        content_type="BANNER", title="Over", published_until=now - timedelta(days=1)
    )
    Content.objects.create(
        content_type="BANNER",
        title="Now",
        published_from=now - timedelta(days=1),
        published_until=now + timedelta(days=1),
    )
    response = api_client.get("/api/v1/content")
    assert response.status_code == 200
    body = response.json()
    assert sorted(item["title"] for item in body["items"]) == ["Now", "Welcome"]
    assert body["total"] == 2 and body["size"] == 10
    welcome = next(item for item in body["items"] if item["title"] == "Welcome")
    assert welcome == {**welcome, "body": "Hello", "image_url": None}
    assert [
        i["title"]
        for i in api_client.get("/api/v1/content/", {"content_type": "faq"}).json()["items"]
    ] == ["Welcome"]
    # A stale token does not stand in the way of a public list.
    api_client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    assert api_client.get("/api/v1/content").status_code == 200


def test_publication_window_must_be_ordered(api_client, staff):
    api_client.force_authenticate(staff)
    now = timezone.now()
    response = create(
        api_client,
        published_from=now.isoformat(),
        published_until=(now - timedelta(hours=1)).isoformat(),
    )
    assert response.status_code == 400
    assert "published_until" in response.json()["errors"]


def test_orphaned_images_are_purged(media, settings):
    default_storage.save("content/orphan.png", io.BytesIO(b"x"))
    kept = default_storage.save("content/kept.png", io.BytesIO(b"y"))
    Content.objects.create(content_type="FAQ", title="Kept", image=kept)
    call_command("content_orphans_purge", "--older-than-minutes", "0")
    assert stored_files(media) == ["kept.png"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", ADMIN),
        ("post", ADMIN),
        ("get", f"{ADMIN}/{{pk}}"),
        ("put", f"{ADMIN}/{{pk}}"),
        ("delete", f"{ADMIN}/{{pk}}"),
    ],
)
def test_a_normal_user_gets_403_and_anonymous_401(api_client, subscriber, method, path):
    content = Content.objects.create(content_type="FAQ", title="x")
    path = path.format(pk=content.pk)
    api_client.force_authenticate(subscriber)
    assert getattr(api_client, method)(path, {}).status_code == 403
    api_client.force_authenticate(None)
    assert getattr(api_client, method)(path, {}).status_code == 401
    assert Content.objects.filter(pk=content.pk, title="x").exists()


def test_model_permissions_open_exactly_their_method(api_client):
    viewer = grant(UserFactory(is_staff=True), "view_content")
    api_client.force_authenticate(viewer)
    assert api_client.get(ADMIN).status_code == 200
    assert create(api_client).status_code == 403
    author = grant(UserFactory(is_staff=True), "add_content")
    api_client.force_authenticate(author)
    assert create(api_client).status_code == 201


def test_an_edit_with_nothing_in_it_is_refused(api_client, staff):
    api_client.force_authenticate(staff)
    content = create(api_client).json()
    response = api_client.put(f"{ADMIN}/{content['_id']}", format="multipart")
    assert response.status_code == 400
    assert "non_field_errors" in response.json()["errors"]
    assert not AuditEvent.objects.filter(action="recharge.content_updated").exists()
