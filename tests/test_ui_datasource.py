"""ecops.ui.datasource and the error helpers: connection messages never show any part of the URL,
file databases are refused, uploaded bytes do not linger on disk."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from ecops.ui.components import friendly_error, url_secrets
from ecops.ui.datasource import upload_digest

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


def test_typed_url_with_a_server_file_option_is_refused(tmp_path):
    at = _connect(tmp_path, "postgresql://u:p@db.example.com/shop?passfile=/etc/shadow")
    shown = _shown(at)
    assert "kept" in shown and "passfile" in at.error[0].value and "secrets.toml" in at.error[0].value
    assert "/etc/shadow" not in shown


def test_friendly_error_scrubs_every_part_of_the_url():
    url = f"postgresql+psycopg2://shopadmin:{PASSWORD}@db.example.com:5432/shop"
    exc = Exception('could not translate host name "et-pw@db.example.com" to address (user shopadmin, s3cr)')
    text = friendly_error(exc, url)
    assert "et-pw" not in text and "db.example.com" not in text and "shopadmin" not in text and "s3cr" not in text
    assert "could not translate host name" in text
    assert "s3cr@et-pw" in url_secrets(url) and "shopadmin" in url_secrets(url)
    assert re.sub(r"\w+://\S+", "", friendly_error(Exception(f"bad {url}"))) == friendly_error(Exception(f"bad {url}"))


# ------------------------------------------------------------------ uploads on disk
UPLOADS = """
import pathlib
import streamlit as st
from ecops.ui import datasource

class Up:
    def __init__(self, name, data):
        self.name, self._data = name, data
    def getvalue(self):
        return self._data

data = pathlib.Path({good!r}).read_bytes()
runs = st.session_state.setdefault("runs", [])
step = len(runs)
if step == 0:
    ok = datasource.load_upload([Up("a.csv", data)])
elif step == 1:  # same first 4 KB, different ending
    ok = datasource.load_upload([Up("a.csv", data + b"\\n")])
elif step == 2:
    ok = datasource.load_upload([Up("broken.csv", pathlib.Path({broken!r}).read_bytes())])
else:
    datasource.forget_upload()
    ok = None
folder = st.session_state.get("ecops.upload_dir")
runs.append((ok, str(folder.path) if folder else None, datasource.upload_digest([Up("a.csv", data)])))
"""


def test_upload_folders_are_removed_when_replaced_failed_or_left(tmp_path):
    from pathlib import Path

    data = Path(__file__).parent / "data"
    script = tmp_path / "uploads.py"
    script.write_text(UPLOADS.format(good=str(data / "good" / "flat_20.csv"),
                                     broken=str(data / "broken" / "ragged.csv")), encoding="utf-8")
    at = AppTest.from_file(str(script), default_timeout=120)
    at.query_params["lang"] = "en"
    for _ in range(4):
        at.run()
        assert not at.exception, at.exception
    runs = at.session_state["runs"]
    (ok1, first, digest), (ok2, second, _), (ok3, third, _), (_, fourth, _) = runs
    assert ok1 and ok2 and ok3 is False
    assert Path(first).name.startswith(f"ecops-upload-{digest[:16]}-")  # named by a hash of the full content
    assert first != second  # the same first 4 KB does not share (or overwrite) the earlier folder
    assert not Path(first).exists()  # replaced by the second upload
    assert third == second  # a failed load keeps the current upload …
    broken = upload_digest([_Up("broken.csv", (data / "broken" / "ragged.csv").read_bytes())])
    assert not list(Path(second).parent.glob(f"ecops-upload-{broken[:16]}-*"))  # … and its folder is gone
    assert fourth is None and not Path(second).exists()  # … and leaving the upload removes its files


class _Up:
    def __init__(self, name, data):
        self.name, self._data = name, data

    def getvalue(self):
        return self._data


def test_upload_digest_covers_the_full_content():
    head = b"x" * 10_000
    assert upload_digest([_Up("a.csv", head + b"1")]) != upload_digest([_Up("a.csv", head + b"2")])
    assert upload_digest([_Up("a.csv", head)]) == upload_digest([_Up("a.csv", head)])


def test_uploaded_file_names_never_leave_the_upload_folder():
    from ecops.ui.datasource import _safe_name

    assert _safe_name("..") == "upload" and _safe_name(".") == "upload" and _safe_name("") == "upload"
    assert _safe_name("../../etc/passwd") == "passwd"
    assert _safe_name("C:\\Users\\me\\订单.csv") == "订单.csv"
    assert _safe_name("![p](x.png) <b>.csv") == "![p](x.png) <b>.csv"  # kept as named; escaped where shown


def test_database_table_map_takes_one_table_per_canonical_table():
    import pandas as pd

    from ecops.mapping import SourceTable, suggest_mapping
    from ecops.ui.datasource import table_map

    heads = pd.DataFrame({"order_id": ["a", "b"], "customer_id": ["x", "y"],
                          "order_time": ["2024-01-01 10:00", "2024-01-02 11:00"]})
    mapping = suggest_mapping([SourceTable("heads_2023", tuple(heads.columns), heads),
                               SourceTable("heads_2024", tuple(heads.columns), heads)])
    mapping = mapping.with_table("heads_2023", "orders").with_table("heads_2024", "orders")
    mapping = mapping.with_column("heads_2023", "order_time", None)
    tmap, left = table_map(mapping)
    assert tmap == {"orders": ("heads_2023", {"order_id": "order_id", "customer_id": "customer_id"})}
    assert left == ["heads_2024"]
    assert table_map(mapping.with_table("heads_2023", "ignore"))[0]["orders"][0] == "heads_2024"
