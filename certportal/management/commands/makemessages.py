"""makemessages without fuzzy matching: a guessed translation is worse than none, because the
catalogue test then names the string that needs a translator."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]
