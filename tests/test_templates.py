"""The templates stay readable: no line over 160 characters (djlint's max_line_length), the
plain-text e-mails included (their long sentences are `{% blocktranslate trimmed %}` blocks, whose
line breaks are not part of the message)."""

from pathlib import Path

from django.conf import settings

MAX_LINE_LENGTH = 160


def test_no_template_line_is_over_160_characters() -> None:
    templates = Path(settings.BASE_DIR) / "templates"
    too_long = [
        f"{path.relative_to(settings.BASE_DIR)}:{number} ({len(line)} characters)"
        for path in sorted([*templates.rglob("*.html"), *templates.rglob("*.txt"), *templates.rglob("*.ics")])
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if len(line) > MAX_LINE_LENGTH
    ]
    assert not too_long, "template lines over 160 characters:\n" + "\n".join(too_long)
