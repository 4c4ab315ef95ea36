"""``verify``: check the signed checkpoints and recompute the tree from the stored entries.

The checks run in this order and stop at the first problem, which names the entry, tree node or checkpoint:
1. every checkpoint note opens with a trusted key, matches its row, and lies within the log;
2. entries 0..size-1 are all there and none beyond; each body hashes to its stored leaf hash; only a prefix
   is pruned (a body missing after a present one is an alteration, not retention);
3. every stored node of level >= 1 is the hash of its two children, level by level up from the leaves,
   and none lies beyond the tree;
4. every checkpoint's root is the root of the stored tree at its size, and consecutive checkpoints are
   consistent (RFC 9162 consistency proofs computed from the stored nodes).
Entries altered together with every hash above them pass 2 and 3 and fail 4: the first checkpoint that
does not match then bounds the altered entries from below and above.

Everything is read in pages within one snapshot, so a live log verifies while workers append to it.
"""
from __future__ import annotations

import hmac
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from functools import partial

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import Row, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from record.checkpoints import InvalidCheckpoint, open_checkpoint
from record.database import LogDatabase, unavailable_on_database_error
from record.merkle import PerfectHash, TreeHasher, consistency_proof, root_from, verify_consistency
from record.proofs import computed_from_stored_nodes, subtree_of
from record.schema import STATE_ROW, access_log_checkpoints, access_log_entries, access_log_nodes, access_log_state

PAGE = 10_000

log_entries = access_log_entries.c
nodes = access_log_nodes.c
checkpoints = access_log_checkpoints.c


@dataclass(frozen=True)
class VerifyReport:
    ok: bool
    size: int
    checkpoints_checked: int
    entries_checked: int
    pruned: int
    first_problem: str | None


class _Problem(Exception):
    pass


async def verify_log(url: str, trusted: Mapping[str, Ed25519PublicKey], hash_algorithm: str = "sha256") -> VerifyReport:
    """Verify the access log at ``url``; checkpoints must be signed by one of the ``trusted`` keys (by key name).

    Raises RecordUnavailable if the database cannot be read."""
    hasher = TreeHasher(hash_algorithm)
    database = LogDatabase(url)
    try:
        with unavailable_on_database_error("be read"):
            async with database.engine.connect() as connection:
                if connection.dialect.name != "sqlite":  # SQLite's read transaction (WAL) is a snapshot already
                    await connection.execution_options(isolation_level="REPEATABLE READ")
                return await _Verification(connection, hasher, trusted).run()
    finally:
        await database.dispose()


class _Verification:
    def __init__(self, connection: AsyncConnection, hasher: TreeHasher,
                 trusted: Mapping[str, Ed25519PublicKey]) -> None:
        self._connection = connection
        self._hasher = hasher
        self._trusted = trusted
        self._size = 0
        self._checkpoints_checked = 0
        self._entries_checked = 0
        self._pruned = 0
        self._first_with_body: int | None = None

    async def run(self) -> VerifyReport:
        problem = None
        try:
            self._size = await self._log_size()
            await self._check_checkpoint_signatures()
            await self._check_entries()
            await self._check_tree_nodes()
            await self._check_checkpoint_roots()
        except _Problem as found:
            problem = str(found)
        return VerifyReport(problem is None, self._size, self._checkpoints_checked, self._entries_checked,
                            self._pruned, problem)

    async def _log_size(self) -> int:
        size: int | None = (await self._connection.execute(
            select(access_log_state.c.size).where(access_log_state.c.id == STATE_ROW))).scalar()
        if size is None:
            raise _Problem("the log has no state row (access_log_state)")
        return size

    async def _check_checkpoint_signatures(self) -> None:
        async for row in self._checkpoint_rows():
            try:
                signed = open_checkpoint(row.note, self._trusted)
            except InvalidCheckpoint as error:
                raise _Problem(f"checkpoint at size {row.size} does not open: {error}") from None
            if signed.size != row.size or signed.root != bytes(row.root):
                raise _Problem(f"checkpoint at size {row.size}: the stored size or root differs from its signed note")
            if row.size > self._size:
                raise _Problem(f"checkpoint at size {row.size} is beyond the log's size {self._size}: "
                               "entries were removed")
            self._checkpoints_checked += 1

    async def _check_entries(self) -> None:
        leaves = access_log_nodes.alias("leaves")
        with_leaf = access_log_entries.outerjoin(leaves, and_(leaves.c.level == 0, leaves.c.idx == log_entries.seq))
        for low in range(0, self._size, PAGE):
            high = min(low + PAGE, self._size)
            rows = await self._connection.execute(
                select(log_entries.seq, log_entries.body, leaves.c.hash).select_from(with_leaf)
                .where(log_entries.seq >= low, log_entries.seq < high).order_by(log_entries.seq))
            expected = low
            for seq, body, leaf_hash in rows:
                if seq != expected:
                    raise _Problem(f"entry {expected} is missing")
                self._check_entry(seq, body, leaf_hash)
                expected += 1
            if expected != high:
                raise _Problem(f"entry {expected} is missing")
        beyond = (await self._connection.execute(
            select(func.min(log_entries.seq)).where(or_(log_entries.seq >= self._size, log_entries.seq < 0)))).scalar()
        if beyond is not None:
            raise _Problem(f"entry {beyond} is not part of the tree (size {self._size})")

    def _check_entry(self, seq: int, body: str | None, leaf_hash: bytes | None) -> None:
        if leaf_hash is None:
            raise _Problem(f"entry {seq} has no leaf hash in the tree")
        self._entries_checked += 1
        if body is None:
            if self._first_with_body is not None:
                raise _Problem(f"entry {seq} has no body though entry {self._first_with_body} before it has one: "
                               "retention removes only the oldest bodies")
            self._pruned += 1
            return
        if self._first_with_body is None:
            self._first_with_body = seq
        if not hmac.compare_digest(self._hasher.leaf(body.encode("utf-8")), bytes(leaf_hash)):
            raise _Problem(f"entry {seq} was altered: its body does not hash to its leaf hash")

    async def _check_tree_nodes(self) -> None:
        levels = self._size.bit_length()  # levels 0..levels-1 hold nodes
        for level in range(levels):
            beyond = (await self._connection.execute(select(func.min(nodes.idx)).where(
                nodes.level == level, nodes.idx >= self._size >> level))).scalar()
            if beyond is not None:
                raise _Problem(f"tree node at level {level}, index {beyond} lies beyond the tree (size {self._size})")
        above = (await self._connection.execute(select(func.min(nodes.level)).where(nodes.level >= levels))).scalar()
        if above is not None:
            raise _Problem(f"tree node at level {above} lies above the tree (size {self._size})")
        for level in range(1, levels):
            await self._check_level(level)

    async def _check_level(self, level: int) -> None:
        """Each node of ``level`` against its children, already checked (level 0: the leaf hashes of step 2)."""
        width = self._size >> level
        for low in range(0, width, PAGE):
            high = min(low + PAGE, width)
            children = await self._nodes(level - 1, 2 * low, 2 * high)
            parents = await self._nodes(level, low, high)
            for index in range(low, high):
                covered = f"entries {index << level}-{((index + 1) << level) - 1}"
                stored = parents.get(index)
                if stored is None:
                    raise _Problem(f"tree node at level {level}, index {index} ({covered}) is missing")
                if stored != self._hasher.node(children[2 * index], children[2 * index + 1]):
                    raise _Problem(f"tree node at level {level}, index {index} ({covered}) "
                                   "does not match the hashes below it")

    async def _nodes(self, level: int, low: int, high: int) -> dict[int, bytes]:
        rows = await self._connection.execute(
            select(nodes.idx, nodes.hash).where(nodes.level == level, nodes.idx >= low, nodes.idx < high))
        return {index: bytes(hash_) for index, hash_ in rows}

    async def _check_checkpoint_roots(self) -> None:
        old_size, old_root = 0, b""
        async for row in self._checkpoint_rows():
            size, root = row.size, bytes(row.root)
            computed_root, proof = await computed_from_stored_nodes(
                self._connection, self._hasher, partial(self._root_and_proof, old_size=old_size, size=size))
            if computed_root != root:
                raise _Problem(f"checkpoint at size {size} does not match the tree of the stored entries: "
                               f"entries {old_size}-{size - 1} hold an alteration made together with its hashes")
            if old_size and not verify_consistency(self._hasher, old_size, size, old_root, root, proof):
                raise _Problem(f"checkpoints at sizes {old_size} and {size} are not consistent")
            old_size, old_root = size, root

    def _root_and_proof(self, perfect: PerfectHash, old_size: int, size: int) -> tuple[bytes, list[bytes]]:
        subtree = subtree_of(perfect, self._hasher)
        proof = consistency_proof(old_size, size, subtree) if old_size else []
        return root_from(size, subtree, self._hasher), proof

    async def _checkpoint_rows(self) -> AsyncIterator[Row[int, bytes, str]]:
        after = -1
        while True:
            page = (await self._connection.execute(
                select(checkpoints.size, checkpoints.root, checkpoints.note)
                .where(checkpoints.size > after).order_by(checkpoints.size).limit(PAGE))).all()
            for row in page:
                yield row
            if len(page) < PAGE:
                return
            after = page[-1].size
