"""The gateway calls the licence department with its service token, over HTTP or HTTPS (README "Department
authentication"): its calls are served; a gateway whose key the department does not trust, or a department whose
certificate the gateway cannot verify, gives SOURCE_UNAVAILABLE for the licence fields and no data from it."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from benchmarks.department_keys import write_department_keys
from tests.support.certificates import Certificate, self_signed
from tests.support.gateway import Gateway, Stores, start_gateway, start_licence_service

QUERY = "query($ids: [String!]!) { persons(idNumbers: $ids) { idNumber licences { licenceId } } }"


def _holders(dataset) -> dict[str, set[str]]:
    """Licence ids by the person holding them, for three persons holding some."""
    held: dict[str, set[str]] = {}
    for licence in dataset.licences:
        if licence["czztdmlx"] == "111" and (licence["czztdm"] in held or len(held) < 3):
            held.setdefault(licence["czztdm"], set()).add(licence["zzbs"])
    return held


def _ask(gateway: Gateway, holders: dict[str, set[str]]) -> httpx.Response:
    return gateway.post(QUERY, {"ids": list(holders)}, dept="public-security", purpose="identity-verification")


def _assert_served(gateway: Gateway, dataset) -> None:
    holders = _holders(dataset)
    gateway.reset_counts()
    response = _ask(gateway, holders)
    assert response.status_code == 200 and "errors" not in response.json(), response.text
    served = {p["idNumber"]: {lic["licenceId"] for lic in p["licences"]} for p in response.json()["data"]["persons"]}
    assert served == holders
    assert gateway.licence_requests() == 1


def _assert_licences_unavailable(gateway: Gateway, dataset) -> None:
    gateway.reset_counts()
    response = _ask(gateway, _holders(dataset))
    body = response.json()
    assert response.status_code == 200
    assert all(person["licences"] is None for person in body["data"]["persons"])
    [problem] = body["errors"]
    assert problem["extensions"]["code"] == "SOURCE_UNAVAILABLE"
    assert problem["extensions"]["department"] == "data-bureau"
    assert gateway.licence_requests() == 0  # refused before its query ran


@pytest.fixture()
def certificate(tmp_path: Path) -> Certificate:
    return self_signed(tmp_path)


@pytest.fixture()
def over_https(sqlite_stores: Stores, certificate: Certificate) -> Iterator[tuple]:
    """The licence service served over HTTPS with a certificate made for the test."""
    app, server = start_licence_service(sqlite_stores.licence_store_url, ssl_certfile=str(certificate.certificate),
                                        ssl_keyfile=str(certificate.key))
    yield app, server
    server.stop()


def test_the_gateways_calls_are_served(sqlite_stores: Stores, dataset) -> None:
    gateway = start_gateway(sqlite_stores)
    try:
        _assert_served(gateway, dataset)
    finally:
        gateway.stop()


def test_attack_a_gateway_whose_key_the_department_does_not_trust_gets_nothing(sqlite_stores: Stores, dataset,
                                                                               tmp_path: Path) -> None:
    impostor = write_department_keys(tmp_path)
    gateway = start_gateway(sqlite_stores, department_signing_key=impostor.private)
    try:
        _assert_licences_unavailable(gateway, dataset)
    finally:
        gateway.stop()


def test_over_https_with_the_departments_ca_the_gateways_calls_are_served(sqlite_stores: Stores, dataset,
                                                                          over_https, certificate) -> None:
    assert over_https[1].url.startswith("https://")
    gateway = start_gateway(sqlite_stores, licence=over_https, department_ca_bundle=certificate.certificate)
    try:
        _assert_served(gateway, dataset)
    finally:
        gateway.servers[-1].stop()  # the licence service is the fixture's


def test_over_https_a_certificate_the_gateway_cannot_verify_gets_no_call(sqlite_stores: Stores, dataset,
                                                                         over_https) -> None:
    gateway = start_gateway(sqlite_stores, licence=over_https)
    try:
        _assert_licences_unavailable(gateway, dataset)
    finally:
        gateway.servers[-1].stop()
