"""Stored files for tests of download code, without a model that has a FileField."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import FileField
from django.db.models.fields.files import FieldFile


def stored_file(name: str, content: bytes) -> FieldFile:
    """Save `content` in the default storage and return it as a model field's file would be."""
    saved = default_storage.save(name, ContentFile(content))
    return FieldFile(instance=None, field=FileField(storage=default_storage), name=saved)
