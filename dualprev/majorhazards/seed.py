"""The GB 18218-2018 reference rows this app ships, and their loader.

Every value below was written from memory and NOT re-checked against the standard's text
(domain.md marks the α and β tables [memory]; the 表1/表2 thresholds were not re-read either),
so every row is loaded with ``is_verified=False`` and a note; an operator who checks a value
against the standard ticks "已核实" in the admin.

The loader only creates missing rows (keyed by code / name / band start) and never overwrites
or deletes: operators may correct values in the admin and a later load keeps their edits.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

NOTE = "凭记忆整理，未与标准原文核对（[memory]），使用前请核实。"

# 表2 (threshold Q of unnamed substances by category) and 表4 (β by category):
# (code, class, description, Q t, β).
CATEGORIES: list[tuple[str, str, str, str, str]] = [
    ("J1", "急性毒性", "类别1，所有暴露途径，气体", "5", "4"),
    ("J2", "急性毒性", "类别1，所有暴露途径，固体、液体", "50", "1"),
    ("J3", "急性毒性", "类别2、类别3，所有暴露途径，气体", "50", "2"),
    ("J4", "急性毒性", "类别2、类别3，吸入途径，液体（沸点≤35℃）", "50", "2"),
    ("J5", "急性毒性", "类别2，所有暴露途径，液体（除J4外）、固体", "500", "1"),
    ("W1.1", "爆炸物", "不稳定爆炸物；1.1项爆炸物", "1", "2"),
    ("W1.2", "爆炸物", "1.2、1.3、1.5、1.6项爆炸物", "10", "2"),
    ("W1.3", "爆炸物", "1.4项爆炸物", "50", "2"),
    ("W2", "易燃气体", "类别1和类别2", "10", "1.5"),
    ("W3", "气溶胶", "类别1和类别2", "150", "1"),
    ("W4", "氧化性气体", "类别1", "200", "1"),
    ("W5.1", "易燃液体", "类别1；类别2和3且工作温度高于沸点", "10", "1.5"),
    ("W5.2", "易燃液体", "类别2和3，具有引发重大事故的特殊工艺条件", "50", "1"),
    ("W5.3", "易燃液体", "不属于W5.1或W5.2的其他类别2", "1000", "1"),
    ("W5.4", "易燃液体", "不属于W5.1或W5.2的其他类别3", "5000", "1"),
    ("W6.1", "自反应物质和混合物", "A型和B型", "10", "1.5"),
    ("W6.2", "自反应物质和混合物", "C型、D型、E型", "50", "1"),
    ("W7.1", "有机过氧化物", "A型和B型", "10", "1.5"),
    ("W7.2", "有机过氧化物", "C型、D型、E型、F型", "50", "1"),
    ("W8", "自燃液体和自燃固体", "类别1", "50", "1"),
    ("W9.1", "氧化性固体和液体", "类别1", "50", "1"),
    ("W9.2", "氧化性固体和液体", "类别2、类别3", "200", "1"),
    ("W10", "易燃固体", "类别1", "200", "1"),
    ("W11", "遇水放出易燃气体的物质和混合物", "类别1和类别2", "200", "1"),
]

# 表3 (β of named toxic gases), plus the table note's values for unlisted gases: (name, CAS, β).
TOXIC_GASES: list[tuple[str, str, str]] = [
    ("一氧化碳", "630-08-0", "2"),
    ("二氧化硫", "7446-09-5", "2"),
    ("氨", "7664-41-7", "2"),
    ("环氧乙烷", "75-21-8", "2"),
    ("氯化氢", "7647-01-0", "3"),
    ("溴甲烷", "74-83-9", "3"),
    ("氯", "7782-50-5", "4"),
    ("硫化氢", "7783-06-4", "5"),
    ("氟化氢", "7664-39-3", "5"),
    ("二氧化氮", "10102-44-0", "10"),
    ("氰化氢", "74-90-8", "10"),
    ("碳酰氯", "75-44-5", "20"),
    ("磷化氢", "7803-51-2", "20"),
    ("异氰酸甲酯", "624-83-9", "20"),
    ("其他有毒气体（表3未列出）", "", "2"),
    ("其他剧毒气体（表3未列出）", "", "4"),
]

# 表1 (named chemicals): (name, alias, CAS, Q t, toxic gas of 表3 or "", category for β or "").
CHEMICALS: list[tuple[str, str, str, str, str, str]] = [
    ("氨", "液氨；氨气", "7664-41-7", "10", "氨", ""),
    ("氯", "液氯；氯气", "7782-50-5", "5", "氯", ""),
    ("硫化氢", "", "7783-06-4", "5", "硫化氢", ""),
    ("环氧乙烷", "", "75-21-8", "10", "环氧乙烷", ""),
    ("甲醛（含量>90%）", "", "50-00-0", "5", "其他有毒气体（表3未列出）", ""),
    ("一氧化碳", "", "630-08-0", "10", "一氧化碳", ""),
    ("二氧化硫", "", "7446-09-5", "20", "二氧化硫", ""),
    ("氰化氢", "", "74-90-8", "1", "氰化氢", ""),
    ("碳酰氯", "光气", "75-44-5", "0.3", "碳酰氯", ""),
    ("氢", "氢气", "1333-74-0", "5", "", "W2"),
    ("液化石油气", "", "68476-85-7", "50", "", "W2"),
    ("甲烷、天然气", "", "74-82-8；8006-14-2", "50", "", "W2"),
    ("乙炔", "电石气", "74-86-2", "1", "", "W2"),
    ("甲醇", "", "67-56-1", "500", "", "W5.3"),
    ("乙醇", "", "64-17-5", "500", "", "W5.3"),
    ("苯", "纯苯", "71-43-2", "50", "", "W5.3"),
    ("甲苯", "", "108-88-3", "500", "", "W5.3"),
    ("丙酮", "", "67-64-1", "500", "", "W5.3"),
    ("汽油（乙醇汽油、甲醇汽油）", "", "86290-81-5", "200", "", "W5.3"),
]

# The α table: (min people, max people or None, α).
ALPHA_BANDS: list[tuple[int, int | None, str]] = [
    (100, None, "2.0"),
    (50, 99, "1.5"),
    (30, 49, "1.2"),
    (1, 29, "1.0"),
    (0, 0, "0.5"),
]


def load_reference(apps: Any = None) -> None:
    """Create the missing reference rows (works with migration ``apps`` or the real models)."""
    if apps is None:
        from django.apps import apps as global_apps

        apps = global_apps
    category_model = apps.get_model("majorhazards", "HazardCategory")
    gas_model = apps.get_model("majorhazards", "ToxicGas")
    chemical_model = apps.get_model("majorhazards", "NamedChemical")
    alpha_model = apps.get_model("majorhazards", "AlphaBand")
    common = {"is_verified": False, "note": NOTE}
    for order, (code, klass, description, q, beta) in enumerate(CATEGORIES):
        category_model.objects.get_or_create(
            code=code,
            defaults={
                "hazard_class": klass,
                "description": description,
                "threshold": Decimal(q),
                "beta": Decimal(beta),
                "source": "GB 18218-2018 表2/表4",
                "sort_order": order,
                **common,
            },
        )
    for order, (name, cas, beta) in enumerate(TOXIC_GASES):
        gas_model.objects.get_or_create(
            name=name,
            defaults={
                "cas": cas,
                "beta": Decimal(beta),
                "source": "GB 18218-2018 表3",
                "sort_order": order,
                **common,
            },
        )
    for order, (name, alias, cas, q, gas, category) in enumerate(CHEMICALS):
        chemical_model.objects.get_or_create(
            name=name,
            defaults={
                "alias": alias,
                "cas": cas,
                "threshold": Decimal(q),
                "toxic_gas": gas_model.objects.filter(name=gas).first() if gas else None,
                "category": category_model.objects.filter(code=category).first()
                if category
                else None,
                "source": "GB 18218-2018 表1",
                "sort_order": order,
                **common,
            },
        )
    for order, (low, high, alpha) in enumerate(ALPHA_BANDS):
        alpha_model.objects.get_or_create(
            min_people=low,
            defaults={
                "max_people": high,
                "alpha": Decimal(alpha),
                "source": "GB 18218-2018 α取值表",
                "sort_order": order,
                **common,
            },
        )


def ensure_reference() -> None:
    """Load the rows if a transactional test flushed them."""
    from dualprev.majorhazards.models import AlphaBand

    if not AlphaBand.objects.exists():
        load_reference()
