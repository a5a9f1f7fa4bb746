"""Role-aware navigation. Apps register their menu entries here; the base template renders
the entries the current actor may use."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise

from dualprev.core.tenancy import Actor


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    audience: str  # "enterprise", "regulator", "member" or "user"
    action: str = "view"
    icon: str = ""
    order: int = 50  # position in the menu: home pages 10, domain pages 20-80, reference 90

    def allowed(self, actor: Actor) -> bool:
        kind_ok = {
            "user": actor.kind != "anonymous",
            "enterprise": actor.is_enterprise,
            "regulator": actor.is_regulator,
            "member": actor.is_enterprise or actor.is_regulator,
        }[self.audience]
        return kind_ok and (self.audience == "user" or actor.can(self.action))


NAV_ITEMS: list[NavItem] = []


def register(*items: NavItem) -> None:
    for item in items:
        if item not in NAV_ITEMS:
            NAV_ITEMS.append(item)


def items_for(actor: Actor) -> list[NavItem]:
    return sorted((item for item in NAV_ITEMS if item.allowed(actor)), key=lambda i: i.order)
