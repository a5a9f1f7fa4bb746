"""The shared cast of personas for tests (architecture.md §7), built in one place.

Two districts of Zhengzhou: 二七区 (enterprises A and B, its bureau, a street staff member, an
industry department) and 中原区 (enterprise C and its own bureau), and a read-only city user.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from typing import Any

from dualprev.accounts.choices import EnterpriseRole, RegulatorRole
from dualprev.accounts.models import AgencyMembership, Membership, User
from dualprev.orgs.choices import AgencyTier
from dualprev.orgs.models import Agency, Enterprise, Industry, OrgUnit, Post, Region, Shift
from dualprev.orgs.validators import credit_code_for

PASSWORD = "Dualprev-test-2026"
_serial = itertools.count(1)


def make_credit_code(region_code: str = "410103", serial: int | None = None) -> str:
    """A valid GB 32100 code: 9 (工商) 1 (企业), region, a 9-char org code, check char."""
    return credit_code_for(region_code, serial if serial is not None else next(_serial))


def make_user(username: str, name: str, mobile: str | None = None, **extra: Any) -> User:
    return User.objects.create_user(
        username=username, password=PASSWORD, name=name, mobile=mobile, **extra
    )


@dataclass
class EnterpriseWorld:
    enterprise: Enterprise
    company: OrgUnit
    department: OrgUnit
    team: OrgUnit
    post: Post
    shift: Shift
    users: dict[str, User] = field(default_factory=dict)
    risks: dict[str, Any] = field(default_factory=dict)


def make_enterprise_world(
    name: str, street: Region, industry: Industry, prefix: str, serial: int
) -> EnterpriseWorld:
    """An enterprise with a company → department → team tree, a post, a shift and one user
    per enterprise role (keys: owner, safety, dept, leader, worker)."""
    enterprise = Enterprise.objects.create(
        name=name,
        credit_code=make_credit_code(street.code[:6], serial),
        industry=industry,
        region=street,
    )
    company = OrgUnit.objects.create(enterprise=enterprise, name=name, level="company")
    department = OrgUnit.objects.create(
        enterprise=enterprise, name=f"{prefix}生产部", level="department", parent=company
    )
    team = OrgUnit.objects.create(
        enterprise=enterprise, name=f"{prefix}甲班组", level="team", parent=department
    )
    post = Post.objects.create(enterprise=enterprise, name=f"{prefix}操作工岗", org_unit=team)
    shift = Shift.objects.create(
        enterprise=enterprise, name="白班", start=dt.time(8), end=dt.time(20)
    )
    world = EnterpriseWorld(enterprise, company, department, team, post, shift)
    roles = {
        "owner": (EnterpriseRole.MAIN_LEADER, company),
        "safety": (EnterpriseRole.SAFETY_OFFICER, company),
        "dept": (EnterpriseRole.DEPT_HEAD, department),
        "leader": (EnterpriseRole.TEAM_LEADER, team),
        "worker": (EnterpriseRole.WORKER, team),
    }
    for key, (role, unit) in roles.items():
        user = make_user(f"{prefix.lower()}_{key}", f"{prefix}{key}")
        membership = Membership.objects.create(
            enterprise=enterprise, user=user, role=role, org_unit=unit
        )
        if key == "worker":
            membership.posts.add(post)
        world.users[key] = user
    from dualprev.risks.testing import make_risk_chain

    world.risks = make_risk_chain(enterprise, department, post, prefix)
    return world


@dataclass
class Cast:
    erqi: Region
    zhongyuan: Region
    a: EnterpriseWorld
    b: EnterpriseWorld
    c: EnterpriseWorld
    district_regulator: User
    street_staff: User
    industry_dept: User
    other_district_regulator: User
    city_readonly: User

    # Persona shortcuts used throughout the suite.
    @property
    def owner(self) -> User:
        return self.a.users["owner"]

    @property
    def safety_officer(self) -> User:
        return self.a.users["safety"]

    @property
    def team_leader(self) -> User:
        return self.a.users["leader"]

    @property
    def worker(self) -> User:
        return self.a.users["worker"]

    @property
    def outsider(self) -> User:
        """Safety officer of enterprise B (same district, other enterprise)."""
        return self.b.users["safety"]


def _staff(username: str, agency: Agency, role: str, region: Region | None = None) -> User:
    user = make_user(username, username)
    AgencyMembership.objects.create(user=user, agency=agency, role=role, region=region)
    return user


def build_cast() -> Cast:
    erqi = Region.objects.get(code="410103")
    zhongyuan = Region.objects.get(code="410102")
    city = Region.objects.get(code="410100")
    erqi_street = erqi.children.order_by("code").first()
    erqi_street_2 = erqi.children.order_by("code")[1]
    zy_street = zhongyuan.children.order_by("code").first()
    assert erqi_street and zy_street
    whp = Industry.objects.get(code="whp_production")
    dairy = Industry.objects.get(code="it_dairy")
    a = make_enterprise_world("甲化工有限公司", erqi_street, whp, "A", 901)
    b = make_enterprise_world("乙乳业有限公司", erqi_street_2, dairy, "B", 902)
    c = make_enterprise_world("丙公交有限公司", zy_street, dairy, "C", 903)
    erqi_bureau = Agency.objects.create(
        name="二七区应急管理局", tier=AgencyTier.DISTRICT, region=erqi
    )
    zy_bureau = Agency.objects.create(
        name="中原区应急管理局", tier=AgencyTier.DISTRICT, region=zhongyuan
    )
    city_bureau = Agency.objects.create(name="郑州市应急管理局", tier=AgencyTier.CITY, region=city)
    industry_user = _staff("erqi_industry", erqi_bureau, RegulatorRole.INDUSTRY_DEPT)
    industry_user.agency_membership.industries.add(dairy)
    cast = Cast(
        erqi=erqi,
        zhongyuan=zhongyuan,
        a=a,
        b=b,
        c=c,
        district_regulator=_staff(
            "erqi_supervisor", erqi_bureau, RegulatorRole.DISTRICT_SUPERVISOR
        ),
        street_staff=_staff("erqi_street", erqi_bureau, RegulatorRole.STREET_STAFF, erqi_street),
        industry_dept=industry_user,
        other_district_regulator=_staff(
            "zy_supervisor", zy_bureau, RegulatorRole.DISTRICT_SUPERVISOR
        ),
        city_readonly=_staff("city_viewer", city_bureau, RegulatorRole.CITY_READONLY),
    )
    from dualprev.core.extensions import project_modules

    for module in project_modules("testing"):
        extend = getattr(module, "extend_cast", None)
        if extend is not None:
            extend(cast)
    return cast


def ensure_seed_data() -> None:
    """Reload the rows data migrations seed, if a transactional test flushed them."""
    from dualprev.orgs.seed import load_industries, load_regions

    if not Region.objects.exists():
        load_regions(Region)
    if not Industry.objects.exists():
        load_industries(Industry)
    from dualprev.reference.models import AccidentType
    from dualprev.reference.seed import load_all

    if not AccidentType.objects.exists():
        load_all()
