"""Which platform wrote this file (平台识别): a header row against every export dictionary.

A file is a platform's export only when most of its headers are that platform's and some of them are
words no generic synonym list contains, so a plain export (or the built-in sample) that shares ordinary
words such as ``quantity`` or ``订单编号`` is never taken for a platform export.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ecops import schema
from ecops.platforms.exports import ALL
from ecops.platforms.model import MIN_COVERAGE, MIN_DISTINCTIVE, Platform, fold_header
from ecops.schema import normalise_name

__all__ = ["detect", "distinctive_headers"]

_CJK_ONLY = re.compile(r"^[\u4e00-\u9fff]+$")


def _generic_vocabulary() -> frozenset[str]:
    """Canonical names and synonyms of the schema, folded: words that prove no platform.

    Long Chinese phrases (six characters or more, such as ``买家实际支付金额`` or ``订单付款时间``) are left
    out: they are an export's own wording, added to the schema *because* platform exports use them, and they
    must keep identifying the export (the seven-column 天猫订单报表 has few other clues).
    """
    out: set[str] = set()

    def add(word: str) -> None:
        w = normalise_name(word)
        if not (_CJK_ONLY.match(w) and len(w) >= 6):
            out.add(w)

    for t in schema.TABLES.values():
        add(t.name)
        for s in t.synonyms:
            add(s)
        for c in t.columns:
            add(c.name)
            for s in c.synonyms:
                add(s)
    return frozenset(out)


_GENERIC = _generic_vocabulary()


def distinctive_headers(platform: Platform) -> frozenset[str]:
    """The platform's folded headers that no generic synonym list contains: the evidence that counts."""
    return platform.headers - _GENERIC


def detect(headers: Sequence[str]) -> Platform | None:
    """The platform whose export this header row is, or None for a generic file.

    A platform qualifies when at least :data:`MIN_COVERAGE` of the file's distinct non-blank headers
    are headers of its export and at least :data:`MIN_DISTINCTIVE` of those are headers no generic
    synonym contains. Among qualifying platforms the one covering more of the file wins, then the one
    whose export the file fills more completely (so the seven-column 天猫订单报表 is that report, not
    the 40-column 淘宝 order export it is a subset of).
    """
    folded = {fold_header(h) for h in headers if h is not None and fold_header(h)}
    if not folded:
        return None
    best: tuple[float, float, Platform] | None = None
    for p in ALL:
        hit = folded & p.headers
        if len(hit - _GENERIC) < MIN_DISTINCTIVE:
            continue
        coverage = len(hit) / len(folded)
        if coverage < MIN_COVERAGE:
            continue
        specificity = len(hit) / len(p.headers)
        if best is None or (coverage, specificity) > (best[0], best[1]):
            best = (coverage, specificity, p)
    return best[2] if best else None
