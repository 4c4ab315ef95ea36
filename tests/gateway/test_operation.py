"""An operation is prepared, every limit checked, before anything is fetched: the benchmark's 1,000 joined persons
are admitted by the default limits, an amplification of them is not."""
from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.queries import PERSONS_QUERY
from gateway.entry import RequestEntry
from gateway.errors import RequestRefused
from gateway.http_request import GraphQLRequest
from gateway.operation import prepare
from gateway.runtime import Runtime
from server import build_runtime
from settings import Settings


@pytest.fixture(scope="module")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> Runtime:
    state: Path = tmp_path_factory.mktemp("state")
    return build_runtime(Settings(jwt_secret="a-secret-long-enough-for-hs256-0123456789abcdef", token_key="key",
                                 state_dir=state))


def test_the_benchmark_query_for_a_thousand_persons_is_admitted_under_the_defaults(runtime: Runtime, dataset) -> None:
    ids = [person["gmsfhm"] for person in dataset.persons[:1000]]
    entry = RequestEntry("request")
    operation = prepare(runtime, GraphQLRequest(PERSONS_QUERY, {"ids": ids}, None), entry)
    assert operation.levels == {("persons",): {"Person.licences", "Person.representedEntities"}}
    assert entry.asked == set(ids)


def test_the_same_persons_amplified_are_refused_for_their_subjects(runtime: Runtime, dataset) -> None:
    amplified = PERSONS_QUERY.replace("representedEntities { uscc name status }",
                                      "representedEntities { legalRepresentative { representedEntities { uscc } } }")
    ids = [person["gmsfhm"] for person in dataset.persons[:1000]]
    with pytest.raises(RequestRefused) as refused:
        prepare(runtime, GraphQLRequest(amplified, {"ids": ids}, None), RequestEntry("request"))
    [problem] = refused.value.errors
    assert problem["extensions"]["code"] == "TOO_MANY_SUBJECTS"
