"""Build the demo district: 二七区 modelled on the seed article, and 中原区 for isolation.

Idempotent: every row is found by its natural key first, so running ``dualprev demo`` twice
leaves the same data. Names carry （演示） so nobody mistakes them for real enterprises.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from dualprev.accounts.models import AgencyMembership, Membership, User
from dualprev.core.extensions import project_modules
from dualprev.demo.accounts import (
    DEMO_PASSWORD,
    ENTERPRISE_ACCOUNTS,
    OPERATOR,
    REGULATOR_ACCOUNTS,
)
from dualprev.orgs.choices import AgencyTier, BenchmarkLevel, ConstructionStatus
from dualprev.orgs.models import Agency, Enterprise, Industry, OrgUnit, Post, Region, Shift
from dualprev.orgs.validators import credit_code_for
from dualprev.risks.library import copy_library, library_for_industry

# An org tree: (name, level, [posts], [children]).
Tree = tuple[str, str, list[str], list[Any]]


@dataclass(frozen=True)
class NamedEnterprise:
    key: str
    name: str
    industry: str
    street: str  # region code
    serial: int
    benchmark: str
    benchmark_date: dt.date | None
    status: str
    tree: Tree
    shifts: list[tuple[str, str, str, str | None]]  # name, start, end, org unit name or None
    above_scale: bool = True
    major_hazard: bool = False
    whp_code: str = ""
    address: str = ""
    emergency_phone: str = ""


NAMED = [
    NamedEnterprise(
        key="whp",
        name="郑州豫安化工有限公司（演示）",
        industry="whp_production",
        street="410103102",
        serial=101,
        benchmark=BenchmarkLevel.MUNICIPAL,
        benchmark_date=dt.date(2020, 5, 20),
        status=ConstructionStatus.RUNNING,
        major_hazard=True,
        whp_code="410100123",
        address="郑州市二七区侯寨乡化工路8号",
        emergency_phone="0371-68000119",
        tree=(
            "郑州豫安化工有限公司（演示）",
            "company",
            ["总经理", "安全总监"],
            [
                ("安全环保部", "department", ["安全管理员", "环保专员"], []),
                (
                    "生产部",
                    "department",
                    ["生产调度"],
                    [
                        (
                            "合成车间",
                            "workshop",
                            ["车间工艺员"],
                            [
                                ("合成一班", "team", ["合成操作工", "DCS操作员"], []),
                                ("合成二班", "team", ["合成操作工（二班）"], []),
                            ],
                        ),
                        (
                            "储运车间",
                            "workshop",
                            [],
                            [("罐区班", "team", ["罐区巡检工", "装卸工"], [])],
                        ),
                    ],
                ),
                ("设备部", "department", ["设备工程师", "仪表工", "电工"], []),
            ],
        ),
        shifts=[
            ("早班", "08:00", "16:00", None),
            ("中班", "16:00", "00:00", None),
            ("夜班", "00:00", "08:00", None),
        ],
    ),
    NamedEnterprise(
        key="dairy",
        name="郑州花园乳业有限公司（演示）",
        industry="it_dairy",
        street="410103005",
        serial=102,
        benchmark=BenchmarkLevel.PROVINCIAL,
        benchmark_date=dt.date(2020, 3, 18),
        status=ConstructionStatus.RUNNING,
        address="郑州市二七区航海西路66号",
        emergency_phone="0371-68000120",
        tree=(
            "郑州花园乳业有限公司（演示）",
            "company",
            ["总经理"],
            [
                ("安全管理部", "department", ["安全管理员"], []),
                (
                    "生产部",
                    "department",
                    [],
                    [
                        (
                            "液态奶车间",
                            "workshop",
                            ["收奶工"],
                            [
                                ("杀菌班", "team", ["杀菌操作工"], []),
                                ("灌装班", "team", ["灌装工", "叉车司机"], []),
                            ],
                        ),
                    ],
                ),
                (
                    "设备动力部",
                    "department",
                    ["司炉工"],
                    [("制冷站", "workshop", [], [("制冷班", "team", ["制冷工（液氨）"], [])])],
                ),
            ],
        ),
        shifts=[
            ("白班", "08:00", "20:00", None),
            ("夜班", "20:00", "08:00", None),
            ("常白班", "08:30", "17:30", "安全管理部"),
        ],
    ),
    NamedEnterprise(
        key="construction",
        name="中建示范工程局郑州二七项目部（演示）",
        industry="construction",
        street="410103013",
        serial=103,
        benchmark=BenchmarkLevel.MUNICIPAL,
        benchmark_date=dt.date(2020, 6, 1),
        status=ConstructionStatus.RUNNING,
        address="郑州市二七区长江路与大学路交叉口",
        emergency_phone="0371-68000121",
        tree=(
            "中建示范工程局郑州二七项目部（演示）",
            "company",
            ["项目经理"],
            [
                ("安全部", "department", ["专职安全员"], []),
                (
                    "工程部",
                    "department",
                    ["施工员"],
                    [
                        ("钢筋班组", "team", ["钢筋工"], []),
                        ("架子工班组", "team", ["架子工"], []),
                        ("塔吊班组", "team", ["塔吊司机", "信号司索工"], []),
                        ("电工班组", "team", ["电工"], []),
                    ],
                ),
            ],
        ),
        shifts=[("白班", "07:00", "19:00", None)],
    ),
    NamedEnterprise(
        key="bus",
        name="郑州公交第三运营公司（演示）",
        industry="transport_bus",
        street="410103008",
        serial=104,
        benchmark=BenchmarkLevel.MUNICIPAL,
        benchmark_date=dt.date(2020, 6, 10),
        status=ConstructionStatus.RUNNING,
        address="郑州市二七区建中街18号",
        emergency_phone="0371-68000122",
        tree=(
            "郑州公交第三运营公司（演示）",
            "company",
            ["总经理"],
            [
                ("安全技术部", "department", ["安全员"], []),
                (
                    "运营部",
                    "department",
                    ["调度员"],
                    [
                        ("第一车队", "team", ["公交驾驶员"], []),
                        ("第二车队", "team", ["公交驾驶员（二队）"], []),
                    ],
                ),
                ("保修厂", "workshop", ["修理工", "加气站操作工"], []),
            ],
        ),
        shifts=[("早班", "05:30", "13:30", None), ("晚班", "13:30", "22:30", None)],
    ),
]

ZHONGYUAN = [
    NamedEnterprise(
        key="zy_machinery",
        name="中原精工机械制造有限公司（演示）",
        industry="it_machinery",
        street="410102001",
        serial=201,
        benchmark=BenchmarkLevel.NONE,
        benchmark_date=None,
        status=ConstructionStatus.BUILDING,
        tree=(
            "中原精工机械制造有限公司（演示）",
            "company",
            [],
            [
                ("安全部", "department", ["安全管理员"], []),
                ("机加工车间", "workshop", ["车工"], []),
            ],
        ),
        shifts=[("白班", "08:00", "17:00", None)],
    ),
    NamedEnterprise(
        key="zy_commerce",
        name="中原万家商贸有限公司（演示）",
        industry="commerce",
        street="410102004",
        serial=202,
        benchmark=BenchmarkLevel.NONE,
        benchmark_date=None,
        status=ConstructionStatus.BUILT,
        above_scale=False,
        tree=(
            "中原万家商贸有限公司（演示）",
            "company",
            [],
            [("安全部", "department", ["安全管理员"], []), ("卖场", "department", ["理货员"], [])],
        ),
        shifts=[("早班", "08:00", "15:00", None), ("晚班", "15:00", "22:00", None)],
    ),
]

TARGET_ERQI_ENTERPRISES = 60
GENERATED_PREFIXES = [
    "豫信",
    "中原",
    "嵩阳",
    "金水",
    "航海",
    "京广",
    "长江",
    "福华",
    "德化",
    "铭功",
    "淮河",
    "大学路",
    "五里堡",
    "蜜蜂张",
    "马寨",
    "侯寨",
    "樱桃沟",
    "二七塔",
    "建中",
    "解放",
]
GENERATED_KINDS = [
    ("whp_operation", "化工贸易有限公司"),
    ("whp_use", "新材料有限公司"),
    ("it_food", "食品有限公司"),
    ("it_dairy", "乳品有限公司"),
    ("it_machinery", "机械制造有限公司"),
    ("it_building_materials", "建材有限公司"),
    ("it_light", "包装制品有限公司"),
    ("it_textile", "纺织有限公司"),
    ("construction", "建设工程有限公司"),
    ("transport_road", "物流运输有限公司"),
    ("commerce", "商贸有限公司"),
]


def _time(text: str) -> dt.time:
    hour, minute = text.split(":")
    return dt.time(int(hour), int(minute))


class DemoBuilder:
    def __init__(self, stdout: Any = None) -> None:
        self.stdout = stdout
        self.units: dict[str, dict[str, OrgUnit]] = {}
        self.posts: dict[str, dict[str, Post]] = {}
        self.enterprises: dict[str, Enterprise] = {}

    def log(self, message: str) -> None:
        if self.stdout is not None:
            self.stdout.write(message)

    @transaction.atomic
    def build(self) -> dict[str, int]:
        for spec in NAMED + ZHONGYUAN:
            self.enterprises[spec.key] = self._named_enterprise(spec)
        generated = self._generated_enterprises()
        agencies = self._agencies()
        self._accounts(agencies)
        self._operator()
        registers = self._registers()
        for module in project_modules("demo"):
            extend = getattr(module, "extend_demo", None)
            if extend is not None:
                extend(self)
        erqi = Region.objects.get(code="410103")
        return {
            "library_objects": registers,
            "erqi_enterprises": Enterprise.objects.filter(
                region__path__startswith=erqi.path
            ).count(),
            "generated": generated,
            "users": User.objects.count(),
        }

    # --- enterprises ------------------------------------------------------------------------
    def _enterprise(self, spec: NamedEnterprise) -> Enterprise:
        street = Region.objects.get(code=spec.street)
        enterprise, _ = Enterprise.objects.update_or_create(
            credit_code=credit_code_for(street.code, spec.serial),
            defaults={
                "name": spec.name,
                "industry": Industry.objects.get(code=spec.industry),
                "region": street,
                "is_above_scale": spec.above_scale,
                "has_major_hazard_source": spec.major_hazard,
                "whp_company_code": spec.whp_code,
                "benchmark_level": spec.benchmark,
                "benchmark_date": spec.benchmark_date,
                "construction_status": spec.status,
                "address": spec.address,
                "emergency_phone": spec.emergency_phone,
            },
        )
        return enterprise

    def _named_enterprise(self, spec: NamedEnterprise) -> Enterprise:
        enterprise = self._enterprise(spec)
        self.units[spec.key] = {}
        self.posts[spec.key] = {}
        self._tree(spec.key, enterprise, spec.tree, parent=None)
        for name, start, end, unit_name in spec.shifts:
            Shift.objects.update_or_create(
                enterprise=enterprise,
                name=name,
                org_unit=self.units[spec.key][unit_name] if unit_name else None,
                defaults={"start": _time(start), "end": _time(end)},
            )
        self.log(f"  {enterprise.name}")
        return enterprise

    def _tree(self, key: str, enterprise: Enterprise, node: Tree, parent: OrgUnit | None) -> None:
        name, level, posts, children = node
        unit, _ = OrgUnit.objects.get_or_create(
            enterprise=enterprise,
            parent=parent,
            name=name,
            defaults={"level": level, "sort_order": len(self.units[key])},
        )
        self.units[key][name] = unit
        for post_name in posts:
            post, _ = Post.objects.get_or_create(
                enterprise=enterprise, org_unit=unit, name=post_name
            )
            self.posts[key][post_name] = post
        for child in children:
            self._tree(key, enterprise, child, unit)

    def _generated_enterprises(self) -> int:
        """Fill 二七区 up to about 60 enterprises, 1 provincial + 10 municipal benchmarks in all."""
        rng = random.Random(20200706)  # the seed article's date: same demo every time
        erqi = Region.objects.get(code="410103")
        streets = list(erqi.children.order_by("code"))
        named_in_erqi = sum(1 for spec in NAMED)
        municipal_left = 10 - sum(1 for s in NAMED if s.benchmark == BenchmarkLevel.MUNICIPAL)
        statuses = [
            ConstructionStatus.NOT_STARTED,
            ConstructionStatus.BUILDING,
            ConstructionStatus.BUILDING,
            ConstructionStatus.BUILT,
            ConstructionStatus.ACCEPTED,
            ConstructionStatus.RUNNING,
        ]
        count = TARGET_ERQI_ENTERPRISES - named_in_erqi
        for i in range(count):
            industry_code, suffix = GENERATED_KINDS[i % len(GENERATED_KINDS)]
            prefix = GENERATED_PREFIXES[i % len(GENERATED_PREFIXES)]
            street = streets[rng.randrange(len(streets))]
            is_whp = industry_code.startswith("whp")
            benchmark = BenchmarkLevel.MUNICIPAL if i < municipal_left else BenchmarkLevel.NONE
            status = (
                ConstructionStatus.RUNNING
                if is_whp or benchmark != BenchmarkLevel.NONE
                else statuses[rng.randrange(len(statuses))]
            )
            spec = NamedEnterprise(
                key=f"gen{i}",
                name=f"郑州{prefix}{suffix}（演示）",
                industry=industry_code,
                street=street.code,
                serial=1000 + i,
                benchmark=benchmark,
                benchmark_date=dt.date(2020, 6, 30) if benchmark != BenchmarkLevel.NONE else None,
                status=status,
                above_scale=rng.random() < 0.6,
                major_hazard=is_whp and rng.random() < 0.3,
                tree=(
                    f"郑州{prefix}{suffix}（演示）",
                    "company",
                    [],
                    [
                        ("安全管理部", "department", ["安全管理员"], []),
                        ("生产部", "department", ["操作工"], []),
                    ],
                ),
                shifts=[("白班", "08:00", "17:00", None)],
            )
            self.units[spec.key] = {}
            self.posts[spec.key] = {}
            enterprise = self._enterprise(spec)
            self.enterprises[spec.key] = enterprise
            self._tree(spec.key, enterprise, spec.tree, parent=None)
            Shift.objects.update_or_create(
                enterprise=enterprise,
                name="白班",
                org_unit=None,
                defaults={"start": dt.time(8), "end": dt.time(17)},
            )
        return count

    # --- regulators and people --------------------------------------------------------------
    def _agencies(self) -> dict[str, Agency]:
        rows = {
            "province": ("河南省应急管理厅", AgencyTier.PROVINCE, "410000"),
            "city": ("郑州市应急管理局", AgencyTier.CITY, "410100"),
            "erqi": ("二七区应急管理局", AgencyTier.DISTRICT, "410103"),
            "zhongyuan": ("中原区应急管理局", AgencyTier.DISTRICT, "410102"),
        }
        agencies = {}
        for key, (name, tier, code) in rows.items():
            agencies[key], _ = Agency.objects.update_or_create(
                name=name, defaults={"tier": tier, "region": Region.objects.get(code=code)}
            )
        return agencies

    def _user(self, username: str, name: str, mobile: str) -> User:
        user, created = User.objects.get_or_create(
            username=username, defaults={"name": name, "mobile": mobile}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        return user

    def _accounts(self, agencies: dict[str, Agency]) -> None:
        home_unit = {
            "main_leader": None,
            "safety_director": None,
            "safety_officer": ("安全环保部", "安全管理部", "安全部", "安全技术部"),
            "dept_head": ("合成车间", "液态奶车间", "工程部", "运营部"),
            "team_leader": ("合成一班", "灌装班", "塔吊班组", "第一车队"),
        }
        role_posts = {
            "main_leader": ("总经理", "项目经理"),
            "safety_director": ("安全总监",),
            "safety_officer": ("安全管理员", "专职安全员", "安全员"),
        }
        worker_posts = {
            "huagong_cz1": "合成操作工",
            "huagong_cz2": "罐区巡检工",
            "ruye_gy1": "灌装工",
            "ruye_zl1": "制冷工（液氨）",
            "zhongjian_tc1": "塔吊司机",
            "gongjiao_sj1": "公交驾驶员",
        }
        for username, name, mobile, role, key in ENTERPRISE_ACCOUNTS:
            user = self._user(username, name, mobile)
            enterprise = self.enterprises[key]
            units = self.units[key]
            unit = None
            candidates = home_unit.get(role)
            if candidates:
                unit = next((units[n] for n in candidates if n in units), None)
            posts: list[Post] = [
                self.posts[key][name]
                for name in role_posts.get(role, ())
                if name in self.posts[key]
            ][:1]
            if username in worker_posts:
                post = self.posts[key][worker_posts[username]]
                posts = [post]
                unit = post.org_unit
            elif posts and unit is None:
                unit = posts[0].org_unit
            if unit is None:
                unit = next(u for u in units.values() if u.parent_id is None)
            membership, _ = Membership.objects.update_or_create(
                user=user, defaults={"enterprise": enterprise, "role": role, "org_unit": unit}
            )
            if posts:
                membership.posts.set(posts)
        for username, name, mobile, role, agency_key, region_code in REGULATOR_ACCOUNTS:
            user = self._user(username, name, mobile)
            staff, _ = AgencyMembership.objects.update_or_create(
                user=user,
                defaults={
                    "agency": agencies[agency_key],
                    "role": role,
                    "region": Region.objects.get(code=region_code) if region_code else None,
                },
            )
            if role == "industry_dept":
                staff.industries.set(Industry.objects.filter(group="whp"))

    # --- risk registers ----------------------------------------------------------------------
    def _registers(self) -> int:
        """Copy the starter library of each enterprise's industry into its register, acting as
        the enterprise's demo safety officer (nobody for generated enterprises). Copying skips
        objects the register already has, so a second run adds nothing. Returns the number of
        risk objects created."""
        officers = {
            key: username
            for username, _, _, role, key in ENTERPRISE_ACCOUNTS
            if role == "safety_officer"
        }
        users = {u.username: u for u in User.objects.filter(username__in=officers.values())}
        created = 0
        for key, enterprise in self.enterprises.items():
            library = library_for_industry(enterprise.industry.code)
            if library is None:
                continue
            counts = copy_library(
                enterprise=enterprise,
                library_code=library["code"],
                acting_user=users.get(officers.get(key, "")),
            )
            created += counts["objects"]
        self.log(f"  risk registers: {created} risk objects copied from the industry libraries")
        return created

    def _operator(self) -> None:
        username, name = OPERATOR
        user, created = User.objects.get_or_create(
            username=username, defaults={"name": name, "is_staff": True, "is_superuser": True}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])


def build_demo(stdout: Any = None) -> dict[str, int]:
    return DemoBuilder(stdout).build()
