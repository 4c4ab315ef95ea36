"""The huitong command: serve, seed the demo departments, mint development tokens."""
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

from identity.minting import mint_token
from policy.publishing import publish
from policy.workbench.cli import app as policy_app
from ratelimits.config import RateLimitConfigError
from ratelimits.limiter import configured_limits
from server import jwt_secret
from settings import ROOT, Settings
from suspension.commands import lift, suspend, suspensions

app = typer.Typer(help="Huitong: governed GraphQL federation over the department registries.", no_args_is_help=True)
app.add_typer(policy_app, name="policy")
policy_app.command()(publish)
for command in (suspend, lift, suspensions):
    app.command()(command)
DATA_FILES = ("population.db", "entity.db", "licence.db")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _seed_embedded_data() -> None:
    data = ROOT / "data"
    if all((data / name).exists() for name in DATA_FILES):
        return
    typer.echo("Generating the demo departments' synthetic data (first start only)…")
    subprocess.run([sys.executable, "-m", "departments.seed"], cwd=ROOT, check=True)


def _start_embedded_licence_service(store_url: str) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-m", "departments.licence", "--database-url", store_url,
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
    raise typer.Exit("the embedded licence service did not start")


@app.command()
def serve(host: str = typer.Option("127.0.0.1", envvar="HOST"), port: int = typer.Option(8000, envvar="PORT"),
          workers: int = typer.Option(1, envvar="WORKERS")) -> None:
    """Serve /graphql; with no department URLs configured, on the embedded SQLite departments."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    try:
        configured_limits(Settings())
    except RateLimitConfigError as exc:
        typer.echo(f"not starting: {exc}", err=True)
        raise typer.Exit(1) from None
    embedded = "HUITONG_LICENCE_URL" not in os.environ
    licence_process = None
    if embedded:
        _seed_embedded_data()
        licence_process, url = _start_embedded_licence_service(Settings().licence_store_url)
        os.environ["HUITONG_LICENCE_URL"] = url
        typer.echo(f"Embedded licence department service: {url}")
    settings = Settings()
    if settings.dev_mode and settings.jwt_public_key is None:
        token = mint_token(jwt_secret(settings), "graphiql-dev", "civil-affairs", ttl_seconds=8 * 3600)
        headers = orjson.dumps({"Authorization": f"Bearer {token}", "X-Purpose": "social-assistance-review"})
        source = "HUITONG_JWT_SECRET" if settings.jwt_secret else settings.state_dir / "jwt-secret"
        typer.echo(f"JWT secret: {source} (mint tokens with 'make token DEPT=<department>')")
        typer.echo(f"GraphiQL (as civil-affairs, social-assistance-review): "
                   f"http://{host}:{port}/graphql?headers={quote(headers.decode())}")
    try:
        uvicorn.run("server:create_app", factory=True, host=host, port=port, workers=workers,
                    log_level="info", access_log=False)
    finally:
        if licence_process is not None:
            licence_process.terminate()
            licence_process.wait(timeout=10)


@app.command()
def token(department: str = typer.Option(..., "--dept", help="department code, e.g. civil-affairs"),
          system: str = typer.Option("dev-system", "--sub", help="the calling application system"),
          roles: str = typer.Option("", help="comma-separated roles"),
          ttl: int = typer.Option(3600, help="seconds until it expires")) -> None:
    """Mint an HS256 development token with the local (or HUITONG_JWT_SECRET) secret."""
    role_list = [role.strip() for role in roles.split(",") if role.strip()]
    typer.echo(mint_token(jwt_secret(Settings()), system, department, role_list, ttl))


def main() -> None:
    app()


if __name__ == "__main__":
    main()
