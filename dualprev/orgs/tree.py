"""Building the org tree in memory from flat querysets (one query per model, no N+1)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from dualprev.orgs.models import OrgUnit, Post


@dataclass
class TreeNode:
    """One org unit with its posts (the leaves) and child units, plus member counts."""

    unit: OrgUnit
    depth: int = 0
    children: list[TreeNode] = field(default_factory=list)
    posts: list[Post] = field(default_factory=list)
    direct_members: int = 0
    total_members: int = 0
    ancestors: list[OrgUnit] = field(default_factory=list, repr=False)

    @property
    def path(self) -> str:
        """ "甲化工 / 生产部 / 甲班组": the unit's name with its ancestors, top first."""
        return " / ".join(unit.name for unit in [*self.ancestors, self.unit])


def build_tree(
    units: Iterable[OrgUnit],
    *,
    posts: Iterable[Post] = (),
    member_counts: Mapping[int | None, int] | None = None,
) -> list[TreeNode]:
    """Roots of the tree, children in the units' own order. A unit whose parent is not among
    ``units`` is shown as a root rather than dropped."""
    nodes = {unit.pk: TreeNode(unit=unit) for unit in units}
    counts = member_counts or {}
    for post in posts:
        node = nodes.get(post.org_unit_id)
        if node is not None:
            node.posts.append(post)
    roots: list[TreeNode] = []
    for node in nodes.values():
        node.direct_members = counts.get(node.unit.pk, 0)
        parent = nodes.get(node.unit.parent_id) if node.unit.parent_id else None
        (parent.children if parent is not None else roots).append(node)

    def finish(node: TreeNode, depth: int, ancestors: list[OrgUnit]) -> int:
        node.depth = depth
        node.ancestors = ancestors
        node.total_members = node.direct_members + sum(
            finish(child, depth + 1, [*ancestors, node.unit]) for child in node.children
        )
        return node.total_members

    for root in roots:
        finish(root, 0, [])
    return roots


def flatten(roots: Iterable[TreeNode]) -> list[TreeNode]:
    """Depth-first, pre-order: the order a tree reads top to bottom."""
    out: list[TreeNode] = []
    stack = list(reversed(list(roots)))
    while stack:
        node = stack.pop()
        out.append(node)
        stack.extend(reversed(node.children))
    return out


def subtree_ids(roots: Iterable[TreeNode], unit_id: int) -> set[int]:
    """The id of ``unit_id`` and of every unit below it."""
    for node in flatten(roots):
        if node.unit.pk == unit_id:
            return {n.unit.pk for n in flatten([node])}
    return set()
