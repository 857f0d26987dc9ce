"""Charts that scale: with 5,000 SKUs, 300 regions, 60 carriers, 60 campaigns and 40 return reasons, every chart
of every page (and of every breakdown a page offers) shows at most about 30 members per axis and in its legend,
identifiers stay categories, the "others" bars keep totals right, and a page's "members per chart" control is
obeyed."""

from __future__ import annotations

import importlib
import json
import re
import time

import numpy as np
import pandas as pd
import pytest
from support.apptest import run_page
from support.wide_shop import wide_tables

from ecops.charts.top import TOP_CHOICES, TOP_N, largest, others_label, shown_of, top_of, with_others
from ecops.dataset import Dataset
from ecops.sample import generate
from ecops.views import BUILDERS, with_top

#: More members than this on one axis (about 30) is a chart nobody can read, and a browser that stalls.
MOST = 31

#: The breakdowns a page offers besides its default, each a view of its own.
VARIANTS: dict[str, tuple[dict, ...]] = {
    "segments": ({"view": "cuts", "dimension": "category"}, {"view": "cuts", "dimension": "city"}),
    "logistics": ({"dim": "carrier"}, {"dim": "warehouse"}, {"dim": "month"}),
    "profit": tuple({"dim": d} for d in ("product", "category", "region", "promotion", "segment", "month")),
}

_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def wider_tables() -> dict[str, pd.DataFrame]:
    """The wide shop made harder: region codes that look like numbers (110007), the 12 campaigns split into 60
    named by number, returns of the shop's own SKUs for 40 reasons coded as numbers."""
    t = wide_tables()
    rng = np.random.default_rng(11)
    for name in ("orders", "customers"):
        t[name]["region"] = (110_000 + t[name]["region"].str[-3:].astype(int)).astype(str)
    promos = t["promotions"]
    copies = pd.concat([promos.assign(copy=i) for i in range(5)], ignore_index=True)
    copies["new_id"] = [str(9_000 + i) for i in range(len(copies))]
    t["promotions"] = copies.assign(promotion_id=copies["new_id"], name=copies["new_id"]).drop(columns=["copy",
                                                                                                         "new_id"])
    ids = copies.set_index(["promotion_id", "copy"])["new_id"]
    orders = t["orders"]
    has = orders["promotion_id"].notna()
    pick = rng.integers(0, 5, int(has.sum()))
    orders.loc[has, "promotion_id"] = ids.reindex(list(zip(orders.loc[has, "promotion_id"], pick,
                                                           strict=True))).to_numpy()
    first_item = t["order_items"].drop_duplicates("order_id").set_index("order_id")["product_id"]
    returns = t["returns"]
    returns["product_id"] = returns["order_id"].map(first_item)
    returns["reason"] = (100 + rng.integers(0, 40, len(returns))).astype(str)
    return t


@pytest.fixture(scope="module")
def wide_ds() -> Dataset:
    return Dataset.from_frames(wider_tables(), name="wide")


@pytest.fixture(scope="module")
def views(wide_ds) -> dict[tuple[str, str], tuple]:
    """(page, breakdown) → (view, seconds to build it) for every page and every breakdown it offers."""
    out = {}
    for page, build in BUILDERS.items():
        for params in ({}, *VARIANTS.get(page, ())):
            started = time.perf_counter()
            view = build(wide_ds, None, **params)
            out[page, ",".join(f"{k}={v}" for k, v in params.items())] = (view, time.perf_counter() - started)
    return out


def _figures(view, lang: str = "zh"):
    charts = importlib.import_module(f"ecops.charts.{view.page}")
    for section in view.sections:
        if section.figure is not None:
            yield section.id, charts.FIGURES[section.figure.kind.split(".", 1)[1]](section.figure.data, lang, "CNY")


def _members(fig) -> dict[str, set[str]]:
    """Axis (``xaxis``, ``yaxis2`` …, or ``labels`` of a pie) → the names on it, over all traces; numeric and
    time axes are left out."""
    out: dict[str, set[str]] = {}
    for trace in fig.data:
        for ax in ("x", "y", "labels"):
            values = getattr(trace, ax, None)
            if values is None or isinstance(values, str | int | float):
                continue
            values = list(values)
            names = [v for v in values if isinstance(v, str)]
            if names and len(names) >= len(values) / 2:
                ref = "labels" if ax == "labels" else f"{ax}axis{(getattr(trace, f'{ax}axis', None) or ax)[1:]}"
                out.setdefault(ref, set()).update(names)
    return out


def _problems(fig) -> list[str]:
    """What makes ``fig`` unreadable on a wide shop: too many members on an axis or in the legend, codes that
    look like numbers on an axis Plotly would read as numbers, too many text labels."""
    found = []
    for ref, names in _members(fig).items():
        if len(names) > MOST:
            found.append(f"{len(names)} members on {ref}")
        if ref != "labels" and any(_NUMBER.fullmatch(n) for n in names) and fig.layout[ref].type != "category":
            found.append(f"{ref} holds codes that look like numbers ({sorted(names)[0]}) but is not a category axis")
    legend = [tr for tr in fig.data
              if tr.type not in ("pie", "heatmap", "sankey") and getattr(tr, "showlegend", None) is not False]
    if fig.layout.showlegend is not False and len(legend) > MOST:
        found.append(f"{len(legend)} legend entries")
    for trace in fig.data:
        text = getattr(trace, "text", None)
        if text is None or isinstance(text, str) or getattr(trace, "textposition", None) == "none":
            continue
        # a text label per bar or marker makes the browser measure each one: 5,000 of them stalled it
        if trace.type == "bar" and len(text) > 100:
            found.append(f"{len(text)} text labels on bars")
        if trace.type == "scatter" and "text" in (trace.mode or "") and len(text) > MOST:
            found.append(f"{len(text)} labelled markers")
    return found


@pytest.mark.parametrize("page", list(BUILDERS))
def test_every_chart_of_every_view_stays_readable(views, page):
    drawn = 0
    for (name, params), (view, seconds) in views.items():
        if name != page:
            continue
        problems = [f"{page}[{params}]/{sid}: {p}" for sid, fig in _figures(view) for p in _problems(fig)]
        assert not problems, "\n".join(problems)
        drawn += sum(1 for _ in _figures(view))
        print(f"{page}[{params}]: view built in {seconds:.2f} s on the wide shop")  # a figure, not a timed test
    assert drawn > 0


@pytest.mark.parametrize(("page", "params"), [("segments", ""), ("logistics", ""), ("profit", "dim=region"),
                                              ("pricing", ""), ("satisfaction", ""), ("promotions", "")])
def test_the_members_per_chart_control_is_obeyed(views, page, params):
    view = views[page, params][0]
    for top in TOP_CHOICES:
        widest = max(len(m) for _, fig in _figures(with_top(view, top)) for m in _members(fig).values())
        assert widest <= top + 1  # the members asked for and one "others"
    assert widest > TOP_N + 1  # 30 is more than the default: the control reached the charts


def _sum(fig, axis: str = "y", name: str | None = None) -> float:
    return float(sum(np.nansum(np.asarray(getattr(tr, axis), dtype=float)) for tr in fig.data
                     if tr.type == "bar" and (name is None or tr.name == name)))


def test_others_keep_totals_on_the_wide_shop(views):
    def figure(page, params, sid, lang="en"):
        view = views[page, params][0]
        return dict(_figures(view, lang))[sid], view.section(sid).figure.data

    cut, data = figure("segments", "", "cut")
    assert len(data["cut"].table) == 300 and others_label(280, "en") in cut.data[0].x
    assert _sum(cut, name=cut.data[0].name) == pytest.approx(float(data["cut"].table["customer_share"].sum()))
    by, data = figure("profit", "dim=region", "by_dim")
    assert _sum(by) == pytest.approx(float(data["table"]["cm"].sum()))
    hist, data = figure("logistics", "", "hist")
    assert len(hist.data) == TOP_N + 1 and _sum(hist) == pytest.approx(float(data["dlv"].histogram["orders"].sum()))
    reason, data = figure("satisfaction", "", "reason")
    assert _sum(reason, "x") == pytest.approx(float(data["returns"].by_reason["returns"].sum()))
    lift, data = figure("promotions", "", "lift")
    ok = data["campaigns"][data["campaigns"]["status"] == "ok"]
    assert len(ok) > TOP_N and _sum(lift, name=lift.data[0].name) == pytest.approx(float(ok["gmv_incremental"].sum()))


@pytest.mark.parametrize(("page", "chart", "params"), [("segments", 0, {}), ("logistics", 1, {}),
                                                     ("profit", 1, {"dim": "region"})])
def test_the_pages_control_lives_in_the_link_and_a_wrong_value_gives_way_to_the_default(page, chart, params):
    """The segments, logistics and profit pages draw their breakdown by region (20 in the small sample) with the
    members the link asks for; a value not offered gives way to the default, with the usual note."""
    ds = Dataset.from_frames(generate(3000, seed=11).tables, name="small")
    for raw, top in (("10", 10), ("7", TOP_N)):
        at = run_page(page, ds, top=raw, lang="en", **params)
        assert at.selectbox(key="w.top").value == top
        bars = json.loads(at.get("plotly_chart")[chart].proto.spec)["data"][0]["x"]
        # 10 regions and "others (10)", or all 20 regions under the default
        assert bars[-1] == others_label(10, "en") and len(bars) == 11 if top == 10 else len(bars) == 20
        assert ("could not be read" in " ".join(i.value for i in at.info)) == (raw == "7")


def test_a_figure_spec_asks_for_its_members_within_the_choices():
    assert top_of({}) == TOP_N and top_of({"top": 10}) == 10 and top_of({"top": np.int64(30)}) == 30
    for wrong in (0, -5, 31, 1000, "10", 10.0, True, None):
        assert top_of({"top": wrong}) == TOP_N


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
