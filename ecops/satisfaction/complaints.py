"""Themes of low-score comments: the words unhappy customers use (jieba segmentation for Chinese)."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from ecops import text
from ecops.dataset import Dataset, Filters
from ecops.satisfaction.facts import score_column

__all__ = ["ThemesResult", "low_score_themes"]


@dataclass(frozen=True)
class ThemesResult:
    """Most frequent words in comments of low-score reviews (score ≤ ``max_score``)."""

    max_score: int
    n_low_reviews: int
    n_with_comment: int
    words: text.WordFrequencies | None
    has_comments: bool = True  # False when the reviews have no comment column at all


def low_score_themes(ds: Dataset, filters: Filters | None = None, max_score: int = 2, top: int = 25,
                     max_texts: int = 5_000) -> ThemesResult:
    """Word frequencies of low-score comments: distinct texts counted in SQL, then segmented (jieba for Chinese)."""
    r, o = ds.table("reviews"), ds.orders(filters)
    joined = r.join(o, o.c.order_id == r.c.order_id)
    low = score_column(r).between(1, max_score)
    if "comment" not in r.c:
        n_low = int(ds.scalar(sa.select(sa.func.count()).select_from(joined).where(low)) or 0)
        return ThemesResult(max_score, n_low, 0, None, has_comments=False)
    cnt = ds.query(sa.select(sa.func.count().label("n"), sa.func.count(r.c.comment).label("c"))
                   .select_from(joined).where(low))
    stmt = (sa.select(r.c.comment, sa.func.count().label("n")).select_from(joined)
            .where(low, r.c.comment.is_not(None), r.c.comment != "")
            .group_by(r.c.comment).order_by(sa.desc("n"), r.c.comment).limit(max_texts))
    texts = ds.query(stmt)
    wf = text.word_frequencies(texts["comment"].tolist(), texts["n"].tolist(), top=top) if len(texts) else None
    return ThemesResult(max_score, int(cnt["n"].iloc[0]), int(cnt["c"].iloc[0]), wf)

