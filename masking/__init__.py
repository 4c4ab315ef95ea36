"""Field masking for rows entering the data plane (rules R1a..R13 of standards.md §2.2)."""

from masking.context import MaskContext
from masking.kinds import MASK_KINDS, MaskKind
from masking.rows import build_row_masker

__all__ = ["MASK_KINDS", "MaskContext", "MaskKind", "build_row_masker"]
