"""The data page under AppTest: quality report, mapping editor, and failed loads that keep the old data."""

from pathlib import Path

from streamlit.testing.v1 import AppTest
from support.apptest import run_page

from ecops.dataset import Dataset
from ecops.loader import load_files
from ecops.ui.state import DATASET_KEY

DATA = Path(__file__).parent / "data"


def test_sample_quality_report(sample_ds):
    at = run_page("data", sample_ds)
    assert any("sample" in m.value for m in at.markdown)
    # The mapping belongs to an upload: with the sample the page says so instead of an empty editor.
    assert any("Upload files first" in i.value or "请先上传文件" in i.value for i in at.info)


def test_mapping_editor_reloads_an_upload():
    path = DATA / "good" / "taobao_gbk.csv"
    result = load_files([path])
    ds = Dataset.from_duckdb(result.con, name=path.name, fingerprint=result.fingerprint, kind="upload")
    at = AppTest.from_file("../pages/data.py", default_timeout=120)
    at.session_state[DATASET_KEY] = ds
    at.session_state["ecops.load"] = ([path], result)
    at.run()
    assert not at.exception
    editor_rows = result.mapping.sources[0].columns
    assert len(editor_rows) >= 6
    at.button(key="map.apply").click().run()
    assert not at.exception
    new = at.session_state[DATASET_KEY]
    assert new.kind == "upload" and new.fingerprint == ds.fingerprint  # same bytes, same mapping → same key


SCRIPT = '''
import streamlit as st
from ecops.ui import datasource
from ecops.ui.state import DATASET_KEY
ok = datasource.load_paths([__import__("pathlib").Path({path!r})])
st.write("switched" if ok else "kept")
'''


def test_broken_file_keeps_previous_dataset(sample_ds, tmp_path):
    script = tmp_path / "load.py"
    script.write_text(SCRIPT.format(path=str(DATA / "broken" / "ragged.csv")), encoding="utf-8")
    at = AppTest.from_file(str(script), default_timeout=120)
    at.session_state[DATASET_KEY] = sample_ds
    at.run()
    assert not at.exception
    assert at.session_state[DATASET_KEY] is sample_ds
    message = " ".join(e.value for e in at.error)
    assert "ragged.csv" in message and any(ch.isdigit() for ch in message)
    assert any(m.value == "kept" for m in at.markdown)
