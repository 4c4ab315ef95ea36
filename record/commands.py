"""`huitong audit`: verify the access record, issue a checkpoint, trace a subject or caller, report usage, list the
policy changes and suspension acts on record, prune.

Reads the same settings as the gateway (settings.Settings): HUITONG_AUDIT_URL, HUITONG_AUDIT_HASH,
HUITONG_AUDIT_ORIGIN (also the signing key's name), HUITONG_AUDIT_RETENTION_DAYS and HUITONG_STATE_DIR (the
signing key <state>/audit-signing-key.pem, the subject key <state>/audit-subject-key). Times are ISO 8601;
one without a zone is local time. Exit status: 0 on success, 1 when verify finds a problem, 2 on an error.
"""
from __future__ import annotations

import asyncio
import base64
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Annotated, Any, TypeVar

import typer
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from rich.console import Console
from rich.table import Table

from catalog.formats import InvalidIdentifier
from record.checkpoints import (
    open_checkpoint,
    parse_verifier_key,
    verifier_key,
)
from record.configured import SIGNING_KEY_FILE, SUBJECT_KEY_FILE, checkpoint_signer, open_record, subject_key
from record.database import RecordUnavailable
from record.store import AccessRecord
from record.subjects import subject_tag
from record.verify import verify_log
from settings import Settings

T = TypeVar("T")
ProvenAccess = tuple[int, dict[str, Any], bytes, list[bytes]]  # seq, entry, leaf hash, inclusion proof
app = typer.Typer(help="The access record: verify, checkpoint, trace, usage, prune.", no_args_is_help=True)
console = Console()
errors = Console(stderr=True)


def _fail(message: str) -> typer.Exit:
    errors.print(message, style="red", markup=False, highlight=False)
    return typer.Exit(2)


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise _fail(f"not an ISO 8601 date-time: {text!r}") from None
    return moment if moment.tzinfo else moment.astimezone()


def _with_log(settings: Settings, use: Callable[[AccessRecord], Awaitable[T]]) -> T:
    async def run() -> T:
        access_record = await open_record(settings)
        try:
            return await use(access_record)
        finally:
            await access_record.close()

    try:
        return asyncio.run(run())
    except RecordUnavailable as error:
        raise _fail(str(error)) from None


@app.command()
def verify(key: Annotated[list[str] | None,
                          typer.Option("--key", help="A trusted verifier key (name+id+base64), repeatable; "
                                                     "default: the public half of this host's signing key.")] = None
           ) -> None:
    """Check every checkpoint signature and recompute the tree from the stored entries."""
    settings = Settings()
    try:
        trusted = dict(parse_verifier_key(text) for text in key) if key else _own_key(settings)
    except ValueError as error:
        raise _fail(f"bad --key: {error}") from None
    try:
        report = asyncio.run(verify_log(settings.access_log_url, trusted, settings.audit_hash))
    except RecordUnavailable as error:
        raise _fail(str(error)) from None
    table = Table(show_header=False)
    for label, value in (("log size", report.size), ("checkpoints checked", report.checkpoints_checked),
                         ("entries checked", report.entries_checked), ("of which pruned", report.pruned)):
        table.add_row(label, str(value))
    console.print(table)
    if not report.ok:
        errors.print(f"FAILED: {report.first_problem}", style="red", markup=False, highlight=False)
        raise typer.Exit(1)
    console.print("[green]OK: the access record verifies[/green]")


def _own_key(settings: Settings) -> dict[str, Ed25519PublicKey]:
    path = settings.state_dir / SIGNING_KEY_FILE
    if not path.exists():
        raise _fail(f"no signing key at {path}; give the log's verifier key with --key")
    signer = checkpoint_signer(settings)
    console.print(f"trusting {verifier_key(signer.name, signer.public_key)}")
    return {signer.name: signer.public_key}


@app.command()
def checkpoint() -> None:
    """Sign a checkpoint at the current size now (if the log grew) and print the latest signed note."""
    async def issue(access_log: AccessRecord) -> str | None:
        await access_log.checkpoint_now()
        return await access_log.latest_checkpoint()

    note = _with_log(Settings(), issue)
    if note is None:
        raise _fail("the log is empty: no checkpoint")
    console.print(note, end="", markup=False, highlight=False)


@app.command()
def subject(identifier: str = typer.Argument(..., help="A citizen ID number or a USCC.")) -> None:
    """Every access to one person or legal entity, each with its inclusion proof and the checkpoint."""
    settings = Settings()
    if not (settings.state_dir / SUBJECT_KEY_FILE).exists():
        raise _fail(f"no subject key at {settings.state_dir / SUBJECT_KEY_FILE}: run this where the gateway runs")
    try:
        tag = subject_tag(subject_key(settings), identifier)
    except InvalidIdentifier as error:
        raise _fail(f"{identifier!r} is {error.reason}") from None
    signer = checkpoint_signer(settings)

    async def trace(access_log: AccessRecord) -> tuple[list[ProvenAccess], str | None]:
        found = await access_log.entries_for_subjects([tag])
        if not found:
            return [], None
        await access_log.checkpoint_now()
        note = await access_log.latest_checkpoint()
        assert note is not None  # entries were found, so the checkpoint just issued or an earlier one covers them
        size = open_checkpoint(note, {signer.name: signer.public_key}).size
        return [(seq, entry, await access_log.leaf_hash(seq), await access_log.inclusion_proof(seq, size))
                for seq, entry in found], note

    accesses, note = _with_log(settings, trace)
    if not accesses:
        console.print("No access to this subject is on record (entries past the retention period are pruned).")
        return
    table = _entry_table("request")
    for seq, entry, _, _ in accesses:
        table.add_row(*_entry_cells(seq, entry), entry.get("requestId") or "-")
    console.print(table)
    for seq, _, leaf_hash, proof in accesses:
        console.print(f"entry {seq}: leaf hash {_b64(leaf_hash)}, inclusion proof (nearest sibling first):",
                      markup=False, highlight=False)
        for hash_ in proof:
            console.print(f"  {_b64(hash_)}", markup=False, highlight=False)
    console.print("The proofs lead to the root of this signed checkpoint:")
    console.print(note, end="", markup=False, highlight=False)


@app.command()
def caller(sub: str | None = typer.Option(None, "--sub", help="The calling system (token 'sub')."),
           dept: str | None = typer.Option(None, "--dept", help="The calling department (token 'dept')."),
           since: str = typer.Option(..., "--since"), until: str = typer.Option(..., "--until")) -> None:
    """What a calling system and/or department accessed in [since, until)."""
    if sub is None and dept is None:
        raise _fail("give --sub or --dept (or both)")
    start, end = _moment(since), _moment(until)
    found = _with_log(Settings(), lambda access_log: access_log.entries_for_caller(sub, dept, start, end))
    table = _entry_table("subjects")
    for seq, entry in found:
        table.add_row(*_entry_cells(seq, entry), str(len(entry.get("subjects") or ())))
    console.print(table)


@app.command()
def usage(since: str = typer.Option(..., "--since"), until: str = typer.Option(..., "--until")) -> None:
    """Each consumer department's use of shared data in [since, until)."""
    start, end = _moment(since), _moment(until)
    rows = _with_log(Settings(), lambda access_log: access_log.usage(start, end))
    table = Table("department", "requests", "records", "fields by share class", "by purpose", "by provider")
    for row in rows:
        table.add_row(row["department"], str(row["requests"]), str(row["records"]),
                      *(_counts(row[key]) for key in ("fieldsByShareClass", "byPurpose", "byProvider")))
    console.print(table)


def _period(since: str | None, until: str | None) -> tuple[datetime | None, datetime | None]:
    return (None if since is None else _moment(since)), (None if until is None else _moment(until))


@app.command("policy-changes")
def policy_changes(since: str | None = typer.Option(None, "--since"),
                   until: str | None = typer.Option(None, "--until"),
                   diff: bool = typer.Option(False, "--diff", help="Print each change's lines and decisions.")) -> None:
    """Each policy version that went live: when, which version it replaced, who published it and what changed."""
    start, end = _period(since, until)
    found = _with_log(Settings(), lambda access_log: access_log.entries_of_kind("policy", start, end))
    table = Table("seq", "time", "version", "previous", "published by", "via", "recorded by", "decisions changed")
    for seq, entry in found:
        decisions = (entry.get("diff") or {}).get("decisions")
        table.add_row(str(seq), entry["time"], entry["version"], entry.get("previous") or "-",
                      entry.get("publishedBy") or "-", entry.get("via") or "-", entry.get("recordedBy") or "-",
                      "-" if decisions is None else str(len(decisions)))
    console.print(table)
    for seq, entry in found if diff else ():
        console.print(f"entry {seq}: {entry.get('previous') or '(none)'} -> {entry['version']}", markup=False,
                      highlight=False)
        for name, lines in ((entry.get("diff") or {}).get("lines") or {}).items():
            console.print(f"  {name}", markup=False, highlight=False)
            for line in lines:
                console.print(f"    {line}", markup=False, highlight=False)
        for change in (entry.get("diff") or {}).get("decisions") or ():
            asker = " ".join((change["department"], *(f"role:{role}" for role in change["roles"])))
            console.print(f"  {asker} / {change['purpose']} / {change['field']}: {change['before']} -> "
                          f"{change['after']}", markup=False, highlight=False)


@app.command("suspension-acts")
def suspension_acts(since: str | None = typer.Option(None, "--since"),
                    until: str | None = typer.Option(None, "--until")) -> None:
    """Each suspension and lift of a calling system or department: when, by whom and why."""
    start, end = _period(since, until)
    found = _with_log(Settings(), lambda access_log: access_log.entries_of_kind("suspension", start, end))
    table = Table("seq", "time", "action", "scope", "department", "system", "by", "reason")
    for seq, entry in found:
        department, system = (entry["name"], "-") if entry["scope"] == "department" else \
            (entry.get("department") or "(every)", entry["name"])  # a system's acts before departments named it
        table.add_row(str(seq), entry["time"], entry["action"], entry["scope"], department, system, entry["by"],
                      entry["reason"])
    console.print(table)


@app.command("anonymous")
def anonymous(since: str | None = typer.Option(None, "--since"),
              until: str | None = typer.Option(None, "--until")) -> None:
    """Requests refused for want of a valid identity: per client address and period, how many and why."""
    start, end = _period(since, until)
    found = _with_log(Settings(), lambda access_log: access_log.entries_of_kind("anonymous", start, end))
    table = Table("seq", "address", "since", "until", "requests", "outcomes", "recorded by")
    for seq, entry in found:
        outcomes = ", ".join(f"{code} {count}" for code, count in entry["outcomes"].items())
        table.add_row(str(seq), entry["address"], entry["since"], entry["until"], str(entry["requests"]), outcomes,
                      entry["recordedBy"])
    console.print(table)


@app.command()
def prune(before: str | None = typer.Option(None, "--before", help="Prune entries logged before this time."),
          retention_days: int | None = typer.Option(None, "--retention-days", help=(
              "Prune entries older than this many days (default: HUITONG_AUDIT_RETENTION_DAYS)."))) -> None:
    """Remove the bodies and subject tags of old entries; their tree hashes stay, so the log still verifies."""
    if before is not None and retention_days is not None:
        raise _fail("give --before or --retention-days, not both")
    cut = None if before is None else _moment(before)

    async def run(access_log: AccessRecord) -> int:
        if cut is not None:
            return await access_log.prune(cut)
        if retention_days is not None:
            return await access_log.prune(datetime.now().astimezone() - timedelta(days=retention_days))
        return await access_log.prune_expired()

    console.print(f"pruned {_with_log(Settings(), run)} entries")


def _entry_table(last_column: str) -> Table:
    return Table("seq", "time", "system", "department", "purpose", "case", "status", "fields", last_column)


def _entry_cells(seq: int, entry: dict[str, Any]) -> list[str]:
    caller_claims = entry.get("caller") or {}
    fields = "\n".join(f"{f.get('field')} {f.get('decision')}" for f in entry.get("fields") or ())
    return [str(seq), entry.get("time", ""), caller_claims.get("sub") or "-", caller_claims.get("dept") or "-",
            entry.get("purpose") or "-", entry.get("purposeRef") or "-", str(entry.get("status", "-")), fields]


def _counts(counts: dict[str, int]) -> str:
    return "\n".join(f"{key}: {count}" for key, count in sorted(counts.items()))


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


if __name__ == "__main__":
    app()
