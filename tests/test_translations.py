"""Simplified Chinese is complete: every string the portal shows has a translation, and the
catalogue is up to date with the code."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
SOURCES = ["certportal", "notifications", "applications", "audits", "templates", "manage.py"]


def test_every_chinese_entry_is_translated_and_not_fuzzy() -> None:
    catalogue = polib.pofile(str(CATALOGUE))
    missing = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert missing == [], f"untranslated: {missing[:20]}"
    assert fuzzy == [], f"fuzzy: {fuzzy[:20]}"


def test_catalogue_covers_every_string_in_the_code(tmp_path: Path) -> None:
    """Extract the strings from a copy of the sources; each must already be in the catalogue."""
    for name in SOURCES:
        source = ROOT / name
        target = tmp_path / name
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "migrations"))
        else:
            shutil.copy(source, target)
    (tmp_path / "locale").mkdir()
    # LOCALE_PATHS points into the copy, so the real catalogue is never touched.
    script = (
        "import sys, django; django.setup()\n"
        "from django.conf import settings\n"
        "settings.LOCALE_PATHS = [sys.argv[1]]\n"
        "from django.core.management import call_command\n"
        "call_command('makemessages', locale=['zh_Hans'], verbosity=0)\n"
    )
    env = {
        "DJANGO_SETTINGS_MODULE": "certportal.settings",
        "PATH": "/usr/bin:/bin",
        "CERTPORTAL_VAR_DIR": str(tmp_path / "var"),
    }
    subprocess.run([sys.executable, "-c", script, str(tmp_path / "locale")], cwd=tmp_path, check=True, env=env)
    extracted = {entry.msgid for entry in polib.pofile(str(tmp_path / "locale/zh_Hans/LC_MESSAGES/django.po"))}
    known = {entry.msgid for entry in polib.pofile(str(CATALOGUE)) if entry.translated()}
    missing = sorted(extracted - known)
    assert missing == [], f"strings without a Chinese translation (run `make messages`): {missing[:20]}"


def test_compiled_catalogue_is_used() -> None:
    from django.utils import translation

    with translation.override("zh-hans"):
        assert translation.gettext("Log in") == "登录"
