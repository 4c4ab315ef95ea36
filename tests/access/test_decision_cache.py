"""The served decision maps: every caller a policy version can have compiled as it goes live, in one worker thread and
never on the event loop; a request's map taken ahead of the rest; roles the rules do not name share the maps."""
from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest

import access.decision_cache
from access.decision_cache import DecisionCache, combinations
from access.decisions import compile_decisions
from access.policy.store import POLICY_FILES, Policy, load_policy
from catalog import Catalog
from settings import ROOT

PURPOSES = "code,name,legal_basis\nidentity-verification,身份核验,《某法》\nemployment-service,就业服务,《某法》\n"
RULES = """p, *, *, UNCONDITIONAL, clear, 国发〔2016〕51号
p, *, identity-verification, Person.idNumber, mask
p, human-resources, employment-service, Person.phone, mask
"""
INSPECTOR = "p, role:inspector, identity-verification, Person.phone, clear\n"


def _policy(directory: Path, catalog: Catalog, rules: str = "", roles: str = "") -> Policy:
    """The demo's departments, model and assignment, two purposes (twelve callers alone), a few rules, and these
    lines added."""
    directory.mkdir(exist_ok=True)
    for name in POLICY_FILES:
        (directory / name).write_bytes((ROOT / "policy" / name).read_bytes())
    (directory / "purposes.csv").write_text(PURPOSES, encoding="utf-8")
    (directory / "rules.csv").write_text(RULES, encoding="utf-8")
    for name, lines in (("rules.csv", rules), ("roles.csv", roles)):
        with (directory / name).open("a", encoding="utf-8") as file:
            file.write(lines)
    return load_policy(directory, catalog)


@pytest.fixture()
def compiles_in(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, tuple]]:
    """Each map compiled, in order: the thread it was compiled in, and its department, roles and purpose."""
    compiled: list[tuple[str, tuple]] = []

    def compile_noting_thread(*args: object) -> object:
        compiled.append((threading.current_thread().name, args[2:5]))
        return compile_decisions(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(access.decision_cache, "compile_decisions", compile_noting_thread)
    return compiled


async def _prepared(cache: DecisionCache, policy: Policy) -> None:
    cache.prepare(policy)
    for _ in range(1000):
        if (status := cache.status())["compiled"] == status["combinations"]:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"{policy.version} not compiled within 10 s")


def test_the_callers_are_each_department_alone_and_with_each_role_set_its_systems_hold(tmp_path: Path,
                                                                                      catalog: Catalog) -> None:
    policy = _policy(tmp_path / "p", catalog, INSPECTOR, "civil-affairs,inspection-desk,inspector\n"
                                                         "civil-affairs,inspection-desk,auditor\n")
    found = combinations(policy)
    alone = {(department, (), purpose) for department in policy.departments for purpose in policy.purposes}
    assert set(found) == alone | {("civil-affairs", ("inspector",), p) for p in policy.purposes}
    assert len(found) == len(set(found)) == 14  # data-bureau's auditor and officer decide no field: no maps of theirs


async def test_every_caller_is_compiled_as_the_version_goes_live_in_the_worker_thread(
        tmp_path: Path, catalog: Catalog, compiles_in: list[tuple[str, tuple]]) -> None:
    policy = _policy(tmp_path / "p", catalog, INSPECTOR, "civil-affairs,inspection-desk,inspector\n")
    cache = DecisionCache(catalog)
    try:
        await _prepared(cache, policy)
        assert cache.status() == {"version": policy.version, "compiled": 14, "combinations": 14}
        assert len(compiles_in) == 14
        served = await cache.get(policy, "civil-affairs", ("inspector",), "identity-verification")
        assert served.decisions == compile_decisions(policy, catalog, "civil-affairs", ("inspector",),
                                                     "identity-verification").decisions
        assert served.decisions["Person.phone"].effect.value == "CLEAR"
        assert len(compiles_in) == 14  # served as compiled
        await cache.get(policy, "public-security", ("inspector",), "employment-service")  # held by no system
        assert len(compiles_in) == 15
        assert all(thread.startswith("decisions") for thread, _ in compiles_in), compiles_in
    finally:
        await cache.close()


async def test_roles_the_rules_do_not_name_share_the_departments_map(tmp_path: Path, catalog: Catalog) -> None:
    policy = _policy(tmp_path / "p", catalog)
    cache = DecisionCache(catalog)
    try:
        await _prepared(cache, policy)
        alone = await cache.get(policy, "data-bureau", (), "identity-verification")
        assert await cache.get(policy, "data-bureau", ("auditor",), "identity-verification") is alone
        claimed = tuple(f"duty-{n}" for n in range(300))
        assert await cache.get(policy, "data-bureau", claimed, "identity-verification") is alone
    finally:
        await cache.close()


async def test_a_request_s_map_is_compiled_ahead_of_the_rest(tmp_path: Path, catalog: Catalog) -> None:
    policy = _policy(tmp_path / "p", catalog)
    cache = DecisionCache(catalog)
    try:
        cache.prepare(policy)
        await asyncio.sleep(0.02)  # the first map is being compiled
        last = combinations(policy)[-1]
        await cache.get(policy, *last)
        assert cache.status()["compiled"] < 3 < cache.status()["combinations"]
    finally:
        await cache.close()


async def test_the_loop_goes_on_while_maps_are_compiled(tmp_path: Path, catalog: Catalog) -> None:
    policy = _policy(tmp_path / "p", catalog)
    cache = DecisionCache(catalog)
    try:
        cache.prepare(policy)
        ticks = 0
        while (status := cache.status())["compiled"] < status["combinations"]:
            started = asyncio.get_running_loop().time()
            await asyncio.sleep(0)
            assert asyncio.get_running_loop().time() - started < 0.2
            ticks += 1
        assert ticks > 100
    finally:
        await cache.close()


async def test_a_newer_version_takes_over_and_the_one_before_stays_served(
        tmp_path: Path, catalog: Catalog, compiles_in: list[tuple[str, tuple]]) -> None:
    old = _policy(tmp_path / "old", catalog)
    new = _policy(tmp_path / "new", catalog, INSPECTOR, "civil-affairs,inspection-desk,inspector\n")
    cache = DecisionCache(catalog)
    try:
        await _prepared(cache, old)
        asked = await cache.get(old, "civil-affairs", (), "employment-service")
        await _prepared(cache, new)
        assert cache.status() == {"version": new.version, "compiled": 14, "combinations": 14}
        compiled = len(compiles_in)
        assert await cache.get(old, "civil-affairs", (), "employment-service") is asked  # begun before the change
        assert len(compiles_in) == compiled
        assert compiles_in[12][1] == ("civil-affairs", (), "employment-service")  # asked before the change: first
    finally:
        await cache.close()


async def test_a_map_that_failed_is_logged_and_compiled_again_when_asked(
        tmp_path: Path, catalog: Catalog, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    policy = _policy(tmp_path / "p", catalog)
    faults = iter([RuntimeError("engine fault")])

    def failing_once(*args: object) -> object:
        if (fault := next(faults, None)) is not None:
            raise fault
        return compile_decisions(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(access.decision_cache, "compile_decisions", failing_once)
    cache = DecisionCache(catalog)
    try:
        cache.prepare(policy)
        for _ in range(1000):
            if cache.status()["compiled"] == 11:
                break
            await asyncio.sleep(0.01)
        assert cache.status() == {"version": policy.version, "compiled": 11, "combinations": 12}
        assert "could not be compiled" in caplog.text
        first = combinations(policy)[0]
        assert (await cache.get(policy, *first)).department == first[0]
    finally:
        await cache.close()
