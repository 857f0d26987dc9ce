"""``python -m ecops``: sample, check, report and bench from the command line."""

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

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
    assert code in (0, 1)
    assert report["tables"]["orders"] > 0 and "order_items" in report["tables"]
    assert report["quality"]["summary"] in ("ok", "warnings", "errors")
    # The saved mapping is reusable and gives the same dataset fingerprint.
    assert main(["check", str(DATA / "good" / "flat_20.csv"), "--mapping", str(out_mapping)]) in (0, 1)
    again = json.loads(capsys.readouterr().out)
    assert again["tables"] == report["tables"]


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
    assert res["ingest_s"] > 0 and "overview" in res["pages_flat_upload"]
    assert all("error" not in v for v in res["pages_full_sample"].values()), res["pages_full_sample"]
