"""Charts that scale: with 5,000 SKUs, 300 regions and 60 carriers, every chart of every page shows at most
about 30 members per axis, identifiers stay categories, and the "others" bars keep totals right."""

from __future__ import annotations

import importlib
import re
import time

import numpy as np
import pandas as pd
import pytest
from support.wide_shop import wide_tables

from ecops.charts.top import largest, others_label, shown_of, with_others
from ecops.dataset import Dataset
from ecops.views import BUILDERS

#: More members than this on one axis (about 30) is a chart nobody can read, and a browser that stalls.
MOST = 31


@pytest.fixture(scope="module")
def wide_ds() -> Dataset:
    return Dataset.from_frames(wide_tables(), name="wide")


def _axis_values(trace) -> dict[str, list]:
    out = {}
    for ax in ("x", "y", "labels"):
        values = getattr(trace, ax, None)
        if values is not None and not isinstance(values, str | int | float):
            out[ax] = list(values)
    return out


def _axis_layout(fig, trace, ax: str):
    ref = getattr(trace, f"{ax}axis", None) or ax
    name = f"{ax}axis" + ref[1:] if ref != ax else f"{ax}axis"
    return getattr(fig.layout, name)


@pytest.mark.parametrize("page", list(BUILDERS))
def test_every_chart_shows_few_members_and_identifiers_as_categories(wide_ds, page, lang="zh"):
    charts = importlib.import_module(f"ecops.charts.{page}")
    started = time.perf_counter()
    view = BUILDERS[page](wide_ds, None)
    built = time.perf_counter() - started
    drawn = 0
    for section in view.sections:
        if section.figure is None:
            continue
        fig = charts.FIGURES[section.figure.kind.split(".", 1)[1]](section.figure.data, lang, "¥")
        drawn += 1
        for trace in fig.data:
            # a text label per bar or marker makes the browser measure each one: 5,000 of them stalled it
            text = getattr(trace, "text", None)
            labelled = text is not None and not isinstance(text, str) and len(text) > 100
            shown = getattr(trace, "textposition", None) != "none" and (
                trace.type == "bar" or "text" in (getattr(trace, "mode", None) or ""))
            assert not (labelled and shown), f"{page}/{section.id}: {len(text)} text labels drawn"
            for ax, values in _axis_values(trace).items():
                names = [v for v in values if isinstance(v, str)]
                if not names or len(names) < len(values) / 2:
                    continue  # a numeric or time axis
                members = len(set(names))
                assert members <= MOST, f"{page}/{section.id}: {members} members on {ax}"
                if ax != "labels" and all(re.fullmatch(r"-?\d+(\.\d+)?", n) for n in names):
                    # numeric-looking codes (stock codes) on an axis Plotly would otherwise read as numbers
                    assert _axis_layout(fig, trace, ax).type == "category", f"{page}/{section.id}: {ax} is numeric"
    print(f"{page}: view built in {built:.2f} s, {drawn} charts")  # a figure, not a timed test
    assert drawn > 0 or page == "overview"


def test_others_keep_additive_totals_and_the_largest_keep_their_order():
    frame = pd.DataFrame({"name": [f"m{i}" for i in range(50)], "share": np.arange(50, dtype=float) / 1225,
                          "avg": np.arange(50, dtype=float)})
    out = with_others(frame, "share", "name", ("share",), "en", n=10)
    assert len(out) == 11 and out["share"].sum() == pytest.approx(1.0)
    assert out["name"].iloc[-1] == "others (40)" and np.isnan(out["avg"].iloc[-1])  # averages are not summed
    assert list(out["name"][:10]) == [f"m{i}" for i in range(40, 50)]
    effects = pd.DataFrame({"v": ["a", "b", "c", "d"], "pct": [0.1, -0.9, 0.3, -0.05]})
    assert list(largest(effects, "pct", 2, absolute=True)["v"]) == ["b", "c"]  # by size, in the original order
    assert len(with_others(frame.head(5), "share", "name", ("share",), "en")) == 5
    assert others_label(3, "zh") == "其他（3 项）"
    assert shown_of("地区", 20, 300, "zh") == "地区（显示 300 项中的 20 项）" and shown_of("Region", 5, 5, "en") == "Region"
