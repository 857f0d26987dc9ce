"""Data (数据管理): upload, mapping editor, quality report, connect a database, save and share."""

import os

import streamlit as st

from ecops import rollups
from ecops.ui import components as ui
from ecops.ui import currency, datasource, shared_links, state
from ecops.ui import mapping_editor as editor

t = state.translator()
ds = state.dataset()
ui.header(t("data.title"), t("data.intro"))
st.markdown(t("data.current", name=ui.md_escape(ds.name), kind=t(f"core.sidebar.kind.{ds.kind}"),
              tables=", ".join(ds.tables)))

if ds.kind == "database" and ds.writable_role:
    st.warning(t("data.writable_role"))

pending = datasource.pending()
db_wait = datasource.db_pending()
editor.currency_box(ds, waiting=pending is not None or db_wait)

# ---------------------------------------------------------------- what the loader noticed (never collapsed)
notices = datasource.load_notices(ds)
problems = [m for sev, m in notices if sev == "warning"]
facts = [m for sev, m in notices if sev != "warning"]
excluded = datasource.left_out(ds)
if problems:
    hint = "\n\n" + t("data.notes_fix") if datasource.last_load() is not None and ds.kind == "upload" else ""
    st.warning(t("data.notes_warnings", n=len(problems)) + "\n" + "\n".join(f"- {m}" for m in problems + excluded)
               + hint)
elif excluded:
    st.info("\n".join(excluded))

names = [t("data.tab.upload"), t("data.tab.mapping"), t("data.tab.quality"), t("data.tab.connect"),
         t("data.tab.share")]
# A new key while something waits for its mapping: the tabs are drawn afresh, on the mapping tab.
waiting = pending is not None or db_wait
upload, mapping_tab, quality_tab, connect_tab, share_tab = st.tabs(
    names, default=names[1] if waiting else None, key=f"data.tabs.{'fix' if waiting else 'use'}")

with upload:
    # .xls is listed so that ecops (not the browser) can say how to convert an old workbook.
    # The uploader holds the bytes for as long as it shows them: a fresh widget after each load
    # lets them go once they are on disk for the loader.
    gen = st.session_state.get("data.upload_gen", 0)
    files = st.file_uploader(t("data.upload"), type=["csv", "txt", "tsv", "xlsx", "xls", "parquet"],
                             accept_multiple_files=True, help=t("data.upload_help"), key=f"data.files.{gen}")
    mapping_file = st.file_uploader(t("data.mapping_file"), type=["json"], key=f"data.mapping_file.{gen}")
    if st.button(t("data.load"), type="primary", disabled=not files, key="data.load"):
        given, currency = editor.read_uploaded_mapping(mapping_file)
        ok = datasource.load_upload(files, given, currency)
        if ok or datasource.pending():
            st.session_state["data.upload_gen"] = gen + 1
            st.rerun()
    if st.button(t("data.back_to_sample"), key="data.sample", disabled=ds.kind == "sample"):
        state.set_dataset(state.sample_dataset())
        datasource.forget_upload()
        datasource.forget_database()
        st.rerun()
    if facts:
        st.markdown(t("data.notes") + "\n" + "\n".join(f"- {m}" for m in facts))

loaded = datasource.last_load()
with mapping_tab:
    cur = currency.chosen_currency() or (None if pending or db_wait else ds.currency)
    if pending is not None:
        st.error(datasource.error_text(pending.error))
        st.info(t("data.map.fix_intro"))
        mapping = editor.draw("upload")
        go, drop = editor.actions(mapping, cur, t("data.map.load"), "map.load_pending", "map.discard")
        if go:
            if datasource.load_pending(mapping):
                st.session_state["ecops.flash"] = ("success", t("data.map.loaded"))
            st.rerun()  # shows the new dataset, or the new reason beside the editor
        if drop:
            datasource.drop_pending()
            st.rerun()
    elif db_wait:
        st.info(t("data.map.db_intro"))
        mapping = editor.draw("database", editor.DATABASE_TABLES)
        go, drop = editor.actions(mapping, cur, t("data.map.connect"), "map.connect", "map.discard_db")
        if go and datasource.connect_mapped(mapping):
            st.session_state["ecops.flash"] = ("success", t("data.connected"))
            st.rerun()
        if drop:
            datasource.forget_database()
            st.rerun()
    elif loaded is not None and ds.kind in ("upload", "saved"):
        paths, result = loaded
        editor.start("loaded", result.mapping, result.fingerprint)
        mapping = editor.draw("loaded")
        c1, c2 = st.columns(2)
        if c1.button(t("data.apply_mapping"), type="primary", key="map.apply"):
            if datasource.load_paths(paths, mapping):
                st.rerun()
        editor.download(c2, mapping, cur, "map.dl")
    else:
        ui.missing(t("data.no_upload"))

with quality_tab, ui.guard("quality"):
    report = state.cached(datasource.quality_report, ds, None)
    shown, n_errors, n_warnings = datasource.quality_view(report, ds)
    if shown.empty:
        st.success(t("data.quality_ok"))
    else:
        st.markdown(t("data.quality_summary", errors=n_errors, warnings=n_warnings))
        ui.table(shown, name="quality_report")

with connect_tab:
    st.caption(t("data.connect_note"))
    secrets = {}
    try:
        secrets = dict(st.secrets.get("connections", {}))
    except Exception:  # no secrets.toml is normal
        pass
    url = st.text_input(t("data.connect_url"), type="password", key="data.url")
    named = st.selectbox(t("data.connect_secret"), [""] + sorted(secrets), key="data.secret") if secrets else ""
    db_mapping = st.file_uploader(t("data.mapping_file"), type=["json"], key="data.db_mapping_file")
    if st.button(t("data.connect"), key="data.connect", disabled=not (url or named)):
        target = url or secrets[named].get("url", "")
        given, currency = editor.read_uploaded_mapping(db_mapping)
        # secrets.toml connections are the operator's
        if datasource.connect(target, trusted=not url, mapping=given, currency=currency) or datasource.db_pending():
            st.rerun()
    if ds.kind == "database" and ds.engine.dialect.name != "duckdb":
        st.subheader(t("data.local.title"))
        st.caption(t("data.local.intro"))
        if ds.local is None:
            st.info(t("data.local.none"))
        else:
            counts = ds.local.counts() if rollups.built(ds) else None
            if counts is None:
                st.info(t("data.local.missing"))
            else:
                st.success(t("data.local.ready", orders=ui.num(counts.orders), at=str(counts.built_at),
                             lines=ui.num(counts.lines) if counts.lines is not None else "—"))
            label = t("data.local.build") if counts is None else t("data.local.refresh")
            if st.button(label, key="data.local.go"):
                with st.spinner(t("data.local.building")):
                    kept = datasource.build_local_copy(ds)
                st.session_state["ecops.flash"] = ("success", t("data.local.built", n=kept))
                st.rerun()

with share_tab:
    days = os.environ.get("ECOPS_SHARE_DAYS", "30")
    if loaded is None and ds.kind != "saved":
        ui.missing(t("data.share_only_upload"))
    else:
        st.markdown(t("data.share_intro", days=days))
        token = state.url_value("ds")
        if token is None and st.button(t("data.share_save"), type="primary", key="share.save"):
            token = datasource.save_shared()
        if token:
            link, absolute = shared_links.share_url(token)
            st.success(t("data.share_link"))
            st.code(link, language=None)
            if not absolute:
                st.caption(t("data.share_relative"))
            if not datasource.saved_here(token):
                st.caption(t("data.share_not_owner", days=days))
            elif st.button(t("data.share_delete"), key="share.delete"):
                shared_links.workspace().delete(token)
                state.set_global("ds", None)
                st.info(t("data.share_deleted"))
