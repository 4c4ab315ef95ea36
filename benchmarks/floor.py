"""The floor of the joined persons query: the same reads and joins by hand, no GraphQL, no governance.

One SELECT ... IN on PostgreSQL for the persons, then together one POST to the licence service for
their licences and one SELECT ... IN on MariaDB for the entities they represent (the gateway also
asks the second level concurrently), joined in dicts and serialised with orjson.
"""
from __future__ import annotations

import asyncio
from collections import defaultdict
from typing import Any

import httpx
import orjson
from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from benchmarks.latency import Latency, Sampling, measure
from benchmarks.stores import Stores
from connectors.service_tokens import ServiceTokens
from departments.entity.tables import fr_jbxx
from departments.population.tables import rk_jbxx

PERSONS = select(
    rk_jbxx.c.gmsfhm.label("idNumber"), rk_jbxx.c.xm.label("name"), rk_jbxx.c.xbdm.label("gender"),
    rk_jbxx.c.csrq.label("birthDate"), rk_jbxx.c.hjdz.label("address"), rk_jbxx.c.ryztdm.label("status"),
).where(rk_jbxx.c.gmsfhm.in_(bindparam("keys", expanding=True)))

ENTITIES = select(
    fr_jbxx.c.fddbrzjhm, fr_jbxx.c.tyshxydm.label("uscc"), fr_jbxx.c.mc.label("name"),
    fr_jbxx.c.djzt.label("status"),
).where(fr_jbxx.c.fddbrzjhm.in_(bindparam("keys", expanding=True)))

LICENCE_FIELDS = {"zzbs": "licenceId", "zzlxmc": "typeName", "czzt": "holderName", "zzzt": "status"}


class JoinedPersons:
    def __init__(self, stores: Stores, licence_url: str, tokens: ServiceTokens) -> None:
        self._population: AsyncEngine = create_async_engine(stores.population_url)
        self._entity: AsyncEngine = create_async_engine(stores.entity_url)
        self._licences = httpx.AsyncClient(base_url=licence_url, timeout=10)
        self._tokens = tokens

    async def answer(self, id_numbers: list[str]) -> bytes:
        async with self._population.connect() as connection:
            persons = [dict(row) for row in (await connection.execute(PERSONS, {"keys": id_numbers})).mappings()]
        keys = [person["idNumber"] for person in persons]
        licences, entities = await asyncio.gather(self._licences_of(keys), self._entities_of(keys))
        by_id = {person["idNumber"]: person for person in persons}
        for person in persons:
            person["licences"] = licences.get(person["idNumber"], [])
            person["representedEntities"] = entities.get(person["idNumber"], [])
        return orjson.dumps({"data": {"persons": [by_id.get(key) for key in id_numbers]}})

    async def _licences_of(self, holder_codes: list[str]) -> dict[str, list[dict[str, Any]]]:
        response = await self._licences.post("/v1/licences/query", content=orjson.dumps(
            {"by": "holderCode", "keys": holder_codes}),
            headers={"content-type": "application/json", "authorization": self._tokens.authorization()})
        response.raise_for_status()
        grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for item in orjson.loads(response.content)["items"]:
            grouped[item["czztdm"]].append({name: item[column] for column, name in LICENCE_FIELDS.items()})
        return grouped

    async def _entities_of(self, representatives: list[str]) -> dict[str, list[dict[str, Any]]]:
        async with self._entity.connect() as connection:
            rows = (await connection.execute(ENTITIES, {"keys": representatives})).all()
        grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for representative, uscc, name, status in rows:
            grouped[representative].append({"uscc": uscc, "name": name, "status": status})
        return grouped

    async def close(self) -> None:
        await self._licences.aclose()
        await self._population.dispose()
        await self._entity.dispose()


def measure_floor(stores: Stores, licence_url: str, tokens: ServiceTokens, id_numbers: list[str],
                  sampling: Sampling) -> Latency:
    with asyncio.Runner() as runner:
        joined = JoinedPersons(stores, licence_url, tokens)
        try:
            timed = measure({"floor": lambda: runner.run(joined.answer(id_numbers))}, sampling)
        finally:
            runner.run(joined.close())
    return timed["floor"]
