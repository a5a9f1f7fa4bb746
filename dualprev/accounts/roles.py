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
REPORT_HAZARD = "report_hazard"  # report a hazard (every employee: 全员参与)
MANAGE_HAZARDS = "manage_hazards"  # triage, confirm and grade, issue notices, plans, cancel
ACCEPT_HAZARDS = "accept_hazards"  # accept or reject a rectification (never one's own fix)

_COMPANY = {
    VIEW,
    MANAGE_ORG,
    MANAGE_RISKS,
    CHECK,
    MANAGE_INSPECTIONS,
    COMMIT,
    REPORT_HAZARD,
    MANAGE_HAZARDS,
    ACCEPT_HAZARDS,
}
ENTERPRISE_ACTIONS: dict[str, frozenset[str]] = {
    EnterpriseRole.MAIN_LEADER: frozenset(_COMPANY),
    EnterpriseRole.DEPUTY_LEADER: frozenset(_COMPANY),
    EnterpriseRole.SAFETY_DIRECTOR: frozenset(_COMPANY),
    EnterpriseRole.SAFETY_OFFICER: frozenset(_COMPANY),
    EnterpriseRole.DEPT_HEAD: frozenset(
        {
            VIEW,
            MANAGE_RISKS,
            CHECK,
            MANAGE_INSPECTIONS,
            REPORT_HAZARD,
            MANAGE_HAZARDS,
            ACCEPT_HAZARDS,
        }
    ),
    EnterpriseRole.TEAM_LEADER: frozenset({VIEW, CHECK, REPORT_HAZARD}),
    EnterpriseRole.WORKER: frozenset({VIEW, CHECK, REPORT_HAZARD}),
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


# Roles that may accept (销号) a 重大 hazard: company level only (domain.md Spec D/F).
MAJOR_HAZARD_ACCEPTORS = frozenset(
    {EnterpriseRole.MAIN_LEADER, EnterpriseRole.DEPUTY_LEADER, EnterpriseRole.SAFETY_DIRECTOR}
)
# Roles that approve a 重大 hazard's treatment plan (主要负责人 approves; 分管负责人 by delegation).
MAJOR_PLAN_APPROVERS = frozenset({EnterpriseRole.MAIN_LEADER, EnterpriseRole.DEPUTY_LEADER})
