"""The subject index, kept off the request path.

An entry's subject tags are inside its body, which is durable when its request is answered; the
table that finds entries by tag is derived from the bodies afterwards, by whichever worker gets
there first (the indexer's row is locked, so each entry is indexed once), and a search first
catches the index up. Appends are committed in position order, so every entry below the tree
size is there to be indexed.
"""
from __future__ import annotations

import json

from sqlalchemy import insert, select, update

from record.database import LogDatabase
from record.schema import STATE_ROW, access_log_entries, access_log_state, access_log_subject_index, access_log_subjects

BATCH = 2000


async def index_subjects(database: LogDatabase, batch: int = BATCH) -> int:
    """Index the next `batch` entries not yet indexed; how many it indexed (0 when caught up)."""
    async with database.indexing() as (connection, indexed):
        size: int = (await connection.execute(
            select(access_log_state.c.size).where(access_log_state.c.id == STATE_ROW))).scalar_one()
        upto = min(size, indexed + batch)
        if upto == indexed:
            return 0
        entries = access_log_entries.c
        rows = await connection.execute(
            select(entries.seq, entries.body).where(entries.seq >= indexed, entries.seq < upto))
        subjects = [{"seq": seq, "tag": tag} for seq, body in rows if body is not None
                    for tag in sorted(set(json.loads(body).get("subjects") or ()))]
        if subjects:
            await connection.execute(insert(access_log_subjects), subjects)
        await connection.execute(update(access_log_subject_index)
                                 .where(access_log_subject_index.c.id == STATE_ROW).values(indexed_size=upto))
        return upto - indexed


async def catch_up(database: LogDatabase) -> None:
    while await index_subjects(database):
        pass
