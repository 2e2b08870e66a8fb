"""makemessages without fuzzy matching: a guessed translation is worse than none, because the
catalogue test then names the string that needs a translator. Entries are sorted by their text and
carry no source locations, so two changes that add strings rarely touch the same lines."""

from typing import Any

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching", "--sort-output"]
    xgettext_options = [*makemessages.Command.xgettext_options, "--sort-output"]
    msguniq_options = [*makemessages.Command.msguniq_options, "--sort-output"]
    msgattrib_options = [*makemessages.Command.msgattrib_options, "--sort-output"]

    def handle(self, *args: Any, **options: Any) -> None:
        options["no_location"] = True
        super().handle(*args, **options)
