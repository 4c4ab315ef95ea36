"""verify_log against rows changed directly in the database: it names the first thing that is wrong."""
from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from record.merkle import MemoryTree, TreeHasher
from record.store import AccessRecord
from record.verify import verify_log
from tests.record.conftest import execute, fetch, make_entry

SHA256 = TreeHasher("sha256")
ENTRIES = 10  # checkpoints at sizes 4 and 10


@pytest.fixture()
async def sealed_log(access_log: AccessRecord, log_url: str) -> str:
    """A closed log of ten entries with checkpoints at sizes 4 and 10; its URL."""
    for number in range(ENTRIES):
        await access_log.append(make_entry(number))
        if number + 1 in (4, ENTRIES):
            await access_log.checkpoint_now()
    await access_log.close()
    return log_url


async def _body(url: str, seq: int) -> str:
    return (await fetch(url, "SELECT body FROM access_log_entries WHERE seq = :seq", seq=seq))[0][0]


async def _insert_entry(url: str, seq: int, body: str) -> None:
    await execute(url, "INSERT INTO access_log_entries (seq, logged_at, caller_sub, caller_dept, body) "
                       "VALUES (:seq, CURRENT_TIMESTAMP, 'system-a', 'civil-affairs', :body)", seq=seq, body=body)


async def alter_a_body(url: str) -> None:
    await execute(url, "UPDATE access_log_entries SET body = REPLACE(body, 'request-6', 'request-X') WHERE seq = 6")


async def delete_an_entry(url: str) -> None:
    await execute(url, "DELETE FROM access_log_entries WHERE seq = 3")


async def add_an_entry_at_the_end(url: str) -> None:
    await _insert_entry(url, ENTRIES, await _body(url, 2))


async def insert_an_entry_in_the_middle(url: str) -> None:
    await execute(url, "UPDATE access_log_entries SET seq = seq + 100 WHERE seq >= 7",
                  "UPDATE access_log_entries SET seq = seq - 99 WHERE seq >= 100")
    await _insert_entry(url, 7, await _body(url, 2))


async def swap_two_bodies(url: str) -> None:
    second, fifth = await _body(url, 2), await _body(url, 5)
    await execute(url, "UPDATE access_log_entries SET body = :body WHERE seq = 2", body=fifth)
    await execute(url, "UPDATE access_log_entries SET body = :body WHERE seq = 5", body=second)


async def alter_a_tree_node(url: str) -> None:
    await execute(url, "UPDATE access_log_nodes SET hash = :forged WHERE level = 2 AND idx = 1",
                  forged=SHA256.leaf(b"forged"))


async def add_a_tree_node_beyond_the_tree(url: str) -> None:
    await execute(url, "INSERT INTO access_log_nodes (level, idx, hash) VALUES (1, 5, :forged)",
                  forged=SHA256.leaf(b"forged"))


async def forge_a_checkpoint_root(url: str) -> None:
    await execute(url, "UPDATE access_log_checkpoints SET root = :forged WHERE size = 4", forged=SHA256.leaf(b"forged"))


async def alter_a_body_and_rehash_the_tree(url: str) -> None:
    """The thorough forger: alters entry 6 and recomputes every hash above it; only the signatures catch it."""
    await alter_a_body(url)
    bodies = [body for (body,) in await fetch(url, "SELECT body FROM access_log_entries ORDER BY seq")]
    tree = MemoryTree(SHA256, [SHA256.leaf(body.encode()) for body in bodies])
    for level, index, _ in await fetch(url, "SELECT level, idx, hash FROM access_log_nodes"):
        width = 1 << level
        await execute(url, "UPDATE access_log_nodes SET hash = :rehashed WHERE level = :level AND idx = :idx",
                      rehashed=tree.subtree(index * width, (index + 1) * width), level=level, idx=index)


async def empty_a_recent_body(url: str) -> None:
    await execute(url, "UPDATE access_log_entries SET body = NULL WHERE seq = 5")


async def truncate_the_log(url: str) -> None:
    await execute(url, "DELETE FROM access_log_entries WHERE seq >= 8",
                  "DELETE FROM access_log_nodes WHERE (level = 0 AND idx >= 8) OR (level = 1 AND idx >= 4)",
                  "UPDATE access_log_state SET size = 8")


TAMPERINGS: list[tuple[Callable[[str], Awaitable[None]], str]] = [
    (alter_a_body, "entry 6 was altered"),
    (delete_an_entry, "entry 3 is missing"),
    (add_an_entry_at_the_end, "entry 10 is not part of the tree (size 10)"),
    (insert_an_entry_in_the_middle, "entry 7 was altered"),
    (swap_two_bodies, "entry 2 was altered"),
    (alter_a_tree_node, "tree node at level 2, index 1 (entries 4-7) does not match"),
    (add_a_tree_node_beyond_the_tree, "tree node at level 1, index 5 lies beyond the tree (size 10)"),
    (forge_a_checkpoint_root, "checkpoint at size 4: the stored size or root differs from its signed note"),
    (alter_a_body_and_rehash_the_tree, "checkpoint at size 10 does not match the tree of the stored entries: "
                                       "entries 4-9 hold an alteration"),
    (empty_a_recent_body, "entry 5 has no body though entry 0 before it has one"),
    (truncate_the_log, "checkpoint at size 10 is beyond the log's size 8"),
]


async def test_an_honest_log_verifies(sealed_log: str, trusted) -> None:
    report = await verify_log(sealed_log, trusted)
    assert (report.ok, report.first_problem) == (True, None)
    assert (report.size, report.checkpoints_checked, report.entries_checked, report.pruned) == (ENTRIES, 2, ENTRIES, 0)


@pytest.mark.parametrize(("tamper", "problem"), TAMPERINGS, ids=[tamper.__name__ for tamper, _ in TAMPERINGS])
async def test_tampering_is_found_and_named(sealed_log: str, trusted, tamper, problem: str) -> None:
    await tamper(sealed_log)
    report = await verify_log(sealed_log, trusted)
    assert not report.ok
    assert problem in report.first_problem


async def test_checkpoints_signed_by_another_key_do_not_verify(sealed_log: str, signer) -> None:
    report = await verify_log(sealed_log, {signer.name: Ed25519PrivateKey.generate().public_key()})
    assert not report.ok
    assert report.first_problem.startswith("checkpoint at size 4 does not open: no signature by a trusted key")
