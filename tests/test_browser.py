"""End to end in a real headless Chromium against ``streamlit run app.py``: every page renders, URL state."""

import datetime as dt
import re
from urllib.parse import parse_qs, urlparse

import pytest
from support.browser import (
    assert_no_exception,
    expect_script_run,
    screenshot,
    track_script_runs,
    upload_on_data_page,
    wait_for_streamlit,
)

from ecops import overview
from ecops.dataset import Filters
from ecops.i18n import catalog
from ecops.sample import flat_export, generate

pytestmark = pytest.mark.browser

#: url_path → a text the page must show (zh, the browser's locale in these tests).
#: The default page (overview) lives at the root URL.
PAGES = {
    "": "经营概览",
    "portrait": "用户画像",
    "segments": "市场细分",
    "pricing": "价格",
    "promotions": "促销",
    "warehouse": "仓储",
    "logistics": "物流",
    "satisfaction": "满意度",
    "profit": "盈利",
    "data": "数据管理",
}


#: Every translation key with a dot in it (the one-word keys could be ordinary words).
I18N_KEYS = sorted(k for k in catalog() if "." in k)


def _goto(page, server, path: str) -> None:
    page.goto(f"{server.url}/{path}")
    wait_for_streamlit(page)


def _wait_metrics(page, n: int = 6) -> str:
    """Wait until the KPI row is rendered (the first load also builds the sample)."""
    page.wait_for_function(f"() => document.querySelectorAll('[data-testid=\"stMetric\"]').length >= {n}",
                           timeout=90_000)
    wait_for_streamlit(page)
    return " ".join(page.locator('[data-testid="stMetric"]').all_inner_texts())


def test_overview_shows_kpis(page, streamlit_server, sample_ds):
    _goto(page, streamlit_server, "")
    assert_no_exception(page, streamlit_server)
    k = overview.kpis(sample_ds)
    text = _wait_metrics(page)
    assert f"{k.orders:,}" in text and f"{k.customers:,}" in text
    screenshot(page, "overview")


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("path,expected", PAGES.items())
def test_every_page_renders(page, streamlit_server, path, expected, lang):
    """Every page in both languages: it renders, its charts draw, it shows a costed action, and no text is
    left half-made — no translation key standing in for its text, no unfilled {placeholder}, no NaN/None/inf
    shown as a value."""
    _goto(page, streamlit_server, f"{path}?lang={lang}")
    assert_no_exception(page, streamlit_server)
    text = page.locator('[data-testid="stMain"]').inner_text()
    if lang == "zh":
        assert expected in text
    assert not page.evaluate("() => document.getElementById('root').hasAttribute('inert')"), "a dialog is open"
    if path != "data":  # every analysis page draws at least one chart, and it must really render
        page.wait_for_function("() => document.querySelectorAll('[data-testid=\"stPlotlyChart\"] .main-svg')"
                               ".length > 0", timeout=60_000)
        text = page.locator('[data-testid="stMain"]').inner_text()
        # and ends in something to do, with the money at stake in the dataset's currency (issue 14)
        assert re.search(r"(涉及金额：|at stake: )-?¥", text), f"/{path} ({lang}) shows no costed action"
    sidebar = page.locator('[data-testid="stSidebar"]').inner_text()
    for where, shown in (("page", text), ("sidebar", sidebar)):
        keys = [k for k in I18N_KEYS if k in shown]
        assert not keys, f"{where} of /{path} ({lang}) shows translation keys instead of text: {keys[:5]}"
        holes = re.findall(r"\{[a-z_]+(?::[^}]*)?\}", shown)
        assert not holes, f"{where} of /{path} ({lang}) shows unfilled placeholders: {holes[:5]}"
        missing = re.findall(r"(?<![\w.])(?:nan|NaN|None|NaT|inf|-inf)(?![\w.])", shown)
        assert not missing, f"{where} of /{path} ({lang}) shows missing values as {missing[:5]}"
    screenshot(page, f"page_{path or 'overview'}_{lang}")


def test_copied_url_restores_filters(page, browser, streamlit_server, sample_ds):
    _goto(page, streamlit_server, "?lang=en")
    _wait_metrics(page)
    region = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').first
    with expect_script_run(page):
        # The region box sits near the bottom of the sidebar: typing opens and filters its list.
        region.scroll_into_view_if_needed()
        region.click()
        page.keyboard.type("广东")
        page.get_by_role("option", name="广东").click()
    with expect_script_run(page):
        page.get_by_text("year", exact=False).first.click()  # compare with same period last year
    page.keyboard.press("Escape")
    url = page.url
    params = parse_qs(urlparse(url).query)
    assert params.get("region") == ["广东"] and params.get("lang") == ["en"]
    assert params.get("compare") == ["yoy"]

    # A teammate opens the copied link in a fresh browser context.
    other = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN").new_page()
    other.goto(url)
    wait_for_streamlit(other)
    assert_no_exception(other, streamlit_server)
    k = overview.kpis(sample_ds, Filters(regions=("广东",)))
    text = _wait_metrics(other)
    assert f"{k.orders:,}" in text and "Orders" in text
    assert "广东" in other.locator('[data-testid="stSidebar"]').inner_text()
    screenshot(other, "overview_from_shared_link")
    other.context.close()


def test_saved_dataset_opens_from_its_link_with_filters_and_only_its_owner_deletes_it(browser, streamlit_server,
                                                                                       tmp_path):
    flat = flat_export(generate(3000, seed=33).tables)
    path = tmp_path / "shop_export_share.csv"
    flat.to_csv(path, index=False)
    region = flat["region"].value_counts().index[0]
    ok = flat[(flat["status"] != "cancelled") & (flat["region"] == region)]
    expected_orders = f"{ok['order_id'].nunique():,}"

    def new_page():
        page = browser.new_context(viewport={"width": 1400, "height": 900}, locale="en-US").new_page()
        page.set_default_timeout(60_000)
        track_script_runs(page)
        return page

    owner = new_page()
    upload_on_data_page(owner, streamlit_server, path)
    owner.get_by_role("tab", name="Save & share").click()
    with expect_script_run(owner):
        owner.get_by_role("button", name="Save and create link").click()
    link = owner.locator('[data-testid="stCode"]').first.inner_text().strip()
    token = parse_qs(urlparse(link).query)["ds"][0]
    assert len(token) >= 22 and link.startswith(streamlit_server.url), link  # ≥128 bits, a full address
    assert owner.get_by_role("button", name="Delete the saved dataset").count() == 1

    # A teammate opens the overview of the shared dataset with a region filter.
    mate = new_page()
    mate.goto(f"{streamlit_server.url}/?ds={token}&region={region}&lang=en")
    wait_for_streamlit(mate)
    assert_no_exception(mate, streamlit_server)
    text = _wait_metrics(mate)
    assert expected_orders in text, (expected_orders, text)
    sidebar = mate.locator('[data-testid="stSidebar"]').inner_text()
    assert "shared dataset" in sidebar and path.name in sidebar and region in sidebar
    screenshot(mate, "overview_of_shared_dataset")
    # … and cannot delete it.
    mate.goto(f"{streamlit_server.url}/data?ds={token}&lang=en")
    wait_for_streamlit(mate)
    mate.get_by_role("tab", name="Save & share").click()
    assert mate.get_by_role("button", name="Delete the saved dataset").count() == 0
    assert "Only the person who saved" in mate.locator('[data-testid="stMain"]').inner_text()

    # The owner deletes it: the link stops working and shows the sample with a message.
    with expect_script_run(owner):
        owner.get_by_role("button", name="Delete the saved dataset").click()
    late = new_page()
    late.goto(f"{streamlit_server.url}/?ds={token}&lang=en")
    wait_for_streamlit(late)
    _wait_metrics(late)
    main = late.locator('[data-testid="stMain"]').inner_text()
    assert late.locator('[data-testid="stAlertContentWarning"]').count() >= 1, main
    # The sidebar's data-source caption renders after the KPI row: wait for it instead of reading it once.
    late.wait_for_function("() => (document.querySelector('[data-testid=\"stSidebar\"]')?.innerText || '')"
                           ".includes('built-in sample')", timeout=30_000)
    for page in (owner, mate, late):
        page.context.close()


def test_quick_period_gives_the_kpis_a_comparison(page, streamlit_server, sample_ds):
    _goto(page, streamlit_server, "?lang=en")
    _wait_metrics(page)
    assert page.locator('[data-testid="stMetricDelta"]').count() == 0  # the whole data: nothing before it
    with expect_script_run(page):
        page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first.click()
        page.get_by_role("option", name="Last 90 days").click()
    lo, hi = sample_ds.date_bounds()
    start = hi - dt.timedelta(days=89)
    assert parse_qs(urlparse(page.url).query).get("from") == [start.isoformat()]
    k = overview.compare_kpis(sample_ds, Filters(start=start))
    text = _wait_metrics(page)
    assert f"{k.current.orders:,}" in text
    assert page.locator('[data-testid="stMetricDelta"]').count() >= 5
    screenshot(page, "overview_last_90_days")


#: Markup a shop's own data may carry (issue 17 item 1): an image, a tag, a link and bold text.
HOSTILE_VALUES = ("![p](http://host/x.png)", "<img src=http://host/y.png onerror=alert(1)>",
                  "[click](http://host/z)", "<b>bold</b>**bold**")


def test_markup_from_an_upload_stays_text_on_every_page(tmp_path, streamlit_server, page):
    """Product ids, categories, regions and the file name carry markup: on every page, nothing of it becomes
    an element (image, link, bold) and the browser requests nothing the data named."""
    import pandas as pd

    n = 600
    frame = pd.DataFrame({
        "order_id": [f"O{i // 2}" for i in range(n)],
        "customer_id": [f"C{i % 61}" for i in range(n)],
        "order_time": pd.date_range("2024-01-01", periods=n, freq="5h").strftime("%Y-%m-%d %H:%M"),
        "product_id": [HOSTILE_VALUES[i % 4] + f" {i % 9}" for i in range(n)],
        "category": [HOSTILE_VALUES[(i + 1) % 4] for i in range(n)],
        "region": [HOSTILE_VALUES[(i + 2) % 4] for i in range(n)],
        "quantity": [1 + i % 3 for i in range(n)],
        "unit_price": [10.0 + (i % 9) * 3 + (i // 150) for i in range(n)],
    })
    path = tmp_path / "![n](n.png)<img src=n.png>.csv"
    frame.to_csv(path, index=False)
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    upload_on_data_page(page, streamlit_server, path)
    links = page.locator('[data-testid="stSidebarNav"] a')
    visited = []
    for i in range(links.count()):
        with expect_script_run(page, timeout_ms=120_000):
            links.nth(i).click()
        wait_for_streamlit(page)
        page.wait_for_timeout(500)  # charts and tables draw after the script run ends
        assert_no_exception(page, streamlit_server)
        app = page.locator('[data-testid="stApp"]')
        visited.append(page.url)
        made = app.locator('img[src*="host"], img[src*="png"], a[href*="host"], b:has-text("bold")')
        assert made.count() == 0, (page.url, [made.nth(k).evaluate(
            "e => { let p = e, ids = []; while (p) { if (p.dataset && p.dataset.testid) ids.push(p.dataset.testid);"
            " p = p.parentElement; } return e.outerHTML + ' in ' + ids.slice(0, 6).join(' < '); }") for k in range(made.count())])
        assert "uploaded files" in app.inner_text()  # still the upload: navigation kept the session
    assert len(visited) == len(PAGES)
    assert not [u for u in fetched if "host/" in u or u.rsplit("/", 1)[-1] in ("x.png", "y.png", "n.png")], fetched


@pytest.fixture(scope="module")
def wide_token():
    """The wide shop (5,000 SKUs, 300 regions, 60 carriers) saved in the app's workspace: its link's token."""
    import os
    from pathlib import Path

    import duckdb
    from support.wide_shop import wide_tables

    from ecops.dataset import Dataset, write_tables
    from ecops.workspace import Workspace

    root = Path(os.environ.get("ECOPS_WORKSPACE_DIR") or Path(__file__).resolve().parents[1] / "data" / "workspace")
    con = duckdb.connect()
    write_tables(con, wide_tables())
    ds = Dataset.from_duckdb(con, name="wide shop", fingerprint="wide-shop", kind="upload", currency="CNY")
    ws = Workspace(root)
    token = ws.save(con, mapping_json="{}", meta={"name": ds.name, "fingerprint": ds.fingerprint, "currency": "CNY"})
    yield token
    ws.delete(token)


@pytest.mark.parametrize("path", [p for p in PAGES if p != "data"])
def test_every_page_of_a_5000_sku_shop_renders(page, streamlit_server, wide_token, path):
    """Issue 14: with 5,000 SKUs and 300 regions every page renders its charts (no 5,000-bar chart stalling
    the browser) and its time to the last chart is printed — a figure, not a timed test."""
    import time

    started = time.perf_counter()
    _goto(page, streamlit_server, f"{path}?ds={wide_token}&lang=zh")
    assert_no_exception(page, streamlit_server)
    page.wait_for_function("() => document.querySelectorAll('[data-testid=\"stPlotlyChart\"] .main-svg')"
                           ".length > 0", timeout=60_000)
    bars = page.evaluate("() => Math.max(0, ...Array.from(document.querySelectorAll("
                         "'[data-testid=\"stPlotlyChart\"] .xtick, [data-testid=\"stPlotlyChart\"] .ytick'))"
                         ".map(t => t.parentNode.childElementCount))")
    print(f"/{path or 'overview'} on the wide shop: {time.perf_counter() - started:.1f} s to the first chart")
    assert "wide shop" in page.locator('[data-testid="stSidebar"]').inner_text()
    assert bars <= 40, f"/{path}: an axis with {bars} ticks"
    screenshot(page, f"wide_shop_{path or 'overview'}")


#: Pages with KPI rows, and the widths a manager's screen has.
_KPI_PAGES = ("", "portrait", "warehouse", "logistics", "profit")


@pytest.mark.parametrize("width", [1280, 1920])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_kpi_labels_are_whole_and_apart_from_their_values(browser, streamlit_server, width, lang):
    """Issue 14 item 5: at 1280–1920 px no KPI label is cut off (ellipsis) or runs into its value."""
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(60_000)
    track_script_runs(page)
    try:
        for path in _KPI_PAGES:
            _goto(page, streamlit_server, f"{path}?lang={lang}")
            page.wait_for_function("() => document.querySelectorAll('[data-testid=\"stMetric\"]').length > 0",
                                   timeout=90_000)
            problems = page.evaluate("""() => Array.from(document.querySelectorAll('[data-testid="stMetric"]'))
                .map(m => {
                  const label = m.querySelector('[data-testid="stMetricLabel"]');
                  const value = m.querySelector('[data-testid="stMetricValue"]');
                  if (!label || !value) return null;
                  const cut = Array.from(label.querySelectorAll('*')).concat([label])
                    .some(e => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).textOverflow === 'ellipsis');
                  const glued = label.getBoundingClientRect().bottom > value.getBoundingClientRect().top + 1;
                  return (cut || glued) ? `${label.innerText} (${cut ? 'cut' : 'glued'})` : null;
                }).filter(Boolean)""")
            assert not problems, f"/{path} at {width}px ({lang}): {problems}"
            screenshot(page, f"kpis_{path or 'overview'}_{lang}_{width}")
    finally:
        context.close()


def test_what_if_controls_work_from_the_keyboard(page, streamlit_server):
    """Issue 14 item 5: the pricing what-if slider takes focus and moves with the arrow keys, and the page
    recomputes with the new value (kept in the link)."""
    _goto(page, streamlit_server, "pricing?lang=en&wi_pct=5")
    assert_no_exception(page, streamlit_server)
    # the slider's keyboard handle is a (visually hidden) range input in the tab order
    handle = page.locator('[data-testid="stSlider"] input[type="range"]').first
    handle.wait_for(state="attached", timeout=90_000)
    assert handle.input_value() == "5"
    handle.focus()
    with expect_script_run(page):
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")
    wait_for_streamlit(page)
    assert handle.input_value() == "7"
    page.wait_for_function("() => window.location.search.includes('wi_pct=7')", timeout=30_000)
