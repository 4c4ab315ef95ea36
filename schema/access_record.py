"""The access record as seen by auditors: who accessed a subject, what a caller accessed, usage."""
from __future__ import annotations

from typing import Optional

import strawberry

from resolvers import access_record


@strawberry.type(description="One field of an access and what the policy decided for it.")
class FieldDecision:
    field: str
    decision: Optional[str]
    share: Optional[str]
    provider: Optional[str]


@strawberry.type(description="A department asked during an access, and how it answered.")
class SourceOutcome:
    department: str
    outcome: str


@strawberry.type(description="RFC 9162 inclusion proof of an entry in the log at a signed checkpoint.")
class InclusionProof:
    leafIndex: int
    treeSize: int
    leafHash: str = strawberry.field(description="base64 of H(0x00 || canonical entry)")
    hashes: list[str] = strawberry.field(description="base64 audit path, leaf to root")
    checkpoint: str = strawberry.field(description="the signed checkpoint (note) the proof is against")


@strawberry.type(description="One entry of the access record; field values are never stored.")
class AccessEntry:
    seq: int
    time: str
    requestId: str
    system: Optional[str]
    department: Optional[str]
    roles: list[str]
    purpose: Optional[str]
    purposeRef: Optional[str]
    operationName: Optional[str]
    status: int
    outcome: str
    fields: list[FieldDecision]
    sources: list[SourceOutcome]
    entry: str = strawberry.field(description="the canonical JSON of the entry, as hashed into the log")
    proof: Optional[InclusionProof]


@strawberry.type
class Count:
    key: str
    count: int


@strawberry.type(description="Use of shared data by one consumer department (regulation rule 15).")
class DepartmentUsage:
    department: str
    requests: int
    records: int
    fieldsByShareClass: list[Count]
    byPurpose: list[Count]
    byProvider: list[Count]


@strawberry.type(description="The access record; open only to callers with the role 'auditor'.")
class AccessRecord:
    # The resolvers answer rows (dicts), so graphql_type names the GraphQL type. All four are declared so because
    # strawberry lists annotated fields first, and the schema keeps its field order.
    subject = strawberry.field(
        resolver=access_record.subject, graphql_type=list[AccessEntry],
        description="Every access to one person (idNumber) or legal entity (uscc), each with its proof.")
    caller = strawberry.field(
        resolver=access_record.caller, graphql_type=list[AccessEntry],
        description="What one calling system or department accessed between two ISO 8601 times.")
    usage = strawberry.field(
        resolver=access_record.usage, graphql_type=list[DepartmentUsage],
        description="Usage per consumer department between two ISO 8601 times.")
    checkpoint = strawberry.field(
        resolver=access_record.checkpoint, graphql_type=Optional[str], description="The latest signed checkpoint.")
