"""ecops.ui.components.table: personal columns masked on screen and in its downloads, unless permitted."""

from __future__ import annotations

import io

import pandas as pd
from streamlit.testing.v1 import AppTest

SCRIPT = """
import pandas as pd
from ecops.ui import components as ui
ui.table(pd.DataFrame({"customer_id": ["13812345678", "13912345678"], "orders": [3, 1]}), name="buyers")
"""




def _run(tmp_path, reveal_switch: bool) -> AppTest:
    script = tmp_path / "table.py"
    script.write_text(SCRIPT, encoding="utf-8")
    at = AppTest.from_file(str(script), default_timeout=60)
    at.session_state["ecops.reveal_personal"] = reveal_switch
    at.run()
    assert not at.exception, at.exception
    return at


def test_customer_id_phone_numbers_are_masked_on_screen_and_in_the_download(tmp_path, monkeypatch,
                                                                            deferred_downloads):
    monkeypatch.delenv("ECOPS_ALLOW_REVEAL", raising=False)
    at = _run(tmp_path, reveal_switch=True)  # a switch without permission changes nothing
    assert at.dataframe[0].value["customer_id"].tolist() == ["138****5678", "139****5678"]
    csv = pd.read_csv(io.BytesIO(deferred_downloads["buyers.csv"]()), dtype=str, encoding="utf-8-sig")
    assert csv["customer_id"].tolist() == ["138****5678", "139****5678"]


def test_with_permission_and_the_switch_on_values_are_clear(tmp_path, monkeypatch, deferred_downloads):
    monkeypatch.setenv("ECOPS_ALLOW_REVEAL", "1")
    at = _run(tmp_path, reveal_switch=True)
    assert at.dataframe[0].value["customer_id"].tolist() == ["13812345678", "13912345678"]
    at = _run(tmp_path, reveal_switch=False)
    assert at.dataframe[0].value["customer_id"].tolist() == ["138****5678", "139****5678"]


REPORT_SCRIPT = """
from ecops.ui import components as ui
ui.report_download("overview")
"""


def test_the_all_pages_report_is_built_with_progress_once_and_kept_until_the_view_changes(tmp_path, monkeypatch,
                                                                                          sample_ds):
    from ecops import report
    from ecops.dataset import Filters
    from ecops.ui.state import DATASET_KEY

    steps: list[str] = []
    real = report.html_document

    def counted(*args, progress=None, **kw):
        return real(*args, progress=lambda name: (steps.append(name), progress(name)), **kw)

    monkeypatch.setattr(report, "html_document", counted)
    script = tmp_path / "report.py"
    script.write_text(REPORT_SCRIPT, encoding="utf-8")
    at = AppTest.from_file(str(script), default_timeout=180)
    at.session_state[DATASET_KEY] = sample_ds
    at.query_params["lang"] = "en"
    at.query_params["from"] = "2024-11-01"
    at.run()
    assert not at.exception and "ecops.report_all" not in at.session_state  # nothing built before the click
    at.button(key="btn.report.all").click().run()
    assert not at.exception, at.exception
    assert steps == list(report.SECTION_MODULES)  # one progress step per page, in page order
    key, doc = at.session_state["ecops.report_all"]
    html = doc.decode("utf-8")
    assert all(title in html for title in ("Overview", "User portrait", "Pricing", "Profit model"))
    assert key[2] == tuple(sorted(Filters.from_params({"from": "2024-11-01"}).to_params().items()))
    at.run()  # another rerun (a page switch, a widget): the built report is kept, not rebuilt
    assert len(steps) == len(report.SECTION_MODULES) and all(b.key != "btn.report.all" for b in at.button)
