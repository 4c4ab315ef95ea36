"""huitong audit, run as an operator would: settings from the environment, exit status for scripts."""
from __future__ import annotations

import asyncio
import base64
import datetime
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from catalog.formats import make_citizen_id
from record.checkpoints import CheckpointSigner, load_or_create_signing_key
from record.store import AccessRecord, RecordConfig
from record.subjects import subject_tag
from settings import ROOT, local_secret
from tests.record.conftest import ORIGIN, execute, make_entry

CITIZEN = make_citizen_id("110105", datetime.date(1990, 7, 1), 2)


@pytest.fixture()
def state_dir(tmp_path: Path) -> Path:
    return tmp_path / "state"


@dataclass(frozen=True)
class Logged:
    url: str
    note: str
    proofs: dict[int, list[str]]  # base64 leaf hash, then the inclusion proof


@pytest.fixture()
def logged(log_url: str, state_dir: Path) -> Logged:
    """Four entries (the citizen's are 1 and 3) and a checkpoint, signed with the key in the state directory."""
    async def build() -> Logged:
        signer = CheckpointSigner(ORIGIN, load_or_create_signing_key(state_dir / "audit-signing-key.pem"))
        tag = subject_tag(local_secret(state_dir, "audit-subject-key").encode(), CITIZEN)
        access_log = await AccessRecord.open(RecordConfig(url=log_url, origin=ORIGIN), signer)
        try:
            for number in range(4):
                await access_log.append(make_entry(number, subjects=[tag] if number % 2 else []))
            await access_log.checkpoint_now()
            proofs = {seq: [_b64(hash_) for hash_ in [await access_log.leaf_hash(seq),
                                                      *await access_log.inclusion_proof(seq, 4)]]
                      for seq in (1, 3)}
            return Logged(log_url, await access_log.latest_checkpoint(), proofs)
        finally:
            await access_log.close()

    return asyncio.run(build())


HUITONG = str(Path(sys.executable).parent / "huitong")


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def _audit(url: str, state_dir: Path, *arguments: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "HUITONG_AUDIT_URL": url, "HUITONG_STATE_DIR": str(state_dir),
                   "HUITONG_AUDIT_ORIGIN": ORIGIN, "COLUMNS": "250"}
    return subprocess.run([HUITONG, "audit", *arguments], cwd=ROOT, env=environment,
                          capture_output=True, text=True, timeout=60, check=False)


def test_verify_exits_zero_on_an_honest_log(logged: Logged, state_dir: Path) -> None:
    verified = _audit(logged.url, state_dir, "verify")
    assert verified.returncode == 0, verified.stderr
    assert "OK: the access record verifies" in verified.stdout


def test_verify_fails_naming_the_altered_entry(logged: Logged, state_dir: Path) -> None:
    asyncio.run(execute(logged.url,
                        "UPDATE access_log_entries SET body = REPLACE(body, 'CASE-2', 'CASE-9') WHERE seq = 2"))
    verified = _audit(logged.url, state_dir, "verify")
    assert verified.returncode == 1
    assert "entry 2 was altered" in verified.stderr


def test_subject_lists_each_access_with_its_proof_and_checkpoint(logged: Logged, state_dir: Path) -> None:
    traced = _audit(logged.url, state_dir, "subject", CITIZEN.lower())
    assert traced.returncode == 0, traced.stderr
    rows = [line for line in traced.stdout.splitlines() if "CASE-" in line]
    assert [row.split("│")[1].strip() for row in rows] == ["1", "3"]
    for proof in logged.proofs.values():
        assert all(hash_ in traced.stdout for hash_ in proof)
    assert traced.stdout.endswith(logged.note)


def test_subject_refuses_what_is_not_an_identifier(logged: Logged, state_dir: Path) -> None:
    traced = _audit(logged.url, state_dir, "subject", "123")
    assert traced.returncode == 2
    assert "neither a citizen ID number" in traced.stderr


def test_the_old_entry_point_says_where_the_command_went(logged: Logged, state_dir: Path) -> None:
    environment = {**os.environ, "HUITONG_AUDIT_URL": logged.url, "HUITONG_STATE_DIR": str(state_dir),
                   "HUITONG_AUDIT_ORIGIN": ORIGIN, "COLUMNS": "250"}
    old = subprocess.run([sys.executable, "-m", "audit", "verify"], cwd=ROOT, env=environment, capture_output=True,
                         text=True, timeout=60, check=False)
    assert "'python -m audit' is now 'huitong audit'" in old.stderr
    assert old.returncode == 0 and "OK: the access record verifies" in old.stdout
