"""The `huitong` command: serving, development tokens and demo keys here; every other command from the concern it
belongs to (the policy workbench and publication, suspensions, the access record). Wiring only.

The department simulators are started by module name (`python -m departments.…`), never imported.
"""
from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import time
from urllib.parse import quote

import httpx
import orjson
import typer
import uvicorn
from pydantic import ValidationError

from access.identity.configured import jwt_secret
from access.identity.issuers import IssuersError, load_issuers
from access.identity.minting import mint_token
from access.policy.registry import PolicyError, load_departments
from connectors.signing_key import SIGNING_KEY_FILE, BadSigningKey, signing_key
from control.publication.publishing import publish
from control.ratelimits.config import RateLimitConfigError
from control.ratelimits.limiter import configured_limits
from control.suspension.commands import lift, suspend, suspensions
from control.workbench.commands import app as policy_app
from record.commands import app as audit_app
from settings import ROOT, Settings, loopback

HELP = "Huitong: governed GraphQL federation over the department registries."
app = typer.Typer(help=HELP, no_args_is_help=True, context_settings={"help_option_names": ["-h", "--help"]})
app.add_typer(policy_app, name="policy")
policy_app.command()(publish)
for command in (suspend, lift, suspensions):
    app.command()(command)
app.add_typer(audit_app, name="audit")

DATA_FILES = ("population.db", "entity.db", "licence.db")
DEVELOPMENT_PURPOSE = "social-assistance-review"
DEVELOPMENT_DEPARTMENT = "civil-affairs"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _demo_data_exists() -> bool:
    return all((ROOT / "data" / name).exists() for name in DATA_FILES)


def _seed_embedded_data() -> None:
    if _demo_data_exists():
        return
    typer.echo("Generating the demo departments' synthetic data (first start only)…")
    subprocess.run([sys.executable, "-m", "departments.seed"], cwd=ROOT, check=True)


def _start_embedded_licence_service(settings: Settings) -> tuple[subprocess.Popen[bytes], str]:
    """The licence service on a free loopback port, trusting the gateway's key (README "Department
    authentication")."""
    public_pem = signing_key(settings).public_pem()
    settings.state_dir.mkdir(parents=True, exist_ok=True)
    gateway_key = settings.state_dir / f"{SIGNING_KEY_FILE}.pub"
    gateway_key.write_bytes(public_pem)
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-m", "departments.licence", "--database-url",
                                settings.licence_store_url, "--gateway-key", str(gateway_key),
                                "--issuer", settings.department_token_issuer, "--audience", "licence",
                                "--host", "127.0.0.1", "--port", str(port)], cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                return process, url
        except httpx.HTTPError:
            time.sleep(0.2)
    process.terminate()
    typer.echo("the embedded licence service did not start", err=True)
    raise typer.Exit(1)


def _announce(settings: Settings, host: str, port: int) -> None:
    """Where everything is: the gateway, GraphiQL (with a development token), each department."""
    base = f"http://{host}:{port}"
    typer.echo(f"Gateway:            {base}/graphql  (health {base}/readyz)")
    if settings.dev_mode and settings.issuers_file is None:
        token = mint_token(jwt_secret(settings), "graphiql-dev", DEVELOPMENT_DEPARTMENT,
                           ttl_seconds=settings.max_token_lifetime, audience=settings.token_audience)
        headers = orjson.dumps({"Authorization": f"Bearer {token}", "X-Purpose": DEVELOPMENT_PURPOSE}).decode()
        typer.echo(f"GraphiQL:           {base}/graphql?headers={quote(headers)}")
        typer.echo(f"                    (as {DEVELOPMENT_DEPARTMENT}, purpose {DEVELOPMENT_PURPOSE}; "
                   "other tokens: .venv/bin/huitong token --dept <department>)")
    typer.echo(f"Policy workbench:   {base}/admin/policy")
    for name, url in settings.source_urls.items():
        typer.echo(f"Department {name + ':':<11} {url}")
    mode = "development mode (GraphiQL on; set HUITONG_DEV_MODE=false in production)" if settings.dev_mode \
        else "production mode"
    typer.echo(f"Running in {mode}.")
    if settings.benchmark_mode:
        off = ", ".join(f"{what} {'on' if on else 'off'}" for what, on in (("governance", settings.governance),
                                                                          ("access record", settings.audit)))
        typer.echo(f"Running in benchmark mode ({off}), answering loopback connections only.")


@app.command()
def serve(host: str = typer.Option("127.0.0.1", envvar="HOST"), port: int = typer.Option(8000, envvar="PORT"),
          workers: int = typer.Option(1, envvar="WORKERS")) -> None:
    """Serve /graphql; with no department URLs configured, on the embedded SQLite departments."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    try:
        settings = Settings()
        configured_limits(settings)
        signing_key(settings)
        if settings.issuers_file is not None:
            load_issuers(settings.issuers_file, load_departments(settings.policy_dir / "departments.csv"))
    except (ValidationError, RateLimitConfigError, BadSigningKey, OSError, IssuersError, PolicyError) as exc:
        typer.echo(f"not starting: {exc}", err=True)
        raise typer.Exit(1) from None
    if settings.benchmark_mode and not loopback(host):
        typer.echo(f"not starting: HUITONG_BENCHMARK_MODE=true serves only on a loopback address, not on {host!r}",
                   err=True)
        raise typer.Exit(1)
    licence_process = None
    if "HUITONG_LICENCE_URL" not in os.environ:
        _seed_embedded_data()
        licence_process, url = _start_embedded_licence_service(Settings())
        os.environ["HUITONG_LICENCE_URL"] = url
    _announce(Settings(), host, port)
    try:
        uvicorn.run("server:create_app", factory=True, host=host, port=port, workers=workers,
                    log_level="info", access_log=False, forwarded_allow_ips=Settings().forwarded_allow_ips)
    finally:
        if licence_process is not None:
            licence_process.terminate()
            licence_process.wait(timeout=10)


@app.command()
def token(department: str = typer.Option(..., "--dept", help="department code, e.g. civil-affairs"),
          system: str = typer.Option("dev-system", "--sub", help="the calling application system"),
          ttl: int = typer.Option(3600, help="seconds until it expires")) -> None:
    """Mint a development token (the development issuer: HS256, the local or HUITONG_JWT_SECRET secret; every
    claim the server requires); the token alone on the last line.

    A token carries no roles: the server gives each department's system its roles (policy/roles.csv)."""
    settings = Settings()
    if ttl > settings.max_token_lifetime:
        raise typer.BadParameter(f"at most {settings.max_token_lifetime} s (HUITONG_MAX_TOKEN_LIFETIME): the server "
                                 "refuses longer-lived tokens", param_hint="--ttl")
    typer.echo(mint_token(jwt_secret(settings), system, department, ttl_seconds=ttl, audience=settings.token_audience))


@app.command()
def keys(count: int = typer.Option(3, min=1, max=20, help="how many of each")) -> None:
    """A few ID numbers, USCCs and licence ids from the demo data, to try queries with."""
    if not _demo_data_exists():
        typer.echo("no demo data yet: 'make serve' generates it on its first start", err=True)
        raise typer.Exit(1)
    subprocess.run([sys.executable, "-m", "departments.keys", "--count", str(count)], cwd=ROOT, check=True)


@app.command("department-key")
def department_key(jwks: bool = typer.Option(False, "--jwks", help="as a JSON Web Key Set")) -> None:
    """Print the public key HTTP departments check the gateway's service tokens with (PEM, or --jwks)."""
    try:
        key = signing_key(Settings())
    except (BadSigningKey, OSError) as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    typer.echo(orjson.dumps(key.jwks()).decode() if jwks else key.public_pem().decode().rstrip())


@app.command("licence-service", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def licence_service(context: typer.Context) -> None:
    """Run the electronic-licence department's own HTTP service (the embedded simulator); options are its own."""
    raise typer.Exit(subprocess.call([sys.executable, "-m", "departments.licence", *context.args], cwd=ROOT))


def main() -> None:
    app()


if __name__ == "__main__":
    typer.echo("note: 'python -m cli' is now the 'huitong' command (.venv/bin/huitong, installed by 'make install'); "
               "this entry point goes in the next release", err=True)
    main()
