"""The evidence checklist as the scheme defines it (domain README §4): the business licence (item 0),
items 1–29, and the five pre-audit documents. Copies and "per product" marks exactly as the domain
table has them; admins may edit them later. Self-contained data: migrations never import app code."""

from django.db import migrations

OFFICE = ["pdf", "image", "word", "excel", "powerpoint"]
WITH_OFD = ["pdf", "ofd", "image", "word", "excel", "powerpoint"]

# (code, title_zh, title_en, copies, per_product, kind, profile_source, guidance_zh, guidance_en)
APPLICATION_ITEMS = [
    ("0", "营业执照副本复印件", "Copy of the business licence (duplicate)", 1, False, "files", "",
     "上传营业执照副本的清晰扫描件或照片，并加盖公章；电子营业执照（OFD 或 PDF）亦可。这是申请的前提条件。",
     "A clear scan or photo of the duplicate business licence, stamped with the company seal; the electronic "
     "licence (OFD or PDF) is fine too. This is a prerequisite of the application."),
    ("1", "公司简介（电子版或纸质）", "Company profile (electronic or on paper)", 1, False, "files", "",
     "介绍公司概况、主营产品、组织架构和售后服务体系，电子版或纸质版扫描件均可。",
     "An overview of the company, its main products, organisation and after-sales service system; electronic, "
     "or a scan of the printed version."),
    ("2", "销售合同（应覆盖所申请的全部产品）", "Sales contracts (covering every product applied for)", 1, True, "files", "",
     "每个申请认证的产品至少提供一份已签订的销售合同，上传时勾选合同涉及的产品；价格等商业信息可以遮盖。",
     "At least one signed sales contract for each product in the scope; tick the products the contract covers "
     "when uploading. Prices and other commercial details may be blacked out."),
    ("3", "投标文件（电子版或纸质）", "Bidding documents (electronic or on paper)", 1, False, "files", "",
     "近年参与投标的投标文件（含售后服务承诺部分），电子版或扫描件均可。",
     "A recent bid (including its after-sales service commitments), electronic or scanned."),
    ("4", "服务管理手册（打印）", "Service management manual (printed)", 1, False, "files", "",
     "公司的售后服务管理手册：打印并签字盖章后扫描上传。",
     "The company's after-sales service management manual: print, sign and stamp it, then upload the scan."),
    ("5", "公司已经取得的认证、品牌商标等证书（如三体系、商标注册等）复印件",
     "Certificates already held (e.g. ISO 9001/14001/45001, trademark registrations), copies", 2, False, "files", "",
     "公司已取得的认证证书或商标注册证等复印件共 2 份，如 ISO 9001/14001/45001 证书、商标注册证。",
     "Copies of 2 certificates the company already holds, e.g. ISO 9001/14001/45001 certificates or trademark "
     "registrations."),
    ("6", "公司所用销售产品的质检报告", "Quality inspection reports of the products sold", 1, True, "files", "",
     "每个申请产品的质量检验报告（第三方检测报告或出厂检验报告），上传时勾选对应的产品。",
     "A quality inspection report for each product in the scope (third-party test report or factory inspection "
     "report); tick the product when uploading."),
    ("7", "员工培训记录（相关法律，如质量法，消费者权益保护法等）",
     "Staff training records (relevant laws, e.g. the Product Quality Law, the Consumer Protection Law)", 1, False,
     "files", "",
     "员工参加相关法律法规培训的记录，如《产品质量法》《消费者权益保护法》培训的签到表、课件和照片。",
     "Records of staff training on the relevant laws, e.g. the Product Quality Law and the Consumer Protection "
     "Law: attendance sheets, slides, photos."),
    ("8", "员工取得的资格证书（如：电工证，焊工证，计算机证，特种作业，工程师证等）",
     "Staff qualification certificates (e.g. electrician, welder, computer, special operations, engineer)", 5, False,
     "files", "",
     "员工取得的资格证书复印件 5 份，如电工证、焊工证、计算机证、特种作业操作证、工程师证等。",
     "Copies of 5 staff qualification certificates, e.g. electrician, welder, computer, special operations or "
     "engineer certificates."),
    ("9", "设备工具的年检记录（公司内部年检即可）",
     "Yearly inspection records of equipment and tools (internal inspection is fine)", 1, False, "files", "",
     "设备、工具的年度检验记录，公司内部年检记录即可。",
     "Yearly inspection records of equipment and tools; the company's own internal inspection is enough."),
    ("10", "售后服务流程图及售后服务电话，或者售后服务承诺",
     "After-sales service flow chart and hotline, or service commitment", 1, False, "files", "",
     "售后服务流程图及售后服务电话，或公司对外发布的售后服务承诺。",
     "The after-sales service flow chart with the service hotline, or the company's published service commitment."),
    ("11", "财务预算或财务支出记录（财务部出具的为保证或提升服务质量）",
     "Budget or expense records for service quality (issued by the finance department)", 1, False, "files", "",
     "财务部出具的、为保证或提升服务质量的财务预算或支出记录。",
     "Budget or expense records issued by the finance department for maintaining or improving service quality."),
    ("12", "给客户出具的易损件价目表、或其它维修收费项目价目表",
     "Price list of wearing parts or other repair charges given to customers", 1, False, "files", "",
     "提供给客户的易损件价目表，或其他维修收费项目价目表。",
     "The price list of wearing parts, or of other repair charges, given to customers."),
    ("13", "产品交付验收单或验收报告", "Delivery acceptance forms or reports", 4, True, "files", "",
     "有客户签字或盖章的产品交付验收单或验收报告 4 份，合计应覆盖全部申请产品。",
     "4 delivery acceptance forms or reports signed or stamped by customers, together covering every product in "
     "the scope."),
    ("14", "发货单", "Delivery notes", 3, True, "files", "",
     "发货单 3–4 份，合计应覆盖全部申请产品。",
     "3 to 4 delivery notes, together covering every product in the scope."),
    ("15", "交付产品时的安装调试记录", "Installation and commissioning records at delivery", 4, False, "files", "",
     "交付产品时的安装调试记录 4 份。",
     "4 installation and commissioning records made at delivery."),
    ("16", "维修记录单", "Repair records", 4, False, "files", "",
     "维修记录单 4 份，含故障描述、处理结果和客户确认。",
     "4 repair records, with the fault, what was done and the customer's confirmation."),
    ("17", "客户巡检记录", "Customer inspection-visit records", 4, False, "files", "",
     "客户巡检记录 4 份。",
     "4 records of inspection visits to customers."),
    ("18", "客户报修记录", "Customer repair requests", 4, False, "files", "",
     "客户报修记录 4 份（电话、网络或上门报修的登记）。",
     "4 records of customers' repair requests (by phone, online or in person)."),
    ("19", "客户满意度调查表", "Customer satisfaction surveys", 4, False, "files", "",
     "客户填写的满意度调查表 4 份。",
     "4 satisfaction surveys filled in by customers."),
    ("20", "员工绩效考核记录", "Staff performance appraisal records", 5, False, "files", "",
     "员工绩效考核记录 5 份（应包括售后服务人员）。",
     "5 staff performance appraisal records (including after-sales staff)."),
    ("21", "合格供方名录", "Qualified supplier list", 1, False, "files", "",
     "合格供方名录，列明供应商名称、供应的产品及评价结果。",
     "The qualified supplier list, with the suppliers' names, what they supply and their evaluation."),
    ("22", "维修后的回访记录", "Follow-up visits after repair", 4, False, "files", "",
     "维修后的客户回访记录 4 份。",
     "4 records of follow-up calls or visits after repairs."),
    ("23", "客户投诉记录", "Customer complaint records", 4, False, "files", "",
     "客户投诉记录 4 份，含处理过程和结果。",
     "4 customer complaint records, with how each was handled and the outcome."),
    ("24", "客户培训记录", "Customer training records", 4, False, "files", "",
     "对客户进行产品使用和维护培训的记录 4 份。",
     "4 records of training given to customers on using and maintaining the products."),
    ("25", "公司网址，售后服务热线电话号码及联系人", "Company website, after-sales hotline and contact person", 0, False,
     "profile_data", "contact",
     "无需上传文件：取自企业基本信息中的公司网址、售后服务热线和联系人。",
     "Nothing to upload: taken from the website, after-sales hotline and contact person in the basic information."),
    ("26", "售后服务网点清单", "List of after-sales service outlets", 0, False, "structured_list", "outlets",
     "无需上传文件：取自企业基本信息中的售后服务网点（名称、地址、电话、自有或签约）。",
     "Nothing to upload: taken from the service outlets in the basic information (name, address, phone, own or "
     "contracted)."),
    ("27", "售后服务管理师人员名单及身份证号", "After-sales service manager roster with ID numbers", 0, False,
     "structured_list", "managers",
     "无需上传文件：取自企业基本信息中的售后服务管理师名单，人数至少为服务管理人员的 10%（第 5.1.2.2 条）。"
     "身份证号只对本企业和咨询老师完整显示。",
     "Nothing to upload: taken from the manager roster in the basic information; at least 10% of the "
     "service-management staff (clause 5.1.2.2). ID numbers are shown in full only to the enterprise and its "
     "consultant."),
    ("28", "商品附属文件（如说明书，合格证等）", "Product documents (e.g. manuals, certificates of conformity)", 1, True,
     "files", "",
     "每个申请产品的说明书、合格证等随附文件，上传时勾选对应的产品。",
     "The manual, certificate of conformity or other documents that come with each product in the scope; tick the "
     "product when uploading."),
    ("29", "公司是否具有各部门软件管理系统", "Does the company run management software in each department?", 0, False,
     "yes_no", "",
     "请回答公司各部门是否使用软件管理系统（如 ERP、CRM、售后工单系统）并简要说明；可上传系统截图作为佐证。",
     "Answer whether the company's departments use management software (e.g. ERP, CRM, a service-ticket system) "
     "and name them briefly; screenshots of the systems are welcome as evidence."),
]  # fmt: skip

PRE_AUDIT_ITEMS = [
    ("P1", "财务审计报告", "Audited financial report", 1,
     "最近一个会计年度由会计师事务所出具的财务审计报告。",
     "The audited financial report of the last financial year, issued by an accounting firm."),
    ("P2", "近3个月纳税申报表", "Tax returns of the last 3 months", 3,
     "最近 3 个月的纳税申报表，每月 1 份；从电子税务局导出的 PDF 或 OFD 均可。",
     "Tax returns of the last 3 months, one per month; PDF or OFD exported from the electronic tax bureau is fine."),
    ("P3", "缴纳税单", "Tax payment receipts", 3,
     "与上述申报对应的完税凭证或缴款回单，每月 1 份。",
     "Tax payment receipts for those returns, one per month."),
    ("P4", "企业员工社保缴纳凭证", "Employees' social-insurance payment proof", 1,
     "社保部门出具的员工社会保险缴纳证明或明细（身份证号等个人信息可以遮盖）。",
     "Proof of the employees' social-insurance payments issued by the social-security office (ID numbers and "
     "other personal data may be blacked out)."),
    ("P5", "员工体检证明", "Employees' health-check certificates", 1,
     "售后服务人员的健康体检证明。",
     "Health-check certificates of the after-sales staff."),
]  # fmt: skip


def accepted_types(code, kind):
    if kind in ("profile_data", "structured_list"):
        return []
    if kind == "yes_no":
        return ["pdf", "image"]
    if code in ("0", "P1", "P2", "P3", "P4"):
        return list(WITH_OFD)
    return list(OFFICE)


def load(apps, schema_editor):
    EvidenceItem = apps.get_model("applications", "EvidenceItem")
    for position, (code, title_zh, title_en, copies, per_product, kind, source, guide_zh, guide_en) in enumerate(
        APPLICATION_ITEMS
    ):
        EvidenceItem.objects.update_or_create(
            code=code,
            defaults={
                "phase": "application",
                "position": position,
                "title_zh": title_zh,
                "title_en": title_en,
                "guidance_zh": guide_zh,
                "guidance_en": guide_en,
                "copies_required": copies,
                "per_product": per_product,
                "accepted_types": accepted_types(code, kind),
                "kind": kind,
                "profile_source": source,
                "prerequisite": code == "0",
            },
        )
    for position, (code, title_zh, title_en, copies, guide_zh, guide_en) in enumerate(PRE_AUDIT_ITEMS, start=100):
        EvidenceItem.objects.update_or_create(
            code=code,
            defaults={
                "phase": "pre_audit",
                "position": position,
                "title_zh": title_zh,
                "title_en": title_en,
                "guidance_zh": guide_zh,
                "guidance_en": guide_en,
                "copies_required": copies,
                "per_product": False,
                "accepted_types": accepted_types(code, "files"),
                "kind": "files",
                "profile_source": "",
            },
        )


def unload(apps, schema_editor):
    codes = [row[0] for row in APPLICATION_ITEMS] + [row[0] for row in PRE_AUDIT_ITEMS]
    apps.get_model("applications", "EvidenceItem").objects.filter(code__in=codes, requirements__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("applications", "0003_evidence")]

    operations = [migrations.RunPython(load, unload)]
