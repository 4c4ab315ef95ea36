"""CPU time of a process, from /proc (Linux)."""
from __future__ import annotations

import os

_TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds `pid` has used so far."""
    with open(f"/proc/{pid}/stat") as stat:
        # Fields after the parenthesised command name; utime and stime are the 12th and 13th of them.
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS_PER_SECOND
