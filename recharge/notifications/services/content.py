"""Content pages (FAQ, banners, terms, help): staff write them, everyone reads the published ones.

Images are checked by Pillow before anything is stored: a real image in an
allowed format, at most `CONTENT_IMAGE_MAX_BYTES` and `CONTENT_IMAGE_MAX_SIDE`
pixels a side. The stored name is ours, with the extension of the format Pillow
found. A file is stored only once the image passed, and removed again if the row
cannot be written; a replaced or deleted image's file goes after the commit.
"""

import os
import uuid
import warnings
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from PIL import Image, UnidentifiedImageError

from accounts.models import User
from audit.services import audit_record
from recharge.notifications.models import Content

# Pillow's format name -> the extension we store it under.
ALLOWED_FORMATS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp", "GIF": "gif"}
IMAGE_FOLDER = "content"
FIELDS = (
    "content_type",
    "title",
    "body",
    "is_published",
    "published_from",
    "published_until",
    "position",
)


def max_image_bytes() -> int:
    return getattr(settings, "CONTENT_IMAGE_MAX_BYTES", 5 * 1024 * 1024)


def max_image_side() -> int:
    return getattr(settings, "CONTENT_IMAGE_MAX_SIDE", 4096)


@dataclass(frozen=True)
class CheckedImage:
    file: object
    extension: str
    width: int
    height: int
    filename: str


def _refuse(message: str):
    raise ValidationError({"image": [message]})


def image_check(upload) -> CheckedImage:
    """The upload if it is an acceptable image; otherwise a 400 naming `image`."""
    size = getattr(upload, "size", None)
    if size is None or size == 0:
        _refuse("The file is empty.")
    if size > max_image_bytes():
        _refuse(f"The image is larger than {max_image_bytes() // (1024 * 1024)} MB.")
    limit = max_image_side()
    try:
        upload.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                kind, (width, height) = image.format, image.size
                # Only the header is read so far: refuse huge images before decoding them.
                if kind in ALLOWED_FORMATS and width <= limit and height <= limit:
                    image.load()  # decodes the pixels: a damaged or truncated file fails here
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        _refuse("The file is not an image in an allowed format (PNG, JPEG, WebP, GIF).")
    except (OSError, SyntaxError, ValueError):
        _refuse("The image is damaged.")
    if kind not in ALLOWED_FORMATS:
        _refuse("The file is not an image in an allowed format (PNG, JPEG, WebP, GIF).")
    if width > limit or height > limit:
        _refuse(f"The image is larger than {limit} x {limit} pixels.")
    upload.seek(0)
    original = os.path.basename(getattr(upload, "name", "") or "")[-255:]
    return CheckedImage(upload, ALLOWED_FORMATS[kind], width, height, original)


def _store(image: CheckedImage) -> str:
    return default_storage.save(f"{IMAGE_FOLDER}/{uuid.uuid4().hex}.{image.extension}", image.file)


def _discard_later(name: str) -> None:
    if name:
        transaction.on_commit(lambda: default_storage.delete(name), robust=True)


def _snapshot(content: Content) -> dict:
    values = {field: getattr(content, field) for field in FIELDS}
    for field in ("published_from", "published_until"):
        if values[field] is not None:
            values[field] = values[field].isoformat()
    values["image"] = content.image.name or ""
    return values


def _check_window(published_from, published_until) -> None:
    if published_from and published_until and published_until <= published_from:
        raise ValidationError({"published_until": ["Must be after `published_from`."]})


def content_create(*, actor: User, data: dict, image=None) -> Content:
    checked = image_check(image) if image is not None else None
    _check_window(data.get("published_from"), data.get("published_until"))
    stored = _store(checked) if checked else ""
    try:
        with transaction.atomic():
            content = Content.objects.create(
                **{field: data[field] for field in FIELDS if field in data},
                image=stored,
                image_filename=checked.filename if checked else "",
                created_by=actor,
                updated_by=actor,
            )
            audit_record(
                action="recharge.content_created",
                actor=actor,
                target=content,
                after=_snapshot(content),
            )
    except BaseException:
        if stored:
            default_storage.delete(stored)
        raise
    return content


def content_update(
    *, actor: User, content: Content, data: dict, image=None, remove_image: bool = False
) -> Content:
    """Change the given fields; a new `image` replaces the old one, `remove_image` drops it."""
    checked = image_check(image) if image is not None else None
    stored = _store(checked) if checked else ""
    try:
        with transaction.atomic():
            content = Content.objects.select_for_update().get(pk=content.pk)
            before = _snapshot(content)
            for field in FIELDS:
                if field in data:
                    setattr(content, field, data[field])
            _check_window(content.published_from, content.published_until)
            old_image = content.image.name or ""
            if checked:
                content.image, content.image_filename = stored, checked.filename
            elif remove_image:
                content.image, content.image_filename = "", ""
            content.updated_by = actor
            content.save(
                update_fields=[*FIELDS, "image", "image_filename", "updated_by", "updated_at"]
            )
            after = _snapshot(content)
            changed = {key: value for key, value in after.items() if before[key] != value}
            audit_record(
                action="recharge.content_updated",
                actor=actor,
                target=content,
                before={key: before[key] for key in changed},
                after=changed,
            )
            if old_image and old_image != (content.image.name or ""):
                _discard_later(old_image)
    except BaseException:
        if stored:
            default_storage.delete(stored)
        raise
    return content


def content_delete(*, actor: User, content: Content) -> None:
    with transaction.atomic():
        audit_record(
            action="recharge.content_deleted",
            actor=actor,
            target=content,
            before=_snapshot(content),
        )
        image = content.image.name or ""
        content.delete()
        _discard_later(image)


def content_orphans_purge(*, older_than: timedelta = timedelta(hours=1)) -> int:
    """Delete stored images no content refers to (left by a crash between storing and commit).

    Only files older than `older_than`, so an upload whose row is being written is left alone.
    """
    try:
        _, files = default_storage.listdir(IMAGE_FOLDER)
    except FileNotFoundError:
        return 0
    names = {f"{IMAGE_FOLDER}/{name}" for name in files}
    used = set(Content.objects.filter(image__in=names).values_list("image", flat=True))
    cutoff = timezone.now() - older_than
    removed = 0
    for name in sorted(names - used):
        try:
            if default_storage.get_modified_time(name) > cutoff:
                continue
        except (NotImplementedError, FileNotFoundError):
            continue
        default_storage.delete(name)
        removed += 1
    return removed
