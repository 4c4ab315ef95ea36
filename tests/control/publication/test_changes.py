"""A policy change's diff for the access record, and the policy read from its files' text."""
from __future__ import annotations

from pathlib import Path

import pytest

from access.policy.registry import PolicyError
from access.policy.store import files_version, load_policy, parse_policy, policy_version, read_policy_files
from control.publication.changes import PolicyChange, line_diff, policy_entry
from settings import ROOT

POLICY_DIR = ROOT / "policy"


def _edited(policy, catalog, add: str):
    return parse_policy(dict(policy.files) | {"rules.csv": policy.files["rules.csv"] + add}, catalog)


def test_the_entry_lists_the_decisions_that_change(policy, catalog) -> None:
    edited = _edited(policy, catalog,
                     "p, market-regulation, licence-approval, Person.education, clear\n"
                     "p, public-security, identity-verification, Person.name, clear\n")  # granted already
    change = PolicyChange(edited.version, edited.files, policy.version, policy.files, "officer", "publish",
                          "2026-01-01T00:00Z", 2)
    diff = policy_entry(change, catalog, "host:1")["diff"]
    assert diff["decisions"] == [{"department": "market-regulation", "roles": [], "purpose": "licence-approval",
                                  "field": "Person.education", "before": "DENY", "after": "CLEAR"}]
    assert diff["lines"] == {"rules.csv": [diff["lines"]["rules.csv"][0],
                                           "+p, market-regulation, licence-approval, Person.education, clear",
                                           "+p, public-security, identity-verification, Person.name, clear"]}


def test_line_diff_keeps_only_the_changed_lines_with_their_place() -> None:
    old = {"rules.csv": "a\nb\nc\n", "model.conf": "m\n"}
    new = {"rules.csv": "a\nB\nc\nd\n", "model.conf": "m\n"}
    assert line_diff(old, new) == {"rules.csv": ["@@ -2 +2 @@", "-b", "+B", "@@ -3,0 +4 @@", "+d"]}


def test_the_entry_of_a_first_publication_has_no_diff(policy, catalog) -> None:
    change = PolicyChange(policy.version, policy.files, None, None, "officer", "bootstrap", "2026-01-01T00:00Z", 1)
    entry = policy_entry(change, catalog, "host:1")
    assert entry["diff"] is None and entry["previous"] is None and entry["kind"] == "policy"


def test_a_previous_version_that_never_loaded_gets_lines_but_no_decisions(policy, catalog) -> None:
    broken = dict(policy.files) | {"rules.csv": "p, nobody, *, Person.name, clear\n"}
    change = PolicyChange(policy.version, policy.files, files_version(broken), broken, "officer", "publish",
                          "2026-01-01T00:00Z", 2)
    diff = policy_entry(change, catalog, "host:1")["diff"]
    assert diff["decisions"] is None and diff["lines"]["rules.csv"]


def test_files_text_and_directory_give_the_same_version(tmp_path: Path, catalog) -> None:
    for name, text in read_policy_files(POLICY_DIR).items():
        (tmp_path / name).write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    files = read_policy_files(tmp_path)
    assert files_version(files) == policy_version(tmp_path) == load_policy(tmp_path, catalog).version
    assert parse_policy(files, catalog).version == policy_version(tmp_path)


def test_a_policy_missing_a_file_is_refused(catalog) -> None:
    files = read_policy_files(POLICY_DIR)
    del files["model.conf"]
    with pytest.raises(PolicyError, match=r"model.conf: missing"):
        parse_policy(files, catalog)
