"""The default score sheet (version 1); the data lives in audits/indicators.py."""

from django.db import migrations

from audits.indicators import create_default_version


def create_default(apps, schema_editor):
    create_default_version(
        apps.get_model("audits", "ScoreSheetVersion"), apps.get_model("audits", "Indicator"), english=False
    )


class Migration(migrations.Migration):
    dependencies = [("audits", "0001_initial")]

    operations = [migrations.RunPython(create_default, migrations.RunPython.noop)]
