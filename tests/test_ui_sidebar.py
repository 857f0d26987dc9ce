"""The shared sidebar under AppTest: the uploaded file name is never markup, the reveal switch needs permission."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from ecops.dataset import Dataset
from ecops.ui.state import DATASET_KEY

SCRIPT = """
from ecops.ui import sidebar
sidebar.render()
"""


def _sidebar(tmp_path, ds) -> AppTest:
    script = tmp_path / "sidebar_app.py"
    script.write_text(SCRIPT, encoding="utf-8")
    at = AppTest.from_file(str(script), default_timeout=120)
    at.session_state[DATASET_KEY] = ds
    at.session_state["ecops.reveal_personal"] = True  # as if the switch had been turned on
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("name", ['<img src=x onerror="alert(1)">.csv', "<b>bold</b>[link](https://evil.example).csv"])
def test_dataset_name_is_escaped(tmp_path, sample_ds, name, monkeypatch):
    monkeypatch.delenv("ECOPS_ALLOW_REVEAL", raising=False)
    ds = Dataset(sample_ds.engine, sample_ds.sources, name, sample_ds.fingerprint, "upload")
    at = _sidebar(tmp_path, ds)
    shown = next(m.value for m in at.sidebar.markdown if "upload" in m.value or "上传" in m.value)
    assert "<img" not in shown and "<b>" not in shown and "](" not in shown
    assert "&lt;" in shown  # still visible as text


def test_reveal_switch_only_with_permission(tmp_path, sample_ds, monkeypatch):
    from ecops.ui import components

    monkeypatch.delenv("ECOPS_ALLOW_REVEAL", raising=False)
    at = _sidebar(tmp_path, sample_ds)
    assert [t.key for t in at.toggle] == []
    assert "ecops.reveal_personal" not in at.session_state  # a switch left on does not count any more
    monkeypatch.setenv("ECOPS_ALLOW_REVEAL", "1")
    at = _sidebar(tmp_path, sample_ds)
    assert [t.key for t in at.toggle] == ["ecops.reveal_personal"]
    assert components.reveal_allowed()


def test_quick_period_sets_the_last_days_of_the_data(tmp_path, sample_ds):
    import datetime as dt

    from ecops.ui.sidebar import quick_period

    lo, hi = sample_ds.date_bounds()
    assert quick_period("90", lo, hi) == (hi - dt.timedelta(days=89), hi)
    assert quick_period("all", lo, hi) == (lo, hi)
    assert quick_period("365", hi - dt.timedelta(days=10), hi) == (hi - dt.timedelta(days=10), hi)  # not before the data

    at = _sidebar(tmp_path, sample_ds)
    at.sidebar.selectbox(key="flt.quick").set_value("90").run()
    assert not at.exception, at.exception
    assert tuple(at.session_state["flt.period"]) == (hi - dt.timedelta(days=89), hi)
    # The period becomes the global filter (and so the URL); the end is the data's last day: not written.
    assert at.session_state["ecops.globals"].get("from") == (hi - dt.timedelta(days=89)).isoformat()
    assert "to" not in at.session_state["ecops.globals"]
    assert at.sidebar.selectbox(key="flt.quick").value is None  # ready for the next choice
