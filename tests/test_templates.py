"""The page templates stay readable: no line over 160 characters (djlint's max_line_length).

The plain-text e-mails (templates/emails/*.txt) are not checked yet: a line break there is part of
the message the user reads, so shortening their lines needs a change to how they are rendered."""

from pathlib import Path

from django.conf import settings

MAX_LINE_LENGTH = 160


def test_no_template_line_is_over_160_characters() -> None:
    templates = Path(settings.BASE_DIR) / "templates"
    too_long = [
        f"{path.relative_to(settings.BASE_DIR)}:{number} ({len(line)} characters)"
        for path in sorted(templates.rglob("*.html"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if len(line) > MAX_LINE_LENGTH
    ]
    assert not too_long, "template lines over 160 characters:\n" + "\n".join(too_long)
