"""The access record: an append-only, Merkle-logged record of every request."""
