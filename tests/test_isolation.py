"""Two people upload different files to one server: each sees only their own data (real browser)."""

import pandas as pd
import pytest
from support.browser import (
    assert_no_exception,
    expect_script_run,
    track_script_runs,
    upload_on_data_page,
    wait_for_streamlit,
)

from ecops.sample import flat_export, generate

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def two_files(tmp_path_factory):
    """Two large exports identical except for a few rows at the very end.

    Over 50,000 rows: past that size Streamlit hashes a DataFrame from a sample of its rows, so a
    cache keyed on the frame instead of the full bytes would mix these two files up.
    """
    folder = tmp_path_factory.mktemp("iso")
    flat = flat_export(generate(34_000, seed=21).tables)
    assert len(flat) > 50_000
    a = folder / "export_a.csv"
    flat.to_csv(a, index=False)
    b_frame = flat.copy()
    b_frame.loc[b_frame.index[-3:], "quantity"] = b_frame.loc[b_frame.index[-3:], "quantity"] + 100
    b = folder / "export_b.csv"
    b_frame.to_csv(b, index=False)
    return {"a": (a, flat), "b": (b, b_frame)}


def _gmv_text(frame: pd.DataFrame) -> str:
    """GMV as the overview shows it in English (non-cancelled lines, ¥ millions)."""
    ok = frame[frame["status"] != "cancelled"]
    return f"¥{(ok['quantity'] * ok['unit_price']).sum() / 1e6:,.2f}M"


def test_uploads_are_private_to_each_session(browser, streamlit_server, two_files):
    expected = {who: _gmv_text(frame) for who, (_, frame) in two_files.items()}
    assert expected["a"] != expected["b"]  # the files differ in three rows only
    pages = {}
    for who in ("a", "b"):
        ctx = browser.new_context(viewport={"width": 1400, "height": 900}, locale="en-US")
        pages[who] = ctx.new_page()
        pages[who].set_default_timeout(60_000)
        track_script_runs(pages[who])
        upload_on_data_page(pages[who], streamlit_server, two_files[who][0])
    for who, page in pages.items():
        # Navigate inside the app (a reload would start a new Streamlit session).
        with expect_script_run(page, timeout_ms=120_000):
            page.locator('[data-testid="stSidebarNav"] a').first.click()
        page.wait_for_function("() => document.querySelectorAll('[data-testid=\"stMetric\"]').length >= 6",
                               timeout=120_000)
        assert_no_exception(page, streamlit_server)
        kpis = " ".join(page.locator('[data-testid="stMetric"]').all_inner_texts())
        other = "b" if who == "a" else "a"
        assert expected[who] in kpis, (who, kpis)
        assert expected[other] not in kpis
        sidebar = page.locator('[data-testid="stSidebar"]').inner_text()
        assert two_files[who][0].name in sidebar and two_files[other][0].name not in sidebar
    # A third person who opens the app sees the sample, not anyone's upload.
    third = browser.new_context(locale="en-US").new_page()
    third.goto(f"{streamlit_server.url}/?lang=en")
    wait_for_streamlit(third)
    third.wait_for_function("() => document.querySelectorAll('[data-testid=\"stMetric\"]').length >= 6",
                            timeout=120_000)
    sidebar = third.locator('[data-testid="stSidebar"]')
    try:
        third.wait_for_function("() => document.querySelector('[data-testid=\"stSidebar\"]')"
                                ".innerText.includes('built-in sample')", timeout=30_000)
    except Exception:
        raise AssertionError(f"a new session's sidebar does not show the sample:\n{sidebar.inner_text()}\n"
                             f"--- server log ---\n{streamlit_server.log_tail()}") from None
    assert not any(f[0].name in sidebar.inner_text() for f in two_files.values())
    for page in (*pages.values(), third):
        page.context.close()
