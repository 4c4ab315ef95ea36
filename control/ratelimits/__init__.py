"""Rate limits per calling system and per department, shared by every worker through Redis."""
