"""Field masking for rows entering the data plane (rules R1a..R13 of standards.md §2.2)."""

from access.masking.context import MaskContext
from access.masking.kinds import MASK_KINDS, MaskKind
from access.masking.rows import RowMasker, build_row_masker

__all__ = ["MASK_KINDS", "MaskContext", "MaskKind", "RowMasker", "build_row_masker"]
