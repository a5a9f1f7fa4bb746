"""What each role may do: the one permission table of the product.

Actions are short verbs. Later issues add actions (for example "assess", "accept") by adding
them here; views name the action they need and never test roles directly.
"""

from __future__ import annotations

from dualprev.accounts.choices import EnterpriseRole, RegulatorRole

VIEW = "view"
MANAGE_ORG = "manage_org"  # org units, posts, shifts, people
SUPERVISE = "supervise"  # regulator-side supervision actions (later issues)
MANAGE_RISKS = "manage_risks"  # risk register: identify, assess, edit, retire, import
CHECK = "check"  # do 隐患排查 checks (every employee: 全员参与)
MANAGE_INSPECTIONS = "manage_inspections"  # check tasks, special inspections, 停用/检修, 补录
COMMIT = "commit"  # file the daily 安全风险研判与承诺

_COMPANY = {VIEW, MANAGE_ORG, MANAGE_RISKS, CHECK, MANAGE_INSPECTIONS, COMMIT}
ENTERPRISE_ACTIONS: dict[str, frozenset[str]] = {
    EnterpriseRole.MAIN_LEADER: frozenset(_COMPANY),
    EnterpriseRole.DEPUTY_LEADER: frozenset(_COMPANY),
    EnterpriseRole.SAFETY_DIRECTOR: frozenset(_COMPANY),
    EnterpriseRole.SAFETY_OFFICER: frozenset(_COMPANY),
    EnterpriseRole.DEPT_HEAD: frozenset({VIEW, MANAGE_RISKS, CHECK, MANAGE_INSPECTIONS}),
    EnterpriseRole.TEAM_LEADER: frozenset({VIEW, CHECK}),
    EnterpriseRole.WORKER: frozenset({VIEW, CHECK}),
}

REGULATOR_ACTIONS: dict[str, frozenset[str]] = {
    RegulatorRole.DISTRICT_SUPERVISOR: frozenset({VIEW, SUPERVISE}),
    RegulatorRole.STREET_STAFF: frozenset({VIEW, SUPERVISE}),
    RegulatorRole.INDUSTRY_DEPT: frozenset({VIEW}),
    RegulatorRole.CITY_READONLY: frozenset({VIEW}),
    RegulatorRole.PROVINCE_READONLY: frozenset({VIEW}),
}


def enterprise_role_can(role: str, action: str) -> bool:
    return action in ENTERPRISE_ACTIONS.get(role, frozenset())


def regulator_role_can(role: str, action: str) -> bool:
    return action in REGULATOR_ACTIONS.get(role, frozenset())
