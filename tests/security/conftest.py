"""One world (two enterprises, their applications and everything around them) per test module."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.security.world import World, world_fixture


@pytest.fixture(scope="module")
def world_media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("world-media")


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any, world_media: Path) -> Iterator[World]:
    yield from world_fixture(django_db_blocker, world_media)


@pytest.fixture
def private_media(world_media: Path, settings: Any) -> Path:
    """The world's files stay where it stored them (overrides the per-test media folder)."""
    settings.MEDIA_ROOT = world_media
    return world_media
