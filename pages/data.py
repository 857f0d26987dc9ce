"""Data (数据管理): upload, mapping editor, quality report, connect a database, save and share."""

import os

import pandas as pd
import streamlit as st

from ecops.ui import components as ui
from ecops.ui import datasource, state

t = state.translator()
ds = state.dataset()
lang = state.lang()
ui.header(t("data.title"), t("data.intro"))
st.markdown(t("data.current", name=ui.md_escape(ds.name), kind=t(f"core.sidebar.kind.{ds.kind}"), tables=", ".join(ds.tables)))

upload, mapping_tab, quality_tab, connect_tab, share_tab = st.tabs(
    [t("data.tab.upload"), t("data.tab.mapping"), t("data.tab.quality"), t("data.tab.connect"), t("data.tab.share")])

with upload:
    # .xls is listed so that ecops (not the browser) can say how to convert an old workbook.
    # The uploader holds the bytes for as long as it shows them: a fresh widget after each load
    # lets them go once they are in DuckDB.
    gen = st.session_state.get("data.upload_gen", 0)
    files = st.file_uploader(t("data.upload"), type=["csv", "txt", "tsv", "xlsx", "xls", "parquet"],
                             accept_multiple_files=True, help=t("data.upload_help"), key=f"data.files.{gen}")
    mapping_file = st.file_uploader(t("data.mapping_file"), type=["json"], key=f"data.mapping_file.{gen}")
    if st.button(t("data.load"), type="primary", disabled=not files, key="data.load"):
        given = None
        if mapping_file is not None:
            from ecops.mapping import Mapping

            try:
                given = Mapping.from_json(mapping_file.getvalue().decode("utf-8"))
            except Exception as exc:
                st.error(t("data.mapping_bad", file=mapping_file.name, error=ui.friendly_error(exc)))
                st.stop()
        if datasource.load_upload(files, given):
            st.session_state["data.upload_gen"] = gen + 1
            st.rerun()
    if st.button(t("data.back_to_sample"), key="data.sample", disabled=ds.kind == "sample"):
        state.set_dataset(state.sample_dataset())
        datasource.forget_upload()
        st.rerun()
    if ds.notes:
        with st.expander(t("data.notes"), expanded=False):
            st.markdown("\n".join(f"- {n}" for n in ds.notes))

loaded = datasource.last_load()
with mapping_tab:
    if loaded is None:
        ui.missing(t("data.no_upload"))
    else:
        from ecops.mapping import targets_for

        paths, result = loaded
        mapping = result.mapping
        tables = ["flat", "orders", "order_items", "customers", "products", "reviews", "returns", "shipments",
                  "inventory", "promotions", "marketing_spend", "ignore"]
        for src in mapping.sources:
            table = st.selectbox(t("data.source_table", source=src.source), tables,
                                 index=tables.index(src.table) if src.table in tables else 0, key=f"map.t.{src.source}")
            if table != src.table:
                mapping = mapping.with_table(src.source, table)
                src = mapping.source(src.source)
            options = [""] + ([name for name, _ in targets_for(table)] if table != "ignore" else [])
            frame = pd.DataFrame({"column": [c.column for c in src.columns],
                                  "target": [c.target or "" for c in src.columns],
                                  "confidence": [round(c.confidence, 2) for c in src.columns]})
            edited = st.data_editor(frame, key=f"map.e.{src.source}", hide_index=True, width="stretch",
                                    disabled=["column", "confidence"], column_config={
                                        "column": st.column_config.TextColumn(t("data.col.column")),
                                        "target": st.column_config.SelectboxColumn(t("data.col.target"), options=options),
                                        "confidence": st.column_config.ProgressColumn(
                                            t("data.col.confidence"), min_value=0.0, max_value=1.0, format="%.2f")})
            for column, target in zip(edited["column"], edited["target"], strict=True):
                if (target or None) != src.target_of(column):
                    mapping = mapping.with_column(src.source, column, target or None)
        c1, c2 = st.columns(2)
        if c1.button(t("data.apply_mapping"), type="primary", key="map.apply"):
            if datasource.load_paths(paths, mapping):
                st.rerun()
        c2.download_button(t("data.save_mapping"), mapping.to_json().encode("utf-8"), "ecops_mapping.json",
                           "application/json", key="map.dl")

with quality_tab, ui.guard("quality"):
    report = state.cached(datasource.quality_report, ds, None)
    if report.findings.empty:
        st.success(t("data.quality_ok"))
    else:
        st.markdown(t("data.quality_summary", errors=len(report.errors), warnings=len(report.warnings)))
        shown = report.findings.assign(advice=[t(k) if k else "" for k in report.findings["advice_key"]])
        ui.table(shown.drop(columns=["advice_key"]), name="quality_report")

with connect_tab:
    st.caption(t("data.connect_note"))
    secrets = {}
    try:
        secrets = dict(st.secrets.get("connections", {}))
    except Exception:  # no secrets.toml is normal
        pass
    url = st.text_input(t("data.connect_url"), type="password", key="data.url")
    named = st.selectbox(t("data.connect_secret"), [""] + sorted(secrets), key="data.secret") if secrets else ""
    if st.button(t("data.connect"), key="data.connect", disabled=not (url or named)):
        target = url or secrets[named].get("url", "")
        if datasource.connect(target, trusted=not url):  # secrets.toml connections are the operator's
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
            link, absolute = datasource.share_url(token)
            st.success(t("data.share_link"))
            st.code(link, language=None)
            if not absolute:
                st.caption(t("data.share_relative"))
            if not datasource.saved_here(token):
                st.caption(t("data.share_not_owner", days=days))
            elif st.button(t("data.share_delete"), key="share.delete"):
                datasource.workspace().delete(token)
                state.set_global("ds", None)
                st.info(t("data.share_deleted"))
