"""Roots and proofs computed from the tree hashes stored in the database."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncConnection

from record.merkle import (
    PerfectHash,
    SubtreeHash,
    TreeHasher,
    consistency_proof,
    inclusion_proof,
    perfect_subtree_hash,
    root_from,
)
from record.schema import access_log_checkpoints, access_log_nodes

T = TypeVar("T")


class MissingTreeNode(LookupError):
    """A tree hash that the stored tree should hold is not there; ``python -m audit verify`` says more."""


async def computed_from_stored_nodes(connection: AsyncConnection, hasher: TreeHasher,
                                     compute: Callable[[PerfectHash], T]) -> T:
    """Run ``compute`` over the stored perfect-subtree hashes, reading all it needs in one query.

    Which nodes a root, a proof or an append reads depends only on the sizes and positions involved,
    never on hash values: a dry run with placeholder hashes names them all, one query fetches them,
    and the real run reads them from memory."""
    wanted: set[tuple[int, int]] = set()
    placeholder = bytes(hasher.digest_size)

    def record(level: int, index: int) -> bytes:
        wanted.add((level, index))
        return placeholder

    compute(record)
    stored = await _read_nodes(connection, wanted)

    def perfect(level: int, index: int) -> bytes:
        try:
            return stored[level, index]
        except KeyError:
            raise MissingTreeNode(f"the stored tree has no hash at level {level}, index {index}") from None

    return compute(perfect)


def subtree_of(perfect: PerfectHash, hasher: TreeHasher) -> SubtreeHash:
    return lambda start, end: perfect_subtree_hash(start, end, perfect, hasher)


async def root_at(connection: AsyncConnection, hasher: TreeHasher, size: int) -> bytes:
    return await computed_from_stored_nodes(
        connection, hasher, lambda perfect: root_from(size, subtree_of(perfect, hasher), hasher))


async def inclusion_proof_at(connection: AsyncConnection, hasher: TreeHasher, seq: int, size: int) -> list[bytes]:
    """The audit path of entry ``seq`` in the tree of checkpointed size ``size``."""
    await _require_checkpoint(connection, size)
    if not 0 <= seq < size:
        raise ValueError(f"entry {seq} is not in the tree of size {size}")
    return await computed_from_stored_nodes(
        connection, hasher, lambda perfect: inclusion_proof(seq, size, subtree_of(perfect, hasher)))


async def consistency_proof_between(connection: AsyncConnection, hasher: TreeHasher, old_size: int,
                                    new_size: int) -> list[bytes]:
    """The proof that the checkpointed tree of ``new_size`` extends the checkpointed tree of ``old_size``."""
    if not 0 < old_size <= new_size:
        raise ValueError(f"a consistency proof needs 0 < old size <= new size, not {old_size} and {new_size}")
    await _require_checkpoint(connection, old_size)
    await _require_checkpoint(connection, new_size)
    return await computed_from_stored_nodes(
        connection, hasher, lambda perfect: consistency_proof(old_size, new_size, subtree_of(perfect, hasher)))


async def _require_checkpoint(connection: AsyncConnection, size: int) -> None:
    found = await connection.execute(
        select(access_log_checkpoints.c.size).where(access_log_checkpoints.c.size == size))
    if found.first() is None:
        raise ValueError(f"there is no checkpoint at size {size}; proofs are given only against signed checkpoints")


async def _read_nodes(connection: AsyncConnection, keys: Iterable[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
    keys = list(keys)
    if not keys:
        return {}
    nodes = access_log_nodes.c
    rows = await connection.execute(
        select(nodes.level, nodes.idx, nodes.hash).where(tuple_(nodes.level, nodes.idx).in_(keys)))
    return {(level, index): bytes(hash_) for level, index, hash_ in rows}
