"""The surveillance evidence set (监督审核资料): the records of the past year the enterprise shows at
each surveillance audit. Data like the initial checklist; admins may edit it. Self-contained."""

from django.db import migrations

OFFICE = ["pdf", "image", "word", "excel", "powerpoint"]

# (code, title_zh, title_en, copies, guidance_zh, guidance_en)
SURVEILLANCE_ITEMS = [
    ("S1", "维修记录单", "Repair records", 4,
     "近一年的维修记录单。", "Repair records of the past year."),
    ("S2", "客户报修记录", "Customer repair requests", 4,
     "近一年的客户报修记录。", "Customer repair requests of the past year."),
    ("S3", "客户投诉记录", "Customer complaint records", 4,
     "近一年的客户投诉记录及处理结果。", "Customer complaints of the past year and how they were handled."),
    ("S4", "客户满意度调查表", "Customer satisfaction surveys", 4,
     "近一年的客户满意度调查表。", "Customer satisfaction surveys of the past year."),
    ("S5", "维修后的回访记录", "Follow-up visits after repair", 4,
     "近一年维修后的回访记录。", "Follow-up visits after repairs of the past year."),
    ("S6", "员工培训记录", "Staff training records", 1,
     "近一年的员工培训记录。", "Staff training records of the past year."),
    ("S7", "客户巡检记录", "Customer inspection-visit records", 4,
     "近一年的客户巡检记录。", "Customer inspection visits of the past year."),
]  # fmt: skip


def load(apps, schema_editor):
    EvidenceItem = apps.get_model("applications", "EvidenceItem")
    for position, (code, title_zh, title_en, copies, guide_zh, guide_en) in enumerate(SURVEILLANCE_ITEMS, start=200):
        EvidenceItem.objects.update_or_create(
            code=code,
            defaults={
                "phase": "surveillance",
                "position": position,
                "title_zh": title_zh,
                "title_en": title_en,
                "guidance_zh": guide_zh,
                "guidance_en": guide_en,
                "copies_required": copies,
                "per_product": False,
                "accepted_types": list(OFFICE),
                "kind": "files",
                "profile_source": "",
            },
        )


def unload(apps, schema_editor):
    codes = [row[0] for row in SURVEILLANCE_ITEMS]
    apps.get_model("applications", "EvidenceItem").objects.filter(code__in=codes, requirements__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("applications", "0012_surveillance")]

    operations = [migrations.RunPython(load, unload)]
