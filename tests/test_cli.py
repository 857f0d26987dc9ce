"""``python -m ecops``: sample, check, report and bench from the command line."""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from support.memory import squeeze

from ecops import rollups
from ecops.cli import main

DATA = Path(__file__).parent / "data"


def test_sample_writes_every_table(tmp_path, capsys):
    assert main(["sample", "--orders", "3000", "--out", str(tmp_path), "--flat"]) == 0
    info = json.loads(capsys.readouterr().out)
    for name, rows in info["tables"].items():
        assert len(pd.read_csv(tmp_path / f"{name}.csv")) == rows
    assert (tmp_path / "flat_order_lines.csv").exists()


def test_check_good_file_prints_mapping_and_quality(capsys, tmp_path):
    out_mapping = tmp_path / "m.json"
    code = main(["check", str(DATA / "good" / "flat_20.csv"), "--save-mapping", str(out_mapping)])
    report = json.loads(capsys.readouterr().out)
    assert code == 0
    assert report["tables"] == _table_counts(DATA / "good" / "flat_20.csv", "order_no", "customer", "sku")
    # Only informational findings (missing optional columns and tables, a return line with quantity -1).
    assert report["quality"]["summary"] == "ok"
    assert {f["severity"] for f in report["quality"]["findings"]} == {"info"}
    # The saved mapping is reusable and gives the same dataset fingerprint.
    assert main(["check", str(DATA / "good" / "flat_20.csv"), "--mapping", str(out_mapping)]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["tables"] == report["tables"] and again["fingerprint"] == report["fingerprint"]


def _table_counts(path: Path, order: str, customer: str, product: str) -> dict[str, int]:
    """Orders, lines, customers and products of a flat export, counted by pandas."""
    d = pd.read_csv(path)
    return {"orders": d[order].nunique(), "order_items": len(d), "customers": d[customer].nunique(),
            "products": d[product].nunique()}


def test_check_exits_1_only_when_quality_has_errors(capsys, monkeypatch):
    import ecops.quality as quality

    real = quality.quality_report

    def with_an_error(ds):
        rep = real(ds)
        extra = pd.DataFrame([{"table": "orders", "column": "order_id", "check": "missing_required_column",
                               "severity": "error", "count": 1}])
        return quality.QualityReport(pd.concat([rep.findings, extra], ignore_index=True), "errors")

    monkeypatch.setattr(quality, "quality_report", with_an_error)
    assert main(["check", str(DATA / "good" / "flat_20.csv")]) == 1
    assert json.loads(capsys.readouterr().out)["quality"]["summary"] == "errors"


@pytest.mark.parametrize("name", ["ragged.csv", "empty.csv", "binary.csv", "not_zip.xlsx"])
def test_check_broken_file_exits_2_with_message(name):
    proc = subprocess.run([sys.executable, "-m", "ecops", "check", str(DATA / "broken" / name)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert name in proc.stderr and "Traceback" not in proc.stderr


def test_report_json_on_the_sample(capsys):
    assert main(["report", "--orders", "5000", "--sections", "overview", "--start", "2024-01-01",
                 "--end", "2024-06-30"]) == 0
    data = json.loads(capsys.readouterr().out)
    ov = data["overview"]
    for key in ("orders", "customers", "gmv", "aov", "repeat_customer_rate", "period_start", "period_end"):
        assert key in ov
    assert ov["period_start"] == "2024-01-01" and ov["period_end"] == "2024-06-30"
    assert ov["aov"] == pytest.approx(ov["gmv"] / ov["orders"], rel=1e-4)


def test_report_html_is_standalone(tmp_path):
    out = tmp_path / "r.html"
    assert main(["report", "--orders", "3000", "--sections", "overview", "--format", "html", "--out", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "http://" not in html.split("<script", 1)[0]


@pytest.mark.slow
def test_bench_agrees_with_pandas(tmp_path):
    from ecops import bench

    res = bench.run(8000, keep_dir=str(tmp_path))
    assert res["ecops_overview"] == res["pandas_overview"]
    # the RFM and cohort screens the notebook way compute the same figures, and the ratios are theirs
    assert res["ecops_rfm"] == {k: res["pandas_rfm"][k] for k in res["ecops_rfm"]}
    assert res["ecops_cohorts"] == {k: res["pandas_cohorts"][k] for k in res["ecops_cohorts"]}
    for name, screen in (("rfm", "portrait"), ("cohorts", "portrait:cohorts")):
        cold = res["pages_flat_upload"][screen]["cold_s"]
        assert res[f"{name}_vs_pandas"] == round(res[f"pandas_{name}_s"] / cold, 1)
    assert res["ingest_s"] > 0 and "overview" in res["pages_flat_upload"]
    # ingest counts the rollups it builds, against DuckDB's own read of the same file
    assert res["rollups_s"] > 0 and res["ingest_with_rollups_s"] == round(res["ingest_s"] + res["rollups_s"], 2)
    assert res["ingest_vs_read_csv"] == round(res["ingest_with_rollups_s"] / res["duckdb_read_csv_s"], 1)
    # where ingest's time went, phase by phase, adding up to it
    assert list(res["ingest_phases_s"]) == ["read", "map", "convert", "tables"]
    assert sum(res["ingest_phases_s"].values()) == pytest.approx(res["ingest_s"], abs=0.05)
    for rows in (res["pages_full_sample"], res["pages_flat_upload"]):
        assert all("error" not in v for v in rows.values()), rows
    # Every view a user can open is its own row, not only each page's default screen.
    full = res["pages_full_sample"]
    assert {"portrait:clusters", "portrait:cohorts", "portrait:clv", "portrait:demographics", "segments:basket",
            "segments:cluster", "profit:measured_elasticities", "warehouse:extra_forecasts", "overview:yoy"} <= set(full)
    assert all(v["cold_s"] > 0 and v["warm_s"] >= 0 for v in full.values())
    assert res["peak_rss_mb"] >= max(v["rss_mb"] for v in full.values())
    # every screen reads at least the order lines the floor scans: its ratio to the floor is its cold time over it
    for rows, floor in ((full, res["floor_full_sample_s"]), (res["pages_flat_upload"], res["floor_flat_upload_s"])):
        assert floor > 0
        assert all(v["floor_ratio"] == round(v["cold_s"] / floor, 1) for v in rows.values())
    assert res["overview_vs_pandas"] == round(res["pandas_overview_s"] / res["pages_flat_upload"]["overview"]["cold_s"], 1)


@pytest.mark.slow
def test_bench_sample_file_times_every_screen_on_the_served_file(tmp_path, monkeypatch):
    """``bench --sample-file`` (how the README's 2M/10M table is measured): every screen on the sample's cached
    DuckDB file, built once and then reused as the app reuses it."""
    from ecops import bench, sample
    from ecops.screens import SCREENS

    monkeypatch.setenv("ECOPS_CACHE_DIR", str(tmp_path / "cache"))
    out = tmp_path / "b.json"
    assert main(["bench", "--sample-file", "--orders", "3000", "--out", str(out)]) == 0
    first = json.loads(out.read_text(encoding="utf-8"))
    assert first["built"] is True and Path(first["sample_file"]).parent == tmp_path / "cache"
    assert Path(first["sample_file"]).exists()
    assert first["orders"] == sample.generate(3000, seed=7).truth.n_orders
    assert set(first["pages"]) == {s.key for s in SCREENS}
    assert all("error" not in v and v["floor_ratio"] == round(v["cold_s"] / first["floor_s"], 1)
               for v in first["pages"].values()), first["pages"]
    again = bench.run_sample_file(3000)
    assert again["built"] is False and again["sample_file"] == first["sample_file"]
    assert set(again["pages"]) == set(first["pages"])


def test_bench_screens_make_the_pages_calls(sample_ds, monkeypatch):
    """A screen runs its page's cached calls cold (nothing memoised), and the page's rerun work when warm."""
    from ecops import bench, portrait, profit
    from ecops.portrait import page as portrait_page

    screens = {s.key: s for s in bench.SCREENS}
    assert set(screens) >= {page for page, _, _ in bench.PAGES}
    calls = []
    real = portrait.customer_features
    monkeypatch.setattr(portrait_page, "customer_features", lambda *a, **k: calls.append(k) or real(*a, **k))
    portrait_page.customer_features(sample_ds)  # memoised before the screen: the screen must not profit from it
    row = bench.time_screen(screens["portrait:clusters"], sample_ds)
    assert "error" not in row and len(calls) == 2, row
    reruns = []
    real_default = profit.measure_elasticities_by_default
    monkeypatch.setattr(profit, "measure_elasticities_by_default",
                        lambda *a, **k: reruns.append(1) or real_default(*a, **k))
    row = bench.time_screen(screens["profit:measured_elasticities"], sample_ds, warm_repeats=2)
    assert "error" not in row and len(reruns) == 3  # cold, then each warm rerun


def _strict_json(text: str):
    def refuse(token):
        raise ValueError(f"not valid JSON: {token}")

    return json.loads(text, parse_constant=refuse)  # NaN, Infinity and -Infinity are not JSON


@pytest.mark.parametrize("name", ["flat_20.csv", "uci_online_retail_sample.csv"])
def test_check_writes_valid_json_with_null_for_missing_numbers(capsys, name):
    assert main(["check", str(DATA / "good" / name)]) == 0  # warnings are not errors: exit 0
    out = capsys.readouterr().out
    report = _strict_json(out)
    if name == "flat_20.csv":
        assert report["quality"]["summary"] == "ok"
    else:  # two invoices without a CustomerID, two cancellation invoices (C…): documents, not purchases
        d = pd.read_csv(DATA / "good" / name)
        assert report["tables"] == _table_counts(DATA / "good" / name, "InvoiceNo", "CustomerID", "StockCode")
        # the customer key is optional (order-level reports have none): its blanks are facts, not warnings
        assert report["quality"]["summary"] == "ok"
        found = {(f["column"], f["check"]): f["count"] for f in report["quality"]["findings"] if f["table"] == "orders"}
        no_customer = d.loc[d["CustomerID"].isna(), "InvoiceNo"].nunique()
        cancelled = d.loc[d["InvoiceNo"].astype(str).str.match(r"^C[0-9]+$"), "InvoiceNo"].nunique()
        assert found[("customer_id", "nulls")] == no_customer == 2
        assert found[("customer_id", "orders_without_customer")] == no_customer
        assert found[("status", "cancelled_orders")] == cancelled == 2
    assert "NaN" not in out and report["quality"]["findings"]
    assert any(v is None for f in report["quality"]["findings"] for v in f.values())


@pytest.mark.parametrize("content", ["{not json", '{"sources": [{"x": 1}]}', "[]", ""])
def test_check_with_a_malformed_mapping_exits_2_with_a_message(tmp_path, content):
    bad = tmp_path / "mapping.json"
    bad.write_text(content, encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "ecops", "check", str(DATA / "good" / "flat_20.csv"),
                           "--mapping", str(bad)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and "mapping.json" in proc.stderr and "--save-mapping" in proc.stderr
    missing = subprocess.run([sys.executable, "-m", "ecops", "check", str(DATA / "good" / "flat_20.csv"),
                              "--mapping", str(tmp_path / "nope.json")], capture_output=True, text=True, timeout=120)
    assert missing.returncode == 2 and "nope.json" in missing.stderr and "Traceback" not in missing.stderr


def test_report_exits_1_naming_the_failed_section_and_writes_the_others(tmp_path, capsys, monkeypatch):
    from ecops import report

    real = report.build_report

    def one_section_fails(ds, f, sections=None, progress=None):
        rep = real(ds, f, sections, progress=progress)
        rep.sections.pop("pricing", None)
        rep.errors["pricing"] = "ValueError: boom"
        return rep

    monkeypatch.setattr(report, "build_report", one_section_fails)
    out = tmp_path / "r.json"
    code = main(["report", "--orders", "3000", "--sections", "overview,pricing", "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 1
    assert "section pricing failed" in err
    data = _strict_json(out.read_text(encoding="utf-8"))
    assert "overview" in data and data["overview"]["orders"] > 0


def test_report_url_refused_or_unreachable_exits_2_without_credentials(tmp_path):
    for url in ("gsheets://admin:s3cret@sheets/x", "postgresql://admin:s3cr@et@127.0.0.1:1/shop"):
        proc = subprocess.run([sys.executable, "-m", "ecops", "report", "--url", url], capture_output=True,
                              text=True, timeout=120)
        assert proc.returncode == 2, proc.stderr
        assert "Traceback" not in proc.stderr and "s3cr" not in proc.stderr and "admin" not in proc.stderr


def test_report_json_is_strict_json_even_with_nan_in_a_section(tmp_path, monkeypatch):
    from ecops import report

    real = report.build_report

    def with_nan(ds, f, sections=None, progress=None):
        rep = real(ds, f, sections, progress=progress)
        rep.sections["overview"]["made_up"] = float("nan")
        return rep

    monkeypatch.setattr(report, "build_report", with_nan)
    out = tmp_path / "r.json"
    assert main(["report", "--orders", "3000", "--sections", "overview", "--out", str(out)]) == 0
    assert _strict_json(out.read_text(encoding="utf-8"))["overview"]["made_up"] is None


def test_report_html_in_chinese_has_page_headings_and_the_filters_in_words(tmp_path):
    out = tmp_path / "r.html"
    assert main(["report", "--orders", "3000", "--sections", "pricing,overview", "--format", "html", "--lang", "zh",
                 "--region", "广东,北京", "--start", "2024-01-01", "--out", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    assert "<h2>经营概览</h2>" in html and "<h2>价格策略</h2>" in html  # page order, translated
    assert html.index("<h2>经营概览</h2>") < html.index("<h2>价格策略</h2>")
    assert "<h2>overview</h2>" not in html and "<h2>pricing</h2>" not in html
    assert "<h3>核心指标</h3>" in html and "<h3>各品类自价格弹性（95% 置信区间）</h3>" in html
    assert "地区：广东、北京" in html and "时间范围：2024-01-01 – " in html and "数据集：sample" in html


# --------------------------------------------------------------------------- hostile input on the terminal

_ESC = "\x1b]0;pwned\x07\x1b[2J\x1b[31m"  # retitle the window, clear the screen, turn the text red


def _check(*paths) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ecops", "check", *map(str, paths)], capture_output=True,
                          text=True, timeout=120)


def test_escape_sequences_in_a_cell_are_printed_escaped(tmp_path):
    path = tmp_path / "orders.csv"
    rows = [f"O{i},c{i},2024-01-{i + 1:02d},{'1' + _ESC if i == 3 else '10.5'},1" for i in range(20)]
    path.write_text("order_id,customer_id,order_time,price,qty\n" + "\n".join(rows) + "\n", encoding="utf-8")
    proc = _check(path)
    assert proc.returncode == 2
    shown = proc.stdout + proc.stderr
    assert not any(c in shown for c in "\x1b\x07\x9b"), repr(shown)
    # The message still names file, row and column, and shows the value with its escapes spelled out.
    assert "orders.csv, row 5, column price" in proc.stderr
    assert "1\\x1b]0;pwned\\x07\\x1b[2J\\x1b[31m" in proc.stderr


def test_escape_sequences_in_a_file_name_are_printed_escaped(tmp_path):
    path = tmp_path / f"report{_ESC}.csv"
    path.write_text("", encoding="utf-8")
    proc = _check(path)
    assert proc.returncode == 2 and "\x1b" not in proc.stderr and "\x07" not in proc.stderr
    assert "report\\x1b]0;pwned\\x07\\x1b[2J\\x1b[31m.csv" in proc.stderr


def test_terminal_safe_escapes_every_control_character():
    from ecops.cli import terminal_safe

    every = "".join(map(chr, range(0x00, 0x20))) + "\x7f" + "".join(map(chr, range(0x80, 0xA0))) + "\u202e\u2066"
    out = terminal_safe("a" + every + "中文")
    assert out.startswith("a") and out.endswith("中文")
    # Only newline and tab survive as themselves; everything else is spelled out in ASCII.
    assert [c for c in out if not c.isprintable()] == ["\t", "\n"]
    assert "\\x1b" in out and "\\x9b" in out and "\\u202e" in out


def test_check_prints_no_phone_or_email_of_a_mixed_customer_key(tmp_path):
    # 53% phones and 47% e-mails in the customer column: none may appear in clear anywhere in the report
    # (profile minimum/maximum/median included).
    phones = [f"1{3 + i % 7}{i:09d}" for i in range(53)]
    mails = [f"buyer{i}@example.com" for i in range(47)]
    path = tmp_path / "mixed.csv"
    lines = [f"O{i},{c},2024-01-{i % 28 + 1:02d},10.5,1" for i, c in enumerate(phones + mails)]
    path.write_text("order_id,customer_id,order_time,price,qty\n" + "\n".join(lines) + "\n", encoding="utf-8")
    proc = _check(path)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["tables"]["customers"] == 100
    leaked = [v for v in phones + mails if v in proc.stdout or v in proc.stderr]
    assert not leaked
    [col] = [c for s in report["mapping"]["sources"] for c in s["columns"] if c["column"] == "customer_id"]
    assert col["profile"]["min"] is None and col["profile"]["max"] is None


def test_report_on_a_workbook_whose_prices_are_formulas_without_results_runs_every_section(tmp_path, capsys):
    # openpyxl writes formulas without a saved result, as many exporting programs do: every price is unreadable.
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["order_id", "customer_id", "order_time", "product_id", "quantity", "unit_price"])
    for i in range(300):
        wb.active.append([f"O{i}", f"C{i % 40}", f"2024-{1 + i % 12:02d}-0{1 + i % 9} 10:00", f"P{i % 5}", 2,
                          f"=E{i + 2}*3"])
    path = tmp_path / "formulas.xlsx"
    wb.save(path)
    out = tmp_path / "report.json"
    assert main(["report", str(path), "--format", "json", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "failed" not in err
    data = json.loads(out.read_text())
    assert data["overview"]["orders"] == 300 and data["portrait"] and data["profit"]
    check = subprocess.run([sys.executable, "-m", "ecops", "check", str(path)], capture_output=True, text=True,
                           timeout=120)
    assert "unit_price" in check.stdout and "formula cells have no saved result" in check.stdout


def test_report_currency_of_a_database_is_an_iso_code(capsys):
    from ecops import cli

    assert cli._currency("usd") == "USD" and cli._currency(None) is None
    with pytest.raises(SystemExit) as exit_:
        cli._currency("\x1b[31m$$")
    assert exit_.value.code == 2 and "\\x1b" in capsys.readouterr().err  # named, escaped, not obeyed


def test_report_on_files_keeps_the_currency_the_prices_carry(tmp_path):
    """US dollar prices in a file: the report's JSON says USD and its texts print $, never ¥ (the CLI used to drop
    what the loader detected, and a file's money printed without its currency)."""
    path = tmp_path / "shop.csv"
    path.write_text("order_id,customer_id,order_time,product_id,quantity,unit_price\n"
                    + "".join(f"O{i},C{i % 7},2024-03-{1 + i % 28:02d},P{i % 5},1,US${10 + i}.50\n" for i in range(60)),
                    encoding="utf-8")
    out = tmp_path / "r.json"
    assert main(["report", str(path), "--sections", "overview", "--format", "json", "--lang", "en",
                 "--out", str(out)]) == 0
    data = json.loads(out.read_text())
    assert data["dataset"]["currency"] == "USD"
    texts = json.dumps(data["overview"]["view"], ensure_ascii=False)
    assert "$" in texts and "¥" not in texts


# ------------------------------------------------------------------ load --save (issue 11 item 11)

def test_upload_limit_follows_the_setting_and_its_message_names_the_server_path(tmp_path, monkeypatch):
    from ecops.ingest import MAX_BYTES, IngestError, max_upload_bytes
    from ecops.loader import load_files

    src = DATA / "good" / "flat_20.csv"
    for bad in ("", "abc", "-5", "0", "nan"):
        monkeypatch.setenv("ECOPS_MAX_UPLOAD_MB", bad)
        assert max_upload_bytes() == MAX_BYTES
    monkeypatch.setenv("ECOPS_MAX_UPLOAD_MB", "0.0005")  # 524 bytes
    assert max_upload_bytes() == 524 and src.stat().st_size > 524
    with pytest.raises(IngestError) as ei:
        load_files([src])
    assert ei.value.code == "too_large"
    for lang in ("en", "zh"):
        msg = ei.value.message(lang)
        assert "flat_20.csv" in msg and "python -m ecops load" in msg and "--save" in msg
        assert "ECOPS_MAX_UPLOAD_MB" in msg and "0.5 KB" in msg
    monkeypatch.setenv("ECOPS_MAX_UPLOAD_MB", "1")
    assert load_files([src]).rows["orders"] == _table_counts(src, "order_no", "customer", "sku")["orders"]


def test_load_save_writes_a_dataset_the_app_opens_by_the_printed_link(tmp_path, monkeypatch, capsys):
    from ecops import rollups
    from ecops.dataset import Dataset
    from ecops.workspace import Workspace

    src = DATA / "good" / "flat_20.csv"
    monkeypatch.setenv("ECOPS_WORKSPACE_DIR", str(tmp_path / "ws"))
    monkeypatch.setenv("ECOPS_MAX_UPLOAD_MB", "0.0005")  # the upload limit does not apply on the server
    assert main(["load", str(src), "--save", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    token = out["token"]
    assert out["path"] == f"/?ds={token}"
    want = _table_counts(src, "order_no", "customer", "sku")
    ws = Workspace(tmp_path / "ws")
    con = ws.open(token)
    try:
        got = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in want}
        opened = Dataset.from_duckdb(con, name="saved", fingerprint=out["fingerprint"], kind="upload")
        assert rollups.built(opened)  # its rollups and first screens' slow statements travel with it
    finally:
        con.close()
    assert got == want and {t: out["tables"][t] for t in want} == want
    meta = ws.meta(token).meta
    assert meta["name"] == "flat_20.csv" and meta["fingerprint"] == out["fingerprint"]
    # the plain form prints the path to add to the app's address
    assert main(["load", str(src), "--save"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[-1].startswith("/?ds=") and lines[-1] != f"/?ds={token}"
    Workspace(tmp_path / "ws").open(lines[-1].removeprefix("/?ds=")).close()
    assert len(os.listdir(tmp_path / "ws")) == 2  # the two datasets, and nothing the loads wrote beside them


def _export(tmp_path: Path) -> Path:
    """The sample's flat export, 6,173 lines: past the head the mapping is chosen from, so its rest is read
    typed, by DuckDB's CSV reader and its whole-file buffers."""
    from ecops.sample import flat_export, generate

    path = tmp_path / "export.csv"
    flat_export(generate(4000, seed=5).tables).to_csv(path, index=False)
    return path


def test_load_save_loads_into_the_saved_file_what_an_upload_loads_in_memory(tmp_path, monkeypatch, capsys):
    """``load --save`` loads straight into the dataset's file under its memory limit: the tables are those a
    browser upload of the file gets."""
    from ecops.loader import load_files
    from ecops.workspace import Workspace

    src = _export(tmp_path)
    monkeypatch.setenv("ECOPS_WORKSPACE_DIR", str(tmp_path / "ws"))
    monkeypatch.setenv("ECOPS_LOAD_MEMORY", "512MB")
    assert main(["load", str(src), "--save", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    upload = load_files([src])
    con = Workspace(tmp_path / "ws").open(out["token"])
    try:
        for table in upload.tables:
            sql = f"SELECT * FROM {table} ORDER BY ALL"
            assert con.execute(sql).fetchall() == upload.con.execute(sql).fetchall(), table
            assert con.execute(f"DESCRIBE {table}").fetchall() == upload.con.execute(f"DESCRIBE {table}").fetchall()
    finally:
        con.close()
    assert out["fingerprint"] == upload.fingerprint and out["tables"] == upload.rows


def test_load_under_too_small_a_memory_limit_says_what_to_do_and_saves_nothing(tmp_path, monkeypatch, capsys):
    src = _export(tmp_path)
    monkeypatch.setenv("ECOPS_WORKSPACE_DIR", str(tmp_path / "ws"))
    with pytest.raises(SystemExit) as ei:
        main(["load", str(src), "--save", "--memory-limit", "100MB"])
    err = capsys.readouterr().err
    assert ei.value.code == 2 and err.startswith("export.csv: loading ran out of the memory")
    assert "--memory-limit 4GB" in err and "Traceback" not in err
    assert os.listdir(tmp_path / "ws") == []  # neither the unfinished file nor its spill folder
    for size in ("lots", "10iB"):
        with pytest.raises(SystemExit) as ei:
            main(["load", str(src), "--memory-limit", size])
        assert ei.value.code == 2 and "give a size such as 1GB" in capsys.readouterr().err


def test_rollups_that_run_out_of_memory_fail_the_save_with_the_same_advice(tmp_path, monkeypatch, capsys):
    """A dataset saved without its rollups would look complete and make every visit slow: ``load --save`` says
    what ran out instead (the draft's settings are locked, so the error is DuckDB's own from a squeezed database)."""
    src = _export(tmp_path)
    monkeypatch.setenv("ECOPS_WORKSPACE_DIR", str(tmp_path / "ws"))

    def out_of_memory(ds, con, **kw):
        scratch = duckdb.connect(config={"temp_directory": ""})
        scratch.execute("CREATE TABLE t AS SELECT range AS i FROM range(300000)")
        squeeze(scratch)
        scratch.execute("SELECT i % 7, count(*) FROM t GROUP BY ALL").fetchall()

    monkeypatch.setattr(rollups, "build", out_of_memory)
    with pytest.raises(SystemExit) as ei:
        main(["load", str(src), "--save", "--lang", "zh"])
    err = capsys.readouterr().err
    assert ei.value.code == 2 and "export.csv：加载时超出了 DuckDB 可用的内存" in err, err
    assert "--memory-limit 4GB" in err and "Traceback" not in err
    assert os.listdir(tmp_path / "ws") == []


def test_load_without_save_prints_the_tables_and_saves_nothing(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ECOPS_WORKSPACE_DIR", str(tmp_path / "ws"))
    src = DATA / "good" / "flat_20.csv"
    assert main(["load", str(src)]) == 0
    captured = capsys.readouterr()
    want = _table_counts(src, "order_no", "customer", "sku")
    assert f"orders: {want['orders']:,} rows" in captured.out
    assert "--save" in captured.err and os.listdir(tmp_path / "ws") == []
    assert main(["load", str(src), "--lang", "zh"]) == 0
    captured = capsys.readouterr()
    assert f"orders: {want['orders']:,} 行" in captured.out and "未保存" in captured.err


def test_load_without_save_spills_in_the_workspace_folder_or_else_the_temporary_one(tmp_path, monkeypatch, capsys):
    """The system's temporary folder may be memory itself (tmpfs), which spilling there would fill: it is used
    only when the workspace folder cannot be written, and then only without ``--save``."""
    from ecops.workspace import Workspace

    roots = []
    real = Workspace.draft
    monkeypatch.setattr(Workspace, "draft", lambda self, **kw: roots.append(self.root) or real(self, **kw))
    monkeypatch.setenv("ECOPS_WORKSPACE_DIR", str(tmp_path / "ws"))
    src = DATA / "good" / "flat_20.csv"
    assert main(["load", str(src)]) == 0 and roots == [tmp_path / "ws"]
    (tmp_path / "taken").write_text("a file where the workspace folder should be")
    monkeypatch.setenv("ECOPS_WORKSPACE_DIR", str(tmp_path / "taken"))
    capsys.readouterr()
    assert main(["load", str(src)]) == 0
    assert roots[1] == tmp_path / "taken" and Path(tempfile.gettempdir()) in roots[2].parents
    assert "orders: " in capsys.readouterr().out and not roots[2].exists()
    with pytest.raises(SystemExit) as ei:
        main(["load", str(src), "--save"])
    assert ei.value.code == 2 and "could not save" in capsys.readouterr().err


def test_load_of_a_broken_file_exits_2_with_the_message(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ECOPS_WORKSPACE_DIR", str(tmp_path / "ws"))
    bad = tmp_path / "broken.csv"
    bad.write_text("a,b\n1,2,3\n", encoding="utf-8")
    with pytest.raises(SystemExit) as ei:
        main(["load", str(bad), "--save"])
    assert ei.value.code == 2 and "broken.csv" in capsys.readouterr().err
    # loaded in one transaction, whose uncommitted rows DuckDB numbers from 2**55 or so: the row is still the file's
    priced = tmp_path / "priced.csv"
    priced.write_text("order_id,customer_id,order_time,quantity,unit_price\n"
                      "A,c1,2024-01-01,1,9.5\nB,c2,2024-01-02,1,abc\n", encoding="utf-8")
    with pytest.raises(SystemExit) as ei:
        main(["load", str(priced)])
    err = capsys.readouterr().err
    assert ei.value.code == 2 and err.startswith("priced.csv, row 3, column unit_price"), err
    assert os.listdir(tmp_path / "ws") == []
