"""The huitong command: every command helps in an 80-column terminal, tokens can be captured by scripts, and
`serve` says where everything it starts is."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import jwt
import pytest
import typer
from typer.main import get_command
from typer.testing import CliRunner, Result

import cli
from connectors.signing_key import signing_key
from departments.gateway_keys import load_gateway_keys
from settings import ROOT, Settings

SECRET = "a-development-secret-long-enough-for-hs256-0123456789"
HUITONG = str(Path(sys.executable).parent / "huitong")


def _command_paths(group: typer.Typer) -> list[list[str]]:
    """Every command and group, as the words that reach it."""
    paths: list[list[str]] = [[]]
    pending = [([], get_command(group))]
    while pending:
        words, command = pending.pop()
        for name, sub in getattr(command, "commands", {}).items():
            paths.append([*words, name])
            pending.append(([*words, name], sub))
    return paths


@pytest.mark.parametrize("words", _command_paths(cli.app), ids=lambda w: " ".join(w) or "huitong")
def test_every_command_has_help_that_fits_80_columns(words: list[str]) -> None:
    result = CliRunner().invoke(cli.app, [*words, "--help"], env={"COLUMNS": "80", "TERM": "dumb"})
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output
    assert max(len(line) for line in result.output.splitlines()) <= 80


def test_a_token_is_alone_on_the_last_line_with_the_claims_asked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUITONG_JWT_SECRET", SECRET)
    result = CliRunner().invoke(cli.app, ["token", "--dept", "market-regulation", "--sub", "case-system",
                                          "--ttl", "600"])
    assert result.exit_code == 0, result.output
    token = result.stdout.strip().splitlines()[-1]
    claims = jwt.decode(token, SECRET, algorithms=["HS256"], audience="huitong")
    assert (claims["sub"], claims["dept"], claims.get("roles", [])) == ("case-system", "market-regulation", [])
    assert (claims["iss"], claims["aud"]) == ("huitong-dev", "huitong")
    assert claims["exp"] - claims["iat"] == 600


def test_a_token_claims_no_roles_the_server_assigns_them(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUITONG_JWT_SECRET", SECRET)
    refused = CliRunner().invoke(cli.app, ["token", "--dept", "data-bureau", "--roles", "auditor"])
    assert refused.exit_code == 2 and "No such option" in refused.output
    helped = CliRunner().invoke(cli.app, ["token", "--help"], env={"COLUMNS": "200", "TERM": "dumb"})
    assert "roles.csv" in helped.output


def test_a_shell_captures_the_token_from_make_alone(tmp_path: Path) -> None:
    captured = subprocess.run(["make", "-s", "token", "DEPT=civil-affairs"], cwd=ROOT, capture_output=True,
                              text=True, timeout=120, check=False,
                              env={**os.environ, "HUITONG_JWT_SECRET": SECRET})
    assert captured.returncode == 0, captured.stderr
    [token] = captured.stdout.splitlines()
    assert jwt.decode(token, SECRET, algorithms=["HS256"], audience="huitong")["dept"] == "civil-affairs"


def test_serve_says_where_the_gateway_graphiql_and_each_department_are(capsys: pytest.CaptureFixture[str],
                                                                       tmp_path: Path) -> None:
    settings = Settings(jwt_secret=SECRET, state_dir=tmp_path, licence_url="http://127.0.0.1:8765", dev_mode=True)
    cli._announce(settings, "127.0.0.1", 9000)
    said = capsys.readouterr().out
    assert "http://127.0.0.1:9000/graphql" in said
    assert "http://127.0.0.1:9000/graphql?headers=" in said  # GraphiQL with a development token
    assert "http://127.0.0.1:9000/admin/policy" in said
    for url in (settings.population_url, settings.entity_url, "http://127.0.0.1:8765"):
        assert url in said
    assert "development mode" in said


def test_serve_says_production_mode_and_offers_no_development_token(capsys: pytest.CaptureFixture[str],
                                                                     tmp_path: Path) -> None:
    cli._announce(Settings(jwt_secret=SECRET, state_dir=tmp_path), "127.0.0.1", 9000)
    said = capsys.readouterr().out
    assert "production mode" in said and "development mode" not in said
    assert "?headers=" not in said


def test_make_serve_runs_in_development_mode() -> None:
    planned = subprocess.run(["make", "-n", "serve"], cwd=ROOT, capture_output=True, text=True, timeout=60,
                             check=False, env={key: value for key, value in os.environ.items()
                                               if key != "HUITONG_DEV_MODE"})
    assert planned.returncode == 0, planned.stderr
    assert "HUITONG_DEV_MODE=true" in planned.stdout and "huitong serve" in planned.stdout


def test_the_old_entry_point_says_where_the_command_went() -> None:
    old = subprocess.run([sys.executable, "-m", "cli", "--help"], cwd=ROOT, capture_output=True, text=True,
                         timeout=60, check=False)
    assert old.returncode == 0 and "'python -m cli' is now the 'huitong' command" in old.stderr


def test_the_installed_command_runs_this_checkout() -> None:
    shown = subprocess.run([HUITONG, "policy", "check"], cwd=ROOT, capture_output=True, text=True, timeout=60,
                           check=False)
    assert shown.returncode == 0, shown.stderr
    assert "no findings" in shown.stdout or "warning" in shown.stdout


def test_serve_refuses_to_start_on_a_bad_setting_saying_which(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUITONG_PURPOSE_REF_PATTERN", "[A-Z")
    monkeypatch.setattr("cli.uvicorn.run", lambda *args, **kwargs: pytest.fail("the server started"))
    result = CliRunner().invoke(cli.app, ["serve"])
    assert result.exit_code == 1
    assert "not starting" in result.output and "purpose_ref_pattern" in result.output
    assert "'[A-Z' is not a regular expression" in result.output


def test_a_token_longer_lived_than_the_server_accepts_is_not_minted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUITONG_JWT_SECRET", SECRET)
    result = CliRunner().invoke(cli.app, ["token", "--dept", "market-regulation", "--ttl", str(9 * 3600)])
    assert result.exit_code == 2 and "at most 28800 s" in result.output


def test_serve_refuses_to_start_on_a_wrong_issuers_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "issuers.yaml").write_text("issuers:\n  - {iss: x, jwks_file: none.json, departments: [nowhere]}\n")
    monkeypatch.setenv("HUITONG_ISSUERS_FILE", str(tmp_path / "issuers.yaml"))
    result = CliRunner().invoke(cli.app, ["serve"])
    assert result.exit_code == 1 and "not starting" in result.output and "issuers.yaml" in result.output


def test_department_key_prints_the_key_departments_check_the_gateway_by(tmp_path: Path) -> None:
    environment = {"HUITONG_STATE_DIR": str(tmp_path)}
    pem = CliRunner().invoke(cli.app, ["department-key"], env=environment)
    jwks = CliRunner().invoke(cli.app, ["department-key", "--jwks"], env=environment)
    assert pem.exit_code == 0 and jwks.exit_code == 0, pem.output + jwks.output

    key = signing_key(Settings(state_dir=tmp_path))
    assert pem.stdout.strip() == key.public_pem().decode().strip()
    (tmp_path / "gateway.jwks").write_text(jwks.stdout)
    trusted = load_gateway_keys(tmp_path / "gateway.jwks").key_for(key.key_id)
    assert trusted is not None and trusted.algorithm_name == key.algorithm


def test_department_key_says_why_a_configured_key_is_unusable(tmp_path: Path) -> None:
    (tmp_path / "shared-secret").write_text("not a key")
    result = CliRunner().invoke(cli.app, ["department-key"],
                                env={"HUITONG_DEPARTMENT_SIGNING_KEY": str(tmp_path / "shared-secret")})
    assert result.exit_code == 1
    assert "shared-secret: not an unencrypted PEM private key" in result.stderr


def test_serve_does_not_start_with_an_unusable_signing_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "broken.key").write_bytes(b"-----BEGIN PRIVATE KEY-----\nbroken\n-----END PRIVATE KEY-----\n")
    monkeypatch.setenv("HUITONG_DEPARTMENT_SIGNING_KEY", str(tmp_path / "broken.key"))
    monkeypatch.setattr("cli.uvicorn.run", lambda *args, **kwargs: pytest.fail("the server started"))
    monkeypatch.setattr("cli._start_embedded_licence_service", lambda *args: pytest.fail("a department started"))
    result = CliRunner().invoke(cli.app, ["serve"])
    assert result.exit_code == 1
    assert f"not starting: {tmp_path / 'broken.key'}: not an unencrypted PEM private key" in result.output


@pytest.mark.parametrize(("trusted", "believed"), [(None, []), ('["10.0.0.0/8", "192.0.2.7"]',
                                                                ["10.0.0.0/8", "192.0.2.7/32"])])
def test_serve_has_uvicorn_believe_forwarded_headers_from_the_trusted_proxies_alone(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, trusted: str | None, believed: list[str]) -> None:
    if trusted is not None:
        monkeypatch.setenv("HUITONG_TRUSTED_PROXIES", trusted)
    monkeypatch.setenv("HUITONG_JWT_SECRET", SECRET)
    monkeypatch.setenv("HUITONG_STATE_DIR", str(tmp_path))
    monkeypatch.setenv("HUITONG_LICENCE_URL", "http://127.0.0.1:9")  # no embedded service to start
    given: dict = {}
    monkeypatch.setattr("cli.uvicorn.run", lambda *args, **options: given.update(options))
    assert CliRunner().invoke(cli.app, ["serve"]).exit_code == 0
    assert given["forwarded_allow_ips"] == believed


def _serve(monkeypatch: pytest.MonkeyPatch, *arguments: str, **environment: str) -> tuple[Result, list[dict]]:
    """`huitong serve` with these settings against a given licence URL; what it would hand uvicorn, if anything."""
    started: list[dict] = []
    monkeypatch.setenv("HUITONG_JWT_SECRET", SECRET)
    monkeypatch.setenv("HUITONG_LICENCE_URL", "http://127.0.0.1:8765")
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr("cli.uvicorn.run", lambda *args, **kwargs: started.append(kwargs))
    return CliRunner().invoke(cli.app, ["serve", *arguments]), started


@pytest.mark.parametrize("switched_off", ["HUITONG_GOVERNANCE", "HUITONG_AUDIT"])
def test_serve_refuses_governance_or_the_record_off_without_the_benchmark_flag(monkeypatch: pytest.MonkeyPatch,
                                                                               switched_off: str) -> None:
    result, started = _serve(monkeypatch, **{switched_off: "false"})
    assert result.exit_code == 1 and not started
    assert "not starting" in result.output and "HUITONG_BENCHMARK_MODE=true" in result.output


@pytest.mark.parametrize("host", ["0.0.0.0", "192.0.2.7", "::", "gateway.example"])
def test_serve_refuses_the_benchmark_mode_off_loopback(monkeypatch: pytest.MonkeyPatch, host: str) -> None:
    result, started = _serve(monkeypatch, "--host", host, HUITONG_GOVERNANCE="false", HUITONG_BENCHMARK_MODE="true")
    assert result.exit_code == 1 and not started
    assert "not starting" in result.output and "loopback" in result.output


@pytest.mark.parametrize("host", ["127.0.0.1", "::1", "localhost"])
def test_serve_runs_a_benchmark_on_loopback_and_says_so(monkeypatch: pytest.MonkeyPatch, host: str) -> None:
    result, started = _serve(monkeypatch, "--host", host, HUITONG_GOVERNANCE="false", HUITONG_BENCHMARK_MODE="true")
    assert result.exit_code == 0, result.output
    assert [run["host"] for run in started] == [host]
    assert "benchmark mode" in result.output and "governance off" in result.output
