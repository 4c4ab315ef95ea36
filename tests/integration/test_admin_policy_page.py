"""The security officers' page at /admin/policy: its JSON endpoints open only to the systems assigned the role
`security-officer` (a token's claim to it opens nothing),
and, in a real headless Chromium, only the sign-in until a token is accepted, then the matrix, a cell's explanation
and the live-versus-disk diff."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from access.decisions import compile_decisions
from access.identity.minting import mint_token
from control.suspension.store import Suspension, Target
from control.workbench.matrix import cell_text
from tests.control.workbench.support import copy_policy, line_of
from tests.support.gateway import JWT_SECRET, Gateway, start_gateway

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SCREENSHOT = Path(__file__).parents[2] / "test-artifacts" / "admin-policy.png"
COLOURS = {"CLEAR": "rgb(183, 228, 199)", "MASK": "rgb(255, 224, 102)", "DENY": "rgb(244, 163, 163)"}
PURPOSE = "social-assistance-review"
PHONE_MASK = "p, civil-affairs, social-assistance-review, Person.phone, mask"


@pytest.fixture(scope="module")
def policy_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_policy(tmp_path_factory.mktemp("admin-policy") / "policy")


@pytest.fixture(scope="module")
def gateway(sqlite_stores, policy_dir: Path) -> Iterator[Gateway]:
    # The live policy stays as started, so an edit on disk shows as a difference.
    started = start_gateway(sqlite_stores, policy_dir=policy_dir, policy_reload_interval=3600)
    yield started
    started.stop()


def _token(system: str = "policy-desk", claimed: list[str] | None = None) -> str:
    """A data-bureau token; the demo assignment gives `policy-desk` the role security-officer, `audit-desk` auditor."""
    return mint_token(JWT_SECRET, system, "data-bureau", claimed)


def _get(gateway: Gateway, path: str, token: str | None = None, **params: str) -> httpx.Response:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    return httpx.get(f"{gateway.url}/admin/policy/api/{path}", params=params, headers=headers, timeout=30)


def _code(response: httpx.Response) -> str:
    return response.json()["errors"][0]["extensions"]["code"]


def test_the_page_itself_holds_no_policy_data(gateway: Gateway) -> None:
    response = httpx.get(f"{gateway.url}/admin/policy", timeout=10)
    assert response.status_code == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert "<script src=\"/admin/policy/static/admin-policy.js\"" in response.text
    assert "civil-affairs" not in response.text and gateway.runtime.policies.current.version not in response.text


def test_no_token_is_401_and_no_role_is_403(gateway: Gateway) -> None:
    for path in ("overview", "matrix", "explain", "diff"):
        anonymous = _get(gateway, path, purpose=PURPOSE)
        assert (anonymous.status_code, _code(anonymous)) == (401, "UNAUTHENTICATED")
        assert anonymous.headers["www-authenticate"] == "Bearer"
        plain = _get(gateway, path, _token("audit-desk"), purpose=PURPOSE)
        assert (plain.status_code, _code(plain)) == (403, "FORBIDDEN")
        assert "civil-affairs" not in plain.text


def test_a_suspended_system_is_refused_here_too(gateway: Gateway) -> None:
    suspensions = gateway.runtime.suspensions
    suspensions.replace([Suspension(Target("data-bureau", "policy-desk"), "investigation", "test",
                                     datetime.now(UTC))])
    try:
        refused = _get(gateway, "overview", _token())
    finally:
        suspensions.replace([])
    assert (refused.status_code, _code(refused)) == (403, "CALLER_SUSPENDED")
    assert _get(gateway, "overview", _token()).status_code == 200


def test_a_claimed_security_officer_role_opens_nothing_the_assigned_one_does(gateway: Gateway) -> None:
    for path in ("overview", "matrix", "explain", "diff"):
        for system in ("officer-console", "audit-desk"):
            claimed = _get(gateway, path, _token(system, ["security-officer"]), purpose=PURPOSE)
            assert (claimed.status_code, _code(claimed)) == (403, "FORBIDDEN"), (path, system)
    assigned = _get(gateway, "overview", _token("policy-desk"))
    assert assigned.status_code == 200
    assert assigned.json()["caller"] == {"system": "policy-desk", "department": "data-bureau",
                                         "roles": ["security-officer"]}


def test_bad_parameters_are_400(gateway: Gateway) -> None:
    officer = _token()
    assert _code(_get(gateway, "matrix", officer)) == "BAD_REQUEST"
    assert _code(_get(gateway, "matrix", officer, purpose="curiosity")) == "UNKNOWN_PURPOSE"
    unknown_field = _get(gateway, "explain", officer, purpose=PURPOSE, department="civil-affairs", field="Person.x")
    assert (unknown_field.status_code, _code(unknown_field)) == (400, "BAD_REQUEST")
    unknown_role = _get(gateway, "matrix", officer, purpose=PURPOSE, role="x" * 5000)
    assert (unknown_role.status_code, _code(unknown_role)) == (400, "BAD_REQUEST")
    assert "x" * 100 not in unknown_role.text


def test_the_explanation_names_the_rule_line_but_no_server_path(gateway: Gateway, policy_dir: Path) -> None:
    answer = _get(gateway, "explain", _token(), purpose=PURPOSE, department="civil-affairs",
                  field="Person.phone").json()
    assert (answer["decision"], answer["mask"]) == ("MASK", "R4")
    assert [r["location"] for r in answer["rules"]] == [f"rules.csv:{line_of(policy_dir, PHONE_MASK)}"]
    assert str(policy_dir) not in str(answer)


def _chromium():
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: the admin page is tested in Debian's Chromium; "
                    "install it with 'apt-get install -y chromium' (.ci/run does)")
    from playwright.sync_api import sync_playwright

    return sync_playwright()


def test_the_officer_sees_matrix_explanation_and_diff_in_a_browser(gateway: Gateway, policy_dir: Path) -> None:
    runtime = gateway.runtime
    policy = runtime.policies.current
    expected = {(d, f): decision for d in policy.departments
                for f, decision in compile_decisions(policy, runtime.catalog, d, (), PURPOSE).decisions.items()}
    rules = policy_dir / "rules.csv"
    original = rules.read_text(encoding="utf-8")
    with _chromium() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1500, "height": 1000})
            problems: list[str] = []
            page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
            page.on("pageerror", lambda error: problems.append(str(error)))
            page.goto(f"{gateway.url}/admin/policy")
            page.fill("#token", _token())
            page.click("#token-form button[type=submit]")
            page.wait_for_selector(f"#purpose option[value='{PURPOSE}']", state="attached")
            page.select_option("#purpose", PURPOSE)
            page.wait_for_selector("#matrix-table")

            cells = page.eval_on_selector_all("#matrix button.cell", """buttons => buttons.map(b => [
                b.dataset.department, b.dataset.field, b.dataset.decision, b.textContent,
                getComputedStyle(b).backgroundColor])""")
            assert len(cells) == len(expected)
            for department, field, decision, label, colour in cells:
                engine = expected[(department, field)]
                shown = (engine.effect.value, cell_text(engine).replace(":", " "))
                assert (decision, label) == shown, (department, field)
                assert colour == COLOURS[decision], (department, field)
            assert {cell[2] for cell in cells} == set(COLOURS)

            page.click("#matrix button[data-department='civil-affairs'][data-field='Person.phone']")
            page.wait_for_selector("#explained-decision")
            explanation = page.inner_text("#explanation-body")
            assert page.inner_text("#explained-decision") == "MASK R4"
            assert f"rules.csv:{line_of(policy_dir, PHONE_MASK)}" in explanation
            assert expected[("civil-affairs", "Person.phone")].reason in explanation
            assert "CONDITIONAL" in explanation

            page.click("#diff-refresh")
            page.wait_for_selector("#diff-summary:has-text('No decision')")  # no string eval: the page's CSP forbids it
            rules.write_text(original.replace(PHONE_MASK, PHONE_MASK.replace("mask", "clear")), encoding="utf-8")
            page.click("#diff-refresh")
            page.wait_for_selector("#diff-table")
            rows = page.eval_on_selector_all("#diff-table tbody tr", "rows => rows.map(r => r.innerText)")
            assert rows == ["civil-affairs\t\tsocial-assistance-review\tPerson.phone\tMASK:R4\tCLEAR"]

            page.evaluate("window.scrollTo(0, 0)")
            SCREENSHOT.parent.mkdir(exist_ok=True)
            page.screenshot(path=str(SCREENSHOT), full_page=True)
            assert problems == []
        finally:
            browser.close()
            rules.write_text(original, encoding="utf-8")


def _shown(page) -> dict[str, bool]:
    return {part: page.is_visible(part) for part in ("#sign-in", "#workbench", "#sign-out")}


SIGN_IN_ONLY = {"#sign-in": True, "#workbench": False, "#sign-out": False}
WORKBENCH = {"#sign-in": False, "#workbench": True, "#sign-out": True}


def test_only_the_sign_in_shows_until_a_token_is_accepted(gateway: Gateway) -> None:
    with _chromium() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1500, "height": 1000})
            page.goto(f"{gateway.url}/admin/policy")
            page.wait_for_load_state("load")
            assert _shown(page) == SIGN_IN_ONLY

            for token, refusal in [(_token("audit-desk"), "open only to callers with the role 'security-officer'"),
                                   ("not-a-token", "the token is malformed")]:  # 403, then 401
                page.fill("#token", token)
                page.click("#token-form button[type=submit]")
                page.wait_for_selector(f"#sign-in-error:has-text(\"{refusal}\")")
                assert _shown(page) == SIGN_IN_ONLY

            page.fill("#token", _token())
            page.click("#token-form button[type=submit]")
            page.wait_for_selector("#workbench", state="visible")
            assert _shown(page) == WORKBENCH
            assert page.inner_text("#sign-in-error") == ""

            page.click("#sign-out")
            page.wait_for_selector("#workbench", state="hidden")
            assert _shown(page) == SIGN_IN_ONLY
            page.reload()
            page.wait_for_load_state("load")
            assert _shown(page) == SIGN_IN_ONLY  # the token went with the sign-out
        finally:
            browser.close()
