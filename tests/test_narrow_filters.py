"""Every page's computation survives the filters a manager can click together: narrow, odd or empty.

Small slices are where models meet variables that barely vary, categories with a handful of
rows and empty periods; each page must answer (possibly with "not enough data"), never raise.
"""

import datetime as dt
import importlib

import pytest
from support.apptest import run_page

from ecops.dataset import Filters
from ecops.report import SECTION_MODULES

NARROW = {
    "half_year_three_regions": Filters(dt.date(2024, 7, 1), dt.date(2024, 12, 31), regions=("广东", "浙江", "山东"),
                                       channels=("App", "小程序"), categories=("数码", "服饰")),
    "one_week_one_region": Filters(dt.date(2025, 3, 3), dt.date(2025, 3, 9), regions=("新疆",)),
    "one_day": Filters(dt.date(2024, 11, 11), dt.date(2024, 11, 11)),
    "no_orders": Filters(dt.date(2021, 1, 1), dt.date(2021, 1, 31)),
    "unknown_values": Filters(regions=("nowhere",), categories=("nothing",)),
}


@pytest.mark.parametrize("name", list(NARROW))
@pytest.mark.parametrize("module", SECTION_MODULES)
def test_page_computation_answers_under_narrow_filters(sample_ds, module, name):
    compute_page = importlib.import_module(f"ecops.{module}").compute_page
    compute_page(sample_ds, NARROW[name])


@pytest.mark.parametrize("name", ["one_week_one_region", "one_day", "no_orders"])
@pytest.mark.parametrize("module", SECTION_MODULES)
def test_page_renders_under_narrow_filters(sample_ds, module, name):
    """The page itself (AppTest), not only its computation: no exception and no error box."""
    params = {k: v for k, v in NARROW[name].to_params().items()}
    at = run_page(module, sample_ds, lang="en", **params)
    assert not [e.value for e in at.error], (module, name, [e.value for e in at.error])
    if name == "no_orders":  # the filters reached the page: it says there is nothing to show
        shown = " ".join(w.value for w in [*at.warning, *at.info])
        assert shown, (module, "no message on an empty period")
