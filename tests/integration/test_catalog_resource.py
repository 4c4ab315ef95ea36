"""A fourth resource added through the catalog alone: its file, a relation to it, and a URL for its source.

No code changes: the schema, its root field, the key check, the joins both ways, the cost estimate and the
access record all follow from the catalog.
"""
from __future__ import annotations

import asyncio
import shutil
from collections.abc import Iterator

import pytest
from sqlalchemy import Column, MetaData, String, Table, insert
from sqlalchemy.ext.asyncio import create_async_engine

from settings import ROOT
from tests.support.gateway import AUDITOR, Gateway, Stores, start_gateway

VEHICLES = """
resource: Vehicle
title: 机动车登记信息
description: A registered motor vehicle (toy resource of a test).
provider: public-security
update_period: daily
source:
  connector: vehicles
  table: jdc_djxx
key: plate
roots:
  vehicle:
    argument: plate
    description: One vehicle by its plate.
fields:
  plate:
    item: 号牌号码
    column: hphm
    share: UNCONDITIONAL
    nullable: false
    description: Plate number.
  model:
    item: 车辆型号
    column: clxh
    share: UNCONDITIONAL
    description: Vehicle model.
  ownerIdNumber:
    item: 机动车所有人身份证明号码
    column: syrsfzmhm
    share: CONDITIONAL
    basis: 个人身份信息，按用途共享
    mask: R1b
    format: citizen-id
    description: Owner's citizen ID number.
relations:
  owner:
    target: Person
    join: {ownerIdNumber: idNumber}
    share: UNCONDITIONAL
    description: The owner, from the population registry.
"""
VEHICLES_OF_A_PERSON = """  vehicles:
    target: Vehicle
    join: {idNumber: ownerIdNumber}
    many: true
    fan_out: 3
    max_per_parent: 10
    share: UNCONDITIONAL
    description: Vehicles this person owns.
"""
RULES = "\np, civil-affairs, social-assistance-review, Vehicle.ownerIdNumber, clear\n"


@pytest.fixture(scope="module")
def vehicle_gateway(sqlite_stores: Stores, dataset, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    directory = tmp_path_factory.mktemp("toy-resource")
    catalog = directory / "catalog"
    shutil.copytree(ROOT / "catalog", catalog, ignore=shutil.ignore_patterns("*.py", "__pycache__", "formats"))
    (catalog / "vehicle.yaml").write_text(VEHICLES, encoding="utf-8")
    population = catalog / "population.yaml"
    population.write_text(population.read_text(encoding="utf-8") + VEHICLES_OF_A_PERSON, encoding="utf-8")
    policy = directory / "policy"
    shutil.copytree(ROOT / "policy", policy)
    (policy / "rules.csv").write_text((policy / "rules.csv").read_text(encoding="utf-8") + RULES, encoding="utf-8")
    owners = [person["gmsfhm"] for person in dataset.persons[:3]]
    url = f"sqlite+aiosqlite:///{directory}/vehicles.db"
    asyncio.run(_create_vehicles(url, [("京A12345", "BYD 秦", owners[0]), ("京B54321", "红旗 H5", owners[0]),
                                       ("沪C00001", "五菱 宏光", owners[1])]))
    gateway = start_gateway(sqlite_stores, catalog_dir=catalog, policy_dir=policy, sources={"vehicles": url})
    gateway.owners = owners
    yield gateway
    gateway.stop()


async def _create_vehicles(url: str, rows: list[tuple[str, str, str]]) -> None:
    metadata = MetaData()
    table = Table("jdc_djxx", metadata, Column("hphm", String(16), primary_key=True), Column("clxh", String(64)),
                  Column("syrsfzmhm", String(18)))
    engine = create_async_engine(url)
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
        await connection.execute(insert(table), [{"hphm": p, "clxh": m, "syrsfzmhm": o} for p, m, o in rows])
    await engine.dispose()


def test_its_root_field_and_its_relations_both_ways_come_from_the_catalog(vehicle_gateway: Gateway) -> None:
    owner = vehicle_gateway.owners[0]
    response = vehicle_gateway.post("""query($id: String!) {
        person(idNumber: $id) { idNumber vehicles { plate model owner { idNumber } } }
        vehicle(plate: "沪C00001") { plate ownerIdNumber owner { idNumber } } }""", {"id": owner})
    body = response.json()
    assert "errors" not in body, body
    person = body["data"]["person"]
    assert sorted((v["plate"], v["model"]) for v in person["vehicles"]) == [("京A12345", "BYD 秦"),
                                                                              ("京B54321", "红旗 H5")]
    assert all(v["owner"]["idNumber"] == owner for v in person["vehicles"])
    second = vehicle_gateway.owners[1]
    assert body["data"]["vehicle"] == {"plate": "沪C00001", "ownerIdNumber": second, "owner": {"idNumber": second}}


def test_its_fields_are_governed_like_any_other(vehicle_gateway: Gateway) -> None:
    response = vehicle_gateway.post('{ vehicle(plate: "沪C00001") { ownerIdNumber } }', dept="market-regulation",
                                    purpose="business-registration-approval")
    body = response.json()
    assert body["data"]["vehicle"]["ownerIdNumber"] is None
    assert body["extensions"]["access"]["denied"][0]["field"] == "Vehicle.ownerIdNumber"


def test_its_key_format_is_checked_and_its_fan_out_priced(vehicle_gateway: Gateway) -> None:
    bad = vehicle_gateway.post('{ person(idNumber: "123") { vehicles { plate } } }')
    assert bad.status_code == 400 and bad.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    runtime = vehicle_gateway.runtime
    assert runtime.fan_out["Person.vehicles"] == 3
    assert runtime.catalog.join_fields["Vehicle"] == ("plate", "ownerIdNumber")


def test_an_owner_read_through_a_vehicle_is_a_subject_on_the_record(vehicle_gateway: Gateway) -> None:
    owner = vehicle_gateway.owners[1]
    vehicle_gateway.post('{ vehicle(plate: "沪C00001") { owner { name } } }')
    found = vehicle_gateway.post("query($id: String!) { accessRecord { subject(idNumber: $id) { operationName } } }",
                                 {"id": owner}, **AUDITOR)
    assert len(found.json()["data"]["accessRecord"]["subject"]) >= 1

