"""The catalog is checked at start: a mistake stops the server with the file and the entry named."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from access.policy.registry import load_departments
from catalog import CatalogError, ShareClass, load_catalog
from schema.query import build_schema
from settings import ROOT

DEPARTMENTS = load_departments(ROOT / "policy" / "departments.csv")


@pytest.fixture()
def catalog_dir(tmp_path: Path) -> Path:
    target = tmp_path / "catalog"
    target.mkdir()
    for path in (ROOT / "catalog").glob("*.yaml"):
        shutil.copy(path, target / path.name)
    return target


def _edit(catalog_dir: Path, name: str, old: str, new: str) -> None:
    path = catalog_dir / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(("file", "old", "new", "words"), [
    ("population.yaml", "    mask: R4\n", "    mask: R99\n", "population.yaml: Person.phone: unknown mask kind 'R99'"),
    ("population.yaml", "    basis: 联系方式属高风险个人信息（GB/T 35273-2020），按用途共享\n", "",
     "population.yaml: Person.phone: a CONDITIONAL field needs a legal basis"),
    ("population.yaml", "    column: lxdh\n", "    column: lxdh\n    colour: red\n",
     "population.yaml: Person.phone: unknown attribute(s) ['colour']"),
    ("population.yaml", "    share: CONDITIONAL\n", "    share: SOMETIMES\n", "share 'SOMETIMES'"),
    ("legal_entity.yaml", "    type: Float\n", "    type: Float\n    mask: R4\n",
     "LegalEntity.registeredCapital: mask R4 gives ['String'], not valid for Float"),
    ("legal_entity.yaml", "    codes: CURRENCIES\n", "    codes: COLOURS\n",
     "LegalEntity.currency: unknown code table 'COLOURS'"),
    ("licence.yaml", "provider: data-bureau\n", "provider: tax-office\n", "licence.yaml: provider: unknown department"),
    ("licence.yaml", '"111": {target: Person,', '"111": {target: Owner,', "Licence.holder: unknown target 'Owner'"),
    ("population.yaml", "join: {idNumber: holderCode}", "join: {idNumber: holderNumber}",
     "Person.licences: join field 'holderNumber' is not a field of Licence"),
    ("legal_entity.yaml", "    argument: usccs\n", "    argument: usccs\n    by: registeredName\n",
     "roots.legalEntities: by 'registeredName' is not a field of LegalEntity"),
    ("licence.yaml", "    union: Holder\n", "    union: Person\n", "union 'Person' is also a resource's name"),
    ("licence.yaml", "    format: licence-id\n", "    format: licence-number\n",
     "format 'licence-number' is not one of"),
    ("population.yaml", "    fan_out: 5\n", "    fan_out: 0\n", "Person.licences: fan_out must be a whole number"),
    ("population.yaml", "    max_per_parent: 20\n", "", "Person.licences: missing 'max_per_parent'"),
    ("population.yaml", "    max_per_parent: 20\n", "    max_per_parent: 4\n",
     "Person.licences: max_per_parent must be a whole number, at least fan_out (5)"),
    ("legal_entity.yaml", "    join: {legalRepresentativeIdNumber: idNumber}\n",
     "    join: {legalRepresentativeIdNumber: idNumber}\n    max_per_parent: 3\n",
     "LegalEntity.legalRepresentative: max_per_parent goes with many: true"),
    ("population.yaml", "    item: 联系电话\n", "    item: 联系电话\n    nullable: false\n",
     "only UNCONDITIONAL fields can be non-nullable"),
    ("legal_entity.yaml", "    column: fddbr\n    share: CONDITIONAL\n",
     "    column: fddbr\n    share: UNCONDITIONAL\n",
     "LegalEntity.legalRepresentativeName: carries the person-name datum, so it is shared no more openly than its "
     "authority Person.name (CONDITIONAL)"),
    ("legal_entity.yaml", "carries: {datum: citizen-id, of: legalRepresentativeIdNumber}",
     "carries: {datum: passport, of: legalRepresentativeIdNumber}",
     "LegalEntity.legalRepresentativeIdNumber: carries unknown datum 'passport'"),
    ("licence.yaml", '"111": {datum: citizen-id, of: holderCode}', '"111": {datum: citizen-id, of: holderId}',
     "Licence.number: 'of' 'holderId' is not a field of Licence"),
    ("population.yaml", "reveals: {datum: citizen-id, part: sex}", "reveals: {datum: citizen-id, part: star-sign}",
     "Person.gender: reveals 'citizen-id' part 'star-sign', which the datums do not declare"),
    ("datums.yaml", "authority: Person.name", "authority: Person.fullName",
     "datums: person-name: authority 'Person.fullName' is not a catalog field"),
    ("datums.yaml", "birth-date: {positions: [7, 14]}", "birth-date: {positions: [14, 7]}",
     "datums.yaml: citizen-id: parts.birth-date: positions are [first, last] within 1..18"),
    ("datums.yaml", "ladder: [R1b, R1c, R1a, R2]", "ladder: [R1b, R1z]",
     "datums.yaml: citizen-id: unknown mask kind(s) ['R1z'] in the ladder"),
])
def test_a_mistake_names_file_and_entry(catalog_dir: Path, file: str, old: str, new: str, words: str) -> None:
    _edit(catalog_dir, file, old, new)
    with pytest.raises(CatalogError) as refused:
        load_catalog(DEPARTMENTS, catalog_dir)
    assert words in str(refused.value)


def test_the_shipped_catalog_describes_every_schema_field() -> None:
    catalog = load_catalog(DEPARTMENTS)
    sdl = build_schema(catalog).as_str()
    for resource in catalog.resources.values():
        for name in (*resource.fields, *resource.relations):
            assert f"  {name}: " in sdl, f"{resource.name}.{name}"
    assert catalog.governed["Person.religion"].share is ShareClass.NOT_SHARED
    assert "Codes: 10 未婚" in sdl
