"""The first screen of every page: the calls each page file makes with its default controls.

One definition for everything that needs to know what a visitor's first screen computes: the benchmark times
these calls (:mod:`ecops.bench`), and loading a dataset into a file runs them once so their slow statements are
kept in it (:mod:`ecops.rollups`).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ecops.dataset import Dataset, Filters

__all__ = ["EXTRA_FORECASTS", "SCREENS", "WAREHOUSE_PARAMS", "Screen"]

#: Extra warehouse series a user asks to forecast (the ones ranked just after the default top N).
EXTRA_FORECASTS = 10


@dataclass(frozen=True)
class Screen:
    """One screen of a page: the cached calls its page file makes, and its uncached work per rerun.

    ``calls`` runs the screen's ``state.cached`` calls in page order and returns their results;
    ``rerun`` (optional) is the page's uncached computation on every rerun, given those results.
    """

    page: str
    view: str  # "" = the page's default screen
    calls: Callable[[Dataset, Filters], list[Any]]
    rerun: Callable[[Dataset, list[Any]], Any] | None = None

    @property
    def key(self) -> str:
        return self.page if not self.view else f"{self.page}:{self.view}"


def _mod(name: str) -> Any:
    return importlib.import_module(f"ecops.{name}")


def _view(page: str, **params: Any) -> Callable[[Dataset, Filters], list[Any]]:
    def calls(ds: Dataset, f: Filters) -> list[Any]:  # pages/<page>.py: its view, built and cached in one call
        return [importlib.import_module(f"ecops.views.{page}").build(ds, f, **params)]
    return calls


def _portrait(view: str, **params: Any) -> Callable[[Dataset, Filters], list[Any]]:
    def calls(ds: Dataset, f: Filters) -> list[Any]:  # pages/portrait.py: one part per view
        p = dict(params)
        if view == "clv" and (ds.has("order_items", "unit_cost") or ds.has("products", "unit_cost")):
            p["margin_based"] = False  # the page's margin toggle, off by default
        return _view("portrait", view=view, **p)(ds, f)
    return calls


def _segments_cut(dimension: str) -> Callable[[Dataset, Filters], list[Any]]:
    def calls(ds: Dataset, f: Filters) -> list[Any]:
        # pages/segments.py, view "cuts": the view, then the first rows of the export list (files on click)
        v = importlib.import_module("ecops.views.segments").build(ds, f, view="cuts", dimension=dimension)
        values = v.params.get("segments", ())
        if not values:
            return [v]
        segments = _mod("segments")
        return [v, segments.customer_list(ds, f, dimension=dimension, value=values[0], limit=segments.LIST_SHOWN)]
    return calls


def _single(module: str, **params: Any) -> Callable[[Dataset, Filters], list[Any]]:
    def calls(ds: Dataset, f: Filters) -> list[Any]:
        return [_mod(module).compute_page(ds, f, **params)]
    return calls


#: The warehouse page's default settings (pages/warehouse.py).
WAREHOUSE_PARAMS: dict[str, Any] = dict(
    abc_a=0.80, abc_b=0.15, xyz_x=0.5, xyz_y=1.0, service_level=0.95, lead_time_weeks=2.0, lead_time_sd_weeks=0.0,
    order_cost=200.0, holding_rate=0.25, overstock_days=120.0, horizon=12, top_n=20, forecast_by="sku")


def _warehouse_extra(ds: Dataset, f: Filters) -> list[Any]:
    # The page computes its default screen, then the SKUs the user picked from its forecast options.
    warehouse = _mod("warehouse")
    base = warehouse.compute_page(ds, f, **WAREHOUSE_PARAMS)
    top = WAREHOUSE_PARAMS["top_n"]
    extra = tuple(base.forecast_options[top:top + EXTRA_FORECASTS]) or tuple(base.forecast_options[:EXTRA_FORECASTS])
    if not extra:
        return [base]
    return [base, warehouse.compute_page(ds, f, forecast_keys=extra, **WAREHOUSE_PARAMS)]


def _profit_rerun(ds: Dataset, results: list[Any]) -> Any:  # noqa: ARG001 - every rerun's signature
    # Uncached on every rerun of pages/profit.py: whether to measure elasticities by default (a row count);
    # the P&L, scenario and tornado are inside the cached view.
    return _mod("profit").measure_elasticities_by_default(ds)


SCREENS: tuple[Screen, ...] = (
    Screen("overview", "", _view("overview", grain="week", compare="previous")),
    Screen("overview", "day", _view("overview", grain="day", compare="previous")),
    Screen("overview", "yoy", _view("overview", grain="week", compare="yoy")),
    Screen("portrait", "", _portrait("rfm", bins=5, step_days=90)),
    Screen("portrait", "clusters", _portrait("clusters", k=0)),
    Screen("portrait", "cohorts", _portrait("cohorts")),
    Screen("portrait", "clv", _portrait("clv", horizon_months=6)),
    Screen("portrait", "demographics", _portrait("demographics")),
    Screen("segments", "", _segments_cut("region")),
    Screen("segments", "rfm_segment", _segments_cut("rfm_segment")),
    Screen("segments", "cluster", _segments_cut("cluster")),
    # view "basket", default controls: product level, 0.05 % support, confidence 0, lift ≥ 1, itemsets of 2,
    # baskets of at most 20 items.
    Screen("segments", "basket", _view("segments", view="basket", level="product", min_support=0.05 / 100,
                                       min_confidence=0.0, min_lift=1.0, max_len=2, max_basket=20)),
    Screen("pricing", "", _view("pricing", period_days=28)),
    Screen("promotions", "", _view("promotions", post_days=14, assumed_margin=0.35)),
    Screen("warehouse", "", _single("warehouse", **WAREHOUSE_PARAMS)),
    Screen("warehouse", "extra_forecasts", _warehouse_extra),
    Screen("logistics", "", _single("logistics")),
    Screen("satisfaction", "", _view("satisfaction", max_model_rows=30_000, repeat_window_days=90, low_score_max=2,
                                     top_words=25)),
    Screen("profit", "", _view("profit", measured=False), _profit_rerun),
    Screen("profit", "measured_elasticities", _view("profit", measured=True), _profit_rerun),
)
