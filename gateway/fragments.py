"""A document's fragments ordered so that each comes after every fragment it spreads.

Measuring fragments in that order measures each once, whatever the number of spreads, and
without recursion along a chain of fragments (a chain can be as long as the token limit allows).
"""
from __future__ import annotations

from collections.abc import Iterator

from graphql import DocumentNode, FragmentDefinitionNode, FragmentSpreadNode, SelectionSetNode


def fragments_in_dependency_order(document: DocumentNode) -> list[FragmentDefinitionNode]:
    """Every fragment after those it spreads; a cycle is cut where it closes, unknown spreads are ignored.

    The document need not be valid yet (cycles and unknown fragments are validation errors).
    """
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    ordered: list[FragmentDefinitionNode] = []
    entered: set[str] = set()
    done: set[str] = set()
    for first in fragments:
        stack = [first]
        while stack:
            name = stack[-1]
            if name in done:
                stack.pop()
            elif name not in entered:
                entered.add(name)
                stack.extend(spread for spread in spread_names(fragments[name].selection_set)
                             if spread in fragments and spread not in entered)
            else:
                done.add(name)
                ordered.append(fragments[name])
                stack.pop()
    return ordered


def spread_names(selection_set: SelectionSetNode) -> Iterator[str]:
    """The names of the fragments spread anywhere inside `selection_set`."""
    pending = [selection_set]
    while pending:
        for selection in pending.pop().selections:
            if isinstance(selection, FragmentSpreadNode):
                yield selection.name.value
            elif selection.selection_set is not None:  # a field with a selection, or an inline fragment
                pending.append(selection.selection_set)
