"""The data page under AppTest: quality report, mapping editor, and failed loads that keep the old data."""

from pathlib import Path

from streamlit.testing.v1 import AppTest
from support.apptest import run_page

from ecops.dataset import Dataset
from ecops.loader import load_files
from ecops.quality import quality_report
from ecops.ui.state import DATASET_KEY

DATA = Path(__file__).parent / "data"


def test_sample_quality_report(sample_ds):
    at = run_page("data", sample_ds)
    assert any("sample" in m.value for m in at.markdown)
    assert not [w.value for w in at.warning], [w.value for w in at.warning]  # the report was computed …
    report = quality_report(sample_ds)
    if report.findings.empty:
        assert at.success
    else:  # … and is the one ecops.quality gives
        assert any(f"{len(report.errors)} 个错误" in m.value for m in at.markdown)
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


def _uploader_types(at) -> set[str]:
    (uploader,) = [u for u in at.get("file_uploader") if ".csv" in u.proto.type]
    return set(uploader.proto.type)


def test_uploader_accepts_old_xls_so_ecops_can_explain_it(sample_ds):
    from ecops.ingest import IngestError

    at = run_page("data", sample_ds)
    assert ".xls" in _uploader_types(at) and ".xlsx" in _uploader_types(at)
    # … and what ecops then says about such a file
    try:
        load_files([DATA / "broken" / "old_format.xls"])
    except IngestError as err:
        assert err.code == "old_xls" and ".xlsx" in err.message("en")
    else:  # pragma: no cover
        raise AssertionError("an .xls workbook must be refused with advice")


TOKEN = "A" * 20 + "b_-" + "C" * 20  # 43 URL-safe characters, like a real token


def _share_page(sample_ds, url: str | None) -> AppTest:
    from dataclasses import replace

    at = AppTest.from_file("../pages/data.py", default_timeout=120)
    at.session_state[DATASET_KEY] = replace(sample_ds, kind="saved", name="shared.csv")
    at.query_params["ds"] = TOKEN
    at.query_params["lang"] = "en"
    if url:
        at.context["url"] = url
    at.run()
    assert not at.exception, at.exception
    return at


def test_share_box_shows_a_full_link(sample_ds):
    at = _share_page(sample_ds, "https://ecops.example.com/data")
    assert [c.value for c in at.code] == [f"https://ecops.example.com/data?ds={TOKEN}"]


def test_share_box_without_the_address_explains_the_relative_link(sample_ds):
    at = _share_page(sample_ds, None)
    assert [c.value for c in at.code] == [f"?ds={TOKEN}"]
    assert any("end of the app's address" in c.value for c in at.caption)
