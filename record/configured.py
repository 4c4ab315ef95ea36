"""The access record as the settings describe it: its database and its keys (made on first start in the state
directory by the embedded default)."""
from __future__ import annotations

from record.checkpoints import CheckpointSigner, load_or_create_signing_key
from record.store import AccessRecord, RecordConfig
from settings import Settings, local_secret

SIGNING_KEY_FILE = "audit-signing-key.pem"
SUBJECT_KEY_FILE = "audit-subject-key"


def record_config(settings: Settings) -> RecordConfig:
    return RecordConfig(url=settings.access_log_url, origin=settings.audit_origin, hash_algorithm=settings.audit_hash,
                        checkpoint_seconds=settings.audit_checkpoint_seconds,
                        checkpoint_entries=settings.audit_checkpoint_entries,
                        retention_days=settings.audit_retention_days)


def checkpoint_signer(settings: Settings) -> CheckpointSigner:
    return CheckpointSigner(settings.audit_origin, load_or_create_signing_key(settings.state_dir / SIGNING_KEY_FILE))


def subject_key(settings: Settings) -> bytes:
    return local_secret(settings.state_dir, SUBJECT_KEY_FILE).encode()


async def open_record(settings: Settings) -> AccessRecord:
    """Raises RecordUnavailable when the record's database cannot be reached."""
    return await AccessRecord.open(record_config(settings), checkpoint_signer(settings), subject_key(settings))
