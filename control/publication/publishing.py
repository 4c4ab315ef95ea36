"""`cli policy publish --dir DIR --by OFFICER`: check a policy directory and make it live on every worker of every host.

It is checked as the servers check it (against the catalog and departments of HUITONG_POLICY_DIR and
HUITONG_CATALOG_DIR); a policy that does not load is refused and nothing is published. Otherwise it is
stored in the access record's database (`policy.published`) and announced on Redis: each server takes it
at once, or within HUITONG_POLICY_RELOAD_INTERVAL if Redis is away, and the first to take it puts it on the
access record. Exit status: 0 published (or already the published version), 2 refused or failed."""
from __future__ import annotations

import asyncio
from pathlib import Path

import typer

from access.policy.registry import PolicyError, load_departments
from access.policy.store import load_policy
from catalog import load_catalog
from control.propagation.policy_sync import STATE as POLICY
from control.propagation.watcher import announce_once, channel
from control.publication.published import PolicyPublications
from record.database import DATABASE_ERRORS, LogDatabase
from settings import Settings

MAX_BY = 255
DIRECTORY = typer.Option(..., "--dir", help="The policy directory to publish.")
BY = typer.Option(..., "--by", help="The officer publishing; kept on the access record.")


def publish(directory: Path = DIRECTORY, by: str = BY) -> None:
    """Check a policy directory and publish it to every worker on every host."""
    settings = Settings()
    if settings.redis_url is None:
        raise _fail("HUITONG_REDIS_URL is not set: without Redis each server reads its own HUITONG_POLICY_DIR; "
                    "edit that directory instead")
    by = by.strip()
    if not by or len(by) > MAX_BY or not by.isprintable():
        raise _fail(f"--by must be 1 to {MAX_BY} printable characters")
    try:
        catalog = load_catalog(load_departments(settings.policy_dir / "departments.csv"), settings.catalog_dir)
        policy = load_policy(directory, catalog)
    except PolicyError as error:
        raise _fail(f"refused, nothing published: {error}") from None

    async def store() -> int:
        database = LogDatabase(settings.access_log_url)
        try:
            publications = PolicyPublications(database.engine)
            await publications.create_table()
            return await publications.publish(policy.files, policy.version, by, "publish")
        finally:
            await database.dispose()

    try:
        revision = asyncio.run(store())
    except DATABASE_ERRORS as error:
        raise _fail(f"the access record's database cannot be reached ({type(error).__name__}); "
                    "nothing published") from None
    if not revision:
        typer.echo(f"policy version {policy.version} is already the published version; nothing changed")
        return
    typer.echo(f"policy version {policy.version} published as revision {revision}")
    _announce(settings, revision)


def _announce(settings: Settings, revision: int) -> None:
    """Tell every worker at once; without Redis they read it at their next poll."""
    if asyncio.run(announce_once(settings.redis_url, channel(settings.redis_prefix, POLICY), str(revision), POLICY)):
        typer.echo("announced to every worker")
    else:
        typer.echo(f"Redis unreachable: every server takes it within {settings.policy_reload_interval:g} s")


def _fail(message: str) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(2)
