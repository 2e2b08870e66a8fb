"""The national platform's template for service certificates, as the first set of columns (editable in the admin)."""

from django.db import migrations

COLUMNS = [
    ("number", "证书编号"),
    ("holder", "获证组织名称"),
    ("uscc", "统一社会信用代码"),
    ("address", "获证组织地址"),
    ("project", "认证项目"),
    ("standard", "认证依据"),
    ("scope", "认证范围"),
    ("star_level", "星级"),
    ("issued_on", "颁证日期"),
    ("expires_on", "证书到期日期"),
    ("change", "变更类型"),
    ("status", "证书状态"),
    ("status_date", "状态变更日期"),
    ("reason", "状态变更原因"),
]


def seed(apps, schema_editor):
    column = apps.get_model("audits", "ReportColumn")
    for position, (field, heading) in enumerate(COLUMNS, start=1):
        column.objects.get_or_create(position=position, defaults={"field": field, "heading": heading})


class Migration(migrations.Migration):
    dependencies = [("audits", "0012_complaints_appeals_reporting")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
