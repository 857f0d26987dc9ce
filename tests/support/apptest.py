"""Helpers for AppTest page tests: run a page on a dataset, read its KPIs and text."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from ecops.ui.state import DATASET_KEY

PAGES = Path(__file__).resolve().parents[2] / "pages"


def run_page(page: str, ds, timeout: float = 180, **params: str) -> AppTest:
    """Run ``pages/<page>.py`` on ``ds`` with URL parameters; fails the test on any exception."""
    at = AppTest.from_file(str(PAGES / f"{page}.py"), default_timeout=timeout)
    at.session_state[DATASET_KEY] = ds
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def metrics(at: AppTest) -> dict[str, str]:
    """KPI label → shown value."""
    return {m.label: m.value for m in at.metric}


def page_text(at: AppTest) -> str:
    """Markdown, captions and info boxes of a page, one per line."""
    return "\n".join([m.value for m in at.markdown] + [c.value for c in at.caption] + [i.value for i in at.info])


def plain(text: str) -> str:
    """Markdown as the reader sees it: backslash escapes and HTML entities of data values resolved."""
    import html
    import re

    return html.unescape(re.sub(r"\\(.)", r"\1", text))


def page_words(at: AppTest) -> str:
    """:func:`page_text` as the reader sees it (see :func:`plain`)."""
    return plain(page_text(at))
