"""ecops.ui.datasource and the error helpers: connection messages never show any part of the URL,
file databases are refused, uploaded bytes do not linger on disk."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from ecops.ui.components import friendly_error, url_secrets

CONNECT = """
import streamlit as st
from ecops.ui import datasource
st.write("switched" if datasource.connect({url!r}) else "kept")
"""

PASSWORD = "s3cr@et-pw"  # an unencoded '@': the driver takes 'et-pw@<host>' for the host name


def _connect(tmp_path, url: str, lang: str = "en") -> AppTest:
    script = tmp_path / "connect.py"
    script.write_text(CONNECT.format(url=url), encoding="utf-8")
    at = AppTest.from_file(str(script), default_timeout=60)
    at.query_params["lang"] = lang
    at.run()
    assert not at.exception, at.exception
    return at


def _shown(at: AppTest) -> str:
    return "\n".join([e.value for e in at.error] + [i.value for i in at.info] + [m.value for m in at.markdown])


def _pieces(text: str, n: int = 3) -> set[str]:
    return {text[i:i + n] for i in range(len(text) - n + 1)}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_failed_connection_shows_no_part_of_user_password_or_host(tmp_path, lang):
    url = f"postgresql://shopadmin:{PASSWORD}@pgsrv-7xq.invalid:5432/shop"
    at = _connect(tmp_path, url, lang)
    shown = _shown(at)
    assert "kept" in shown and at.error
    leaked = {p for p in _pieces(PASSWORD) | _pieces("shopadmin", 4) | _pieces("pgsrv-7xq.invalid", 4)
              if p in shown}
    assert not leaked, shown
    assert "postgresql" in at.error[0].value and "OperationalError" in at.error[0].value
    assert "%40" in shown  # says how to write an '@' in a password


def test_file_database_is_refused_with_a_clear_message(tmp_path, monkeypatch):
    monkeypatch.delenv("ECOPS_ALLOW_FILE_DATABASES", raising=False)
    target = tmp_path / "x.duckdb"
    at = _connect(tmp_path, f"duckdb:///{target}")
    assert "ECOPS_ALLOW_FILE_DATABASES" in at.error[0].value and "duckdb" in at.error[0].value
    assert not target.exists()
    at = _connect(tmp_path, f"sqlite:///{target}", "zh")
    assert "服务器上的文件" in at.error[0].value and not target.exists()


def test_friendly_error_scrubs_every_part_of_the_url():
    url = f"postgresql+psycopg2://shopadmin:{PASSWORD}@db.example.com:5432/shop"
    exc = Exception('could not translate host name "et-pw@db.example.com" to address (user shopadmin, s3cr)')
    text = friendly_error(exc, url)
    assert "et-pw" not in text and "db.example.com" not in text and "shopadmin" not in text and "s3cr" not in text
    assert "could not translate host name" in text
    assert "s3cr@et-pw" in url_secrets(url) and "shopadmin" in url_secrets(url)
    assert re.sub(r"\w+://\S+", "", friendly_error(Exception(f"bad {url}"))) == friendly_error(Exception(f"bad {url}"))
