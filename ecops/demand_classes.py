"""Demand patterns per SKU (需求模式分类): smooth, erratic, intermittent, lumpy — Syntetos–Boylan.

A SKU that sells a few units every few weeks is not "slow" in the sense of fading: that is its
rhythm. Syntetos, Boylan and Croston (2005) classify a demand series by two numbers:

- **ADI**, the average inter-demand interval — weeks per week with a sale, counted from the first
  sale to the end of the period (1 = sells every week);
- **CV²**, the squared coefficient of variation of the non-zero weekly quantities.

With the cut-offs ADI 1.32 and CV² 0.49: *smooth* (ADI < 1.32, CV² < 0.49) — forecast with
exponential smoothing; *erratic* (ADI < 1.32, CV² ≥ 0.49); *intermittent* (ADI ≥ 1.32, CV² < 0.49)
and *lumpy* (both high) — Croston-type methods, and no "slow mover" verdict from a few empty weeks.
A SKU with a single week of sales has no rhythm to judge: it is ``one_sale``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["ADI_CUT", "CLASSES", "CV2_CUT", "class_counts", "demand_classes"]

ADI_CUT = 1.32
CV2_CUT = 0.49
#: The classes in the order pages list them.
CLASSES: tuple[str, ...] = ("smooth", "erratic", "intermittent", "lumpy", "one_sale", "no_sale")


def demand_classes(weekly: pd.DataFrame) -> pd.DataFrame:
    """Per SKU (rows of a SKU × week frame of units): ``sale_weeks``, ``adi``, ``cv2``, ``gap`` and ``demand_class``.

    ``gap`` is the usual number of weeks between two sales (first to last sale ÷ (sale weeks − 1)),
    NaN with fewer than two sale weeks: how long a SKU normally goes without selling.
    """
    y = weekly.to_numpy(dtype=float)
    n = y.shape[1]
    if n == 0 or y.shape[0] == 0:
        # No weeks (nothing sold in the filter) — every SKU there is has no sale to classify.
        nan = np.full(y.shape[0], np.nan)
        return pd.DataFrame({"sale_weeks": np.zeros(y.shape[0], dtype=int), "adi": nan, "cv2": nan, "gap": nan,
                             "demand_class": "no_sale"}, index=weekly.index)
    sold = y > 0
    k = sold.sum(axis=1)
    first = np.where(k > 0, sold.argmax(axis=1), n)
    last = np.where(k > 0, n - 1 - sold[:, ::-1].argmax(axis=1), -1)
    with np.errstate(divide="ignore", invalid="ignore"):
        adi = np.where(k > 0, (n - first) / np.maximum(k, 1), np.nan)
        gap = np.where(k > 1, (last - first) / (k - 1), np.nan)
        s1 = np.where(sold, y, 0.0).sum(axis=1)
        s2 = np.where(sold, y ** 2, 0.0).sum(axis=1)
        mean = s1 / k
        var = np.where(k > 1, (s2 - k * mean ** 2) / (k - 1), np.nan)
        cv2 = np.where(k > 1, np.clip(var, 0, None) / mean ** 2, np.nan)
    frequent, steady = adi < ADI_CUT, cv2 < CV2_CUT
    cls = np.select([k == 0, k == 1, frequent & steady, frequent, steady],
                    ["no_sale", "one_sale", "smooth", "erratic", "intermittent"], default="lumpy")
    return pd.DataFrame({"sale_weeks": k, "adi": adi, "cv2": cv2, "gap": gap, "demand_class": cls},
                        index=weekly.index)


def class_counts(classes: pd.DataFrame) -> dict[str, int]:
    """How many SKUs fall in each class of :data:`CLASSES` (zeros included, in that order)."""
    counts = classes["demand_class"].value_counts()
    return {c: int(counts.get(c, 0)) for c in CLASSES}
