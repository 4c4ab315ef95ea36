"""Per-request inputs that some masks need besides the value itself."""

import datetime
from dataclasses import dataclass


@dataclass(frozen=True)
class MaskContext:
    token_key: bytes  # server secret for R2 pseudonyms
    domain: str  # consumer department + purpose, e.g. "civil-affairs/social-assistance-review"
    today: datetime.date  # reference date for age bands
