"""The dependsOn graph of Flux objects: its strongly connected parts and a cycle in each."""

from __future__ import annotations

from gitops_schema.model import ObjectId

__all__ = ["Edges", "cycle_within", "strongly_connected"]

Edges = dict[ObjectId, list[tuple[int, ObjectId]]]
"""Each object's dependsOn targets, with the index of the entry naming each."""


def _order(key: ObjectId) -> tuple[str, bool, str, str]:
    """The order cycles are looked for in: by kind, objects with a namespace first."""
    return (key.kind, not key.namespace, key.namespace, key.name)


def strongly_connected(edges: Edges) -> list[set[ObjectId]]:
    """Tarjan's strongly connected components, iteratively (no recursion limit)."""
    index: dict[ObjectId, int] = {}
    low: dict[ObjectId, int] = {}
    on_stack: set[ObjectId] = set()
    stack: list[ObjectId] = []
    components: list[set[ObjectId]] = []
    for root in sorted(edges, key=_order):
        if root in index:
            continue
        work: list[tuple[ObjectId, int]] = [(root, 0)]
        while work:
            node, position = work.pop()
            if position == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            targets = edges.get(node, [])
            if position < len(targets):
                work.append((node, position + 1))
                target = targets[position][1]
                if target not in index:
                    work.append((target, 0))
                elif target in on_stack:
                    low[node] = min(low[node], index[target])
                continue
            for _, target in targets:
                if target in on_stack:
                    low[node] = min(low[node], low[target])
            if low[node] == index[node]:
                component: set[ObjectId] = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                components.append(component)
    return components


def cycle_within(component: set[ObjectId], edges: Edges) -> list[tuple[ObjectId, int]]:
    """One cycle through the component's first node, as (node, dependsOn index) steps."""
    start = min(component, key=_order)
    if len(component) == 1 and all(t != start for _, t in edges.get(start, [])):
        return []
    parents: dict[ObjectId, tuple[ObjectId, int]] = {}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for position, target in edges.get(node, []):
            if target == start:
                steps = [(node, position)]
                while steps[0][0] != start:
                    steps.insert(0, parents[steps[0][0]])
                return steps
            if target in component and target not in parents:
                parents[target] = (node, position)
                queue.append(target)
    return []
