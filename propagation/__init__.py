"""What every worker on every host must learn at once: Redis pub/sub for immediacy, re-reads for what it misses."""
