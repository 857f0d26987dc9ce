"""Advice texts of the data-quality report (kept beside the checks in ecops.quality)."""

from ecops.quality import ADVICE as STRINGS

__all__ = ["STRINGS"]
