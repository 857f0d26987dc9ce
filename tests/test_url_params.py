"""Hand-edited shared links: every URL parameter a page reads is clamped or defaulted with a note, never a crash.

Driven through AppTest with query parameters, on a small sample so that the property runs many links.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.apptest import page_text, plain, run_page

from ecops import profit
from ecops.dataset import Dataset
from ecops.sample import generate
from ecops.ui.state import FILTER_KEYS

PAGES = Path(__file__).resolve().parents[1] / "pages"
_WIDGET = re.compile(r'ui\.(?:slider|number|select|radio|multiselect|toggle)\(\s*(?:t\([^()]*\)|"[^"]*"|[^,()]+)'
                     r'\s*,\s*"([\w.]+)"')


def page_params(page: str) -> list[str]:
    """The URL parameters a page reads: the names of its URL-backed widgets (read from its source)."""
    names = _WIDGET.findall((PAGES / f"{page}.py").read_text(encoding="utf-8"))
    if page == "profit":  # the assumption inputs are named after the Assumptions fields
        names += [f.name for f in dataclasses.fields(profit.Assumptions)]
    if page == "overview":  # the KPI targets are one parameter behind several inputs
        names.append("targets")
    return sorted(set(names))


ANALYSIS_PAGES = ["overview", "portrait", "segments", "pricing", "promotions", "warehouse", "logistics",
                  "satisfaction", "profit"]


@pytest.fixture(scope="module")
def small_ds():
    return Dataset.from_frames(generate(3000, seed=11).tables, name="small")


def _problems(at) -> list[str]:
    """Error boxes and "could not be computed" warnings: what a bad link must never cause."""
    shown = [e.value for e in at.error] + [w.value for w in at.warning if "could not be computed" in w.value]
    return [s for s in shown if s]


def _notes(at) -> list[str]:
    return [i.value for i in at.info if "The link's value" in i.value]


# --------------------------------------------------------------------------- the three links


@pytest.mark.parametrize(("page", "name", "raw", "widget", "used", "note"), [
    ("warehouse", "horizon", "100000", "slider", 26, "outside 4–26; 26 is used"),
    ("portrait", "bins", "999", "slider", 10, "outside 3–10; 10 is used"),
    ("satisfaction", "top", "-5", "slider", 10, "outside 10–50; 10 is used"),
    ("warehouse", "horizon", "1e999", "slider", 12, "could not be read; the default 12 is used"),
    ("warehouse", "horizon", "nan", "slider", 12, "could not be read; the default 12 is used"),
    ("warehouse", "lead", "-3", "number_input", 0.0, "outside 0.0–"),
    ("portrait", "view", "<script>", "radio", "rfm", "could not be read; the default rfm is used"),
])
def test_out_of_range_or_malformed_values_are_clamped_with_a_note(small_ds, page, name, raw, widget, used, note):
    at = run_page(page, small_ds, lang="en", **{name: raw})
    assert not _problems(at), _problems(at)
    [shown] = _notes(at)
    assert f"“{name}”" in shown and note in shown
    assert "<script>" not in shown and raw not in shown.replace(str(used), "")  # the link's text is not echoed
    [w] = [w for w in at.get(widget) if w.key == f"w.{name}"]
    assert w.value == used
    # What the shell writes back to the URL is what is shown (app.py calls write_url at the end of the run).
    assert at.session_state["ecops.params"][name] == str(used)


def test_a_valid_value_has_no_note_and_the_note_goes_with_the_page(small_ds):
    at = run_page("warehouse", small_ds, lang="zh", horizon="20")
    assert not _notes(at) and not [i.value for i in at.info if "链接" in i.value]
    assert [w.value for w in at.slider if w.key == "w.horizon"] == [20]
    at = run_page("warehouse", small_ds, lang="zh", horizon="0")
    assert any("“horizon”" in i.value and "4–26" in i.value and "4" in i.value for i in at.info)


def test_currency_from_the_link_must_be_a_currency(small_ds):
    at = run_page("overview", small_ds, lang="en", cur="<img src=x onerror=alert(1)>")
    text = " ".join([m.value for m in at.metric] + [m.value for m in at.markdown])
    assert "<img" not in text and "¥" in text
    at = run_page("overview", small_ds, lang="en", cur="US$")
    assert "US$" in " ".join(m.value for m in at.metric)


def test_kpi_targets_live_in_the_link_and_a_hand_edited_one_is_read_as_far_as_it_makes_sense(small_ds):
    at = run_page("overview", small_ds, lang="en", **{"from": "2024-01-01", "to": "2024-01-31"},
                  targets="orders:100,gmv:1e999,<b>x</b>:1,repeat:0.5")
    text = plain(page_text(at))
    assert "Targets" in [h.value for h in at.subheader] and "Orders: " in text and "against a target of 100" in text
    assert "gmv:1e999" in text and "<b>x</b>" not in " ".join(m.value for m in at.markdown)  # named, escaped
    assert [w.value for w in at.number_input if w.key == "w.target.repeat"] == [50.0]  # a rate, in percent
    # the page parameter written to the link keeps what could be read
    assert at.session_state["ecops.params"]["targets"] == "orders:100,repeat:0.5"
    at.number_input(key="w.target.orders").set_value(0).run()
    assert at.session_state["ecops.params"]["targets"] == "repeat:0.5" and "against a target of 100" not in plain(page_text(at))


# --------------------------------------------------------------------------- property: any link


_HOSTILE = st.sampled_from([
    "", " ", "-1", "0", "1", "99999999999999999999", "-1e308", "1e999", "nan", "inf", "-inf", "0x1F", "1,5", "½",
    "2024-02-30", "9999-12-31", "0001-01-01", "|", "a|b|", "x'); DROP TABLE orders; --", "zz_marker\" OR 1=1 --",
    "<img src=x onerror=alert(1)>", "[p](http://evil.example/x.png)", "\x1b[2J", "null", "true", "其他",
])
_VALUES = st.one_of(_HOSTILE, st.integers(-10**12, 10**12).map(str),
                    st.floats(allow_nan=True, allow_infinity=True).map(repr), st.text(max_size=12))
_MARKERS = ("DROP TABLE", "zz_marker", "OR 1=1", "onerror")


@pytest.mark.parametrize("page", ANALYSIS_PAGES)
def test_property_any_link_renders_without_error_and_without_data_in_sql(small_ds, page, monkeypatch):
    names = page_params(page) + [*FILTER_KEYS, "lang", "cur"]
    assert len(names) > len(FILTER_KEYS) + 2, f"no URL parameters found for {page}"
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement)

    # DuckDB queries go from the compiled statement straight to the driver: record that text too.
    real_frame = Dataset._duckdb_frame

    def recorded_frame(self, stmt, columns=None):
        statements.append(str(stmt.compile(dialect=self.engine.dialect,
                                           compile_kwargs={"render_postcompile": True})))
        return real_frame(self, stmt, columns)

    monkeypatch.setattr(Dataset, "_duckdb_frame", recorded_frame)
    sa.event.listen(small_ds.engine, "before_cursor_execute", record)
    try:
        @settings(max_examples=10, deadline=None, derandomize=True, database=None,
                  suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
        @given(st.dictionaries(st.sampled_from(names), _VALUES, min_size=1, max_size=6))
        def one_link(params):
            at = run_page(page, small_ds, lang=params.pop("lang", "en"), **params)  # fails on any exception
            assert not _problems(at), (params, _problems(at))
            # Values from the link reach SQL only as bound parameters, never as SQL text.
            assert not [s for s in statements if any(m in s for m in _MARKERS)]

        one_link()
    finally:
        sa.event.remove(small_ds.engine, "before_cursor_execute", record)
    assert statements, "the page ran no SQL: the check above checked nothing"
