"""`cli suspend`, `cli lift` and `cli suspensions`: the officers' commands (same HUITONG_* settings as the server).

Exit status: 0 done, 2 refused or failed (the message says whether anything changed)."""
from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import typer
from rich.console import Console
from rich.table import Table

from access.identity.tokens import SYSTEM_NAME
from access.policy.registry import PolicyError, load_departments
from control.propagation.watcher import announce_once, channel
from control.suspension import acts
from control.suspension.store import AlreadySuspended, Suspension, SuspensionStore, Target
from control.suspension.sync import STATE as SUSPENSIONS
from record.configured import open_record
from record.database import DATABASE_ERRORS, RecordUnavailable
from record.schema import NAME_LENGTH
from record.store import AccessRecord
from settings import Settings

MAX_REASON = 2000
T = TypeVar("T")
console = Console()
errors = Console(stderr=True)

SYSTEM = typer.Option(None, "--system", help="One calling system of the department (its tokens' 'sub').")
DEPARTMENT = typer.Option(..., "--dept", help="A department code: every system of it, or with --system that one.")
REASON = typer.Option(..., "--reason", help="Why; kept on the access record (and shown to the refused caller).")
BY = typer.Option(..., "--by", help="The officer acting; kept on the access record.")


def suspend(department: str = DEPARTMENT, system: str | None = SYSTEM, reason: str = REASON,
            by: str = BY) -> None:
    """Suspend a calling system or a whole department on every worker, until lifted (403 CALLER_SUSPENDED)."""
    _act(acts.suspend, "suspended", department, system, reason, by)


def lift(department: str = DEPARTMENT, system: str | None = SYSTEM, reason: str = REASON, by: str = BY) -> None:
    """Lift a suspension on every worker."""
    _act(acts.lift, "lifted", department, system, reason, by)


def _act(act: Callable[..., Awaitable[tuple[Suspension, int]]], done: str, department: str, system: str | None,
         reason: str, by: str) -> None:
    settings = Settings()
    departments = _departments(settings)
    target = _target(departments, department, system)
    reason, by = _text("--reason", reason, MAX_REASON), _text("--by", by, NAME_LENGTH)
    _, seq = _run(settings, departments, lambda store, log: act(store, log, target, reason, by))
    console.print(f"{target} {done} (access record entry {seq})", markup=False, highlight=False)
    _announce(settings)


def suspensions() -> None:
    """The suspensions in force."""
    settings = Settings()
    listed: list[Suspension] = _run(settings, _departments(settings), lambda store, _: store.all())
    table = Table("scope", "department", "system", "since", "by", "reason", "entry")
    for s in sorted(listed, key=lambda s: (s.target.department, s.target.system or "")):
        table.add_row(s.target.scope, s.target.department, s.target.system or "-",
                      s.since.isoformat(timespec="seconds"), s.by, s.reason, str(s.entry))
    console.print(table)


def _fail(message: str) -> typer.Exit:
    errors.print(message, style="red", markup=False, highlight=False)
    return typer.Exit(2)


def _departments(settings: Settings) -> list[str]:
    try:
        return sorted(load_departments(settings.policy_dir / "departments.csv"))
    except PolicyError as error:
        raise _fail(f"the departments cannot be read: {error}") from None


def _target(departments: list[str], department: str, system: str | None) -> Target:
    if department not in departments:
        raise _fail(f"unknown department {department!r}; known: {', '.join(departments)}")
    if system is None:
        return Target(department)
    if not SYSTEM_NAME.fullmatch(system):
        raise _fail("--system must be a system's name as its tokens give it: 1 to 128 letters, digits and . _ : @ / -")
    return Target(department, system)


def _text(option: str, value: str, limit: int) -> str:
    value = value.strip()
    if not value or len(value) > limit or not value.isprintable():
        raise _fail(f"{option} must be 1 to {limit} printable characters")
    return value


def _run(settings: Settings, departments: list[str], use: Callable[[SuspensionStore, AccessRecord], Awaitable[T]]
         ) -> T:
    async def run() -> T:
        record = await open_record(settings)
        try:
            store = SuspensionStore(record.engine)
            await store.create_table(departments)
            return await use(store, record)
        finally:
            await record.close()

    try:
        return asyncio.run(run())
    except (AlreadySuspended, acts.NotSuspended) as refused:
        raise _fail(f"{refused}; nothing changed") from None
    except RecordUnavailable as error:
        raise _fail(f"the access record cannot be written ({error}); nothing changed") from None
    except DATABASE_ERRORS as error:
        raise _fail(f"the suspension list cannot be read or written ({type(error).__name__}); "
                    "check with 'cli suspensions' and repeat the command") from None


def _announce(settings: Settings) -> None:
    """Tell every worker at once; without Redis they see it at their next read of the list."""
    bound = f"every worker applies it within {settings.suspension_poll_seconds:g} s"
    if settings.redis_url is None:
        console.print(f"no Redis configured: {bound}")
    elif asyncio.run(announce_once(settings.redis_url, channel(settings.redis_prefix, SUSPENSIONS), "changed",
                                   SUSPENSIONS)):
        console.print("announced to every worker")
    else:
        console.print(f"Redis unreachable: {bound}", markup=False, highlight=False)
