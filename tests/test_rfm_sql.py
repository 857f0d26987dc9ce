"""RFM scores as SQL thresholds: every buyer's R, F, M and segment, and the RFM view, as the frame path gives them."""

import duckdb
import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from ecops import cache
from ecops.dataset import Dataset
from ecops.portrait.features import customer_columns, kept_customers, rfm_features
from ecops.portrait.page import compute_page
from ecops.portrait.rfm_sql import kept_rfm, rfm_cuts, score_columns, segment_codes
from ecops.portrait.segmentation import SEGMENTS, _medians, rfm, score_rfm


def _sql_scores(ds: Dataset, table, bins: int) -> pd.DataFrame:
    cuts = rfm_cuts(ds, table, bins)
    r, f, m = score_columns(table.c, cuts)
    got = ds.query(sa.select(table.c.customer_id, r.label("r"), f.label("f"), m.label("m"))
                   .order_by(sa.literal_column("rowid")))
    got["segment"] = np.asarray(SEGMENTS)[segment_codes(got["r"], got["f"], got["m"], bins)]
    return got


@pytest.mark.parametrize("bins", [3, 5, 10])
def test_the_engine_scores_every_buyer_as_the_frame_does(kept, bins):
    ds, _ = kept
    k = kept_customers(ds)
    fr = customer_columns(ds, None, ("customer_id", "orders", "last_age", "revenue")).frame
    want = score_rfm(fr["customer_id"], fr["last_age"].to_numpy(), fr["orders"].to_numpy(), fr["revenue"].to_numpy(),
                     bins)
    got = _sql_scores(ds, k.table, bins)
    assert got["customer_id"].astype(str).tolist() == want["customer_id"].astype(str).tolist()
    for col in ("r", "f", "m"):
        np.testing.assert_array_equal(got[col].to_numpy(), want[col].to_numpy(), err_msg=col)
    assert got["segment"].tolist() == want["segment"].astype(str).tolist()
    assert got["segment"].nunique() >= 8  # the sample's buyers spread over the grid


def test_ties_unknown_spend_and_tiny_bases_score_as_the_frame_does():
    # Most buyers tied (one order, the same spend), an unknown spend (counted as 0) and a base smaller than bins.
    rng = np.random.default_rng(3)
    n = 40  # divisible by the bins: the k-th largest and the (n + 1 − k)-th smallest differ
    frame = pd.DataFrame({
        "customer_id": [f"c{i:03d}" for i in range(n)],
        "orders": np.where(rng.random(n) < 0.7, 1, rng.integers(2, 5, n)),
        "last_age": rng.choice([0, 3, 3, 3, 40, 200], n),
        "revenue": np.where(rng.random(n) < 0.6, 99.0, rng.integers(1, 400, n).astype(float)),
    })
    frame.loc[5, "revenue"] = np.nan
    con = duckdb.connect()
    con.register("src", frame)
    con.execute("CREATE TABLE buyers AS SELECT * FROM src")
    ds = Dataset.from_duckdb(con, name="ties", fingerprint="rfm-sql-ties", kind="upload")
    table = sa.table("buyers", *(sa.column(c) for c in frame.columns))
    for rows in (n, 2):
        part = frame.iloc[:rows]
        if rows < n:
            con.execute(f"DELETE FROM buyers WHERE customer_id >= 'c{rows:03d}'")
        want = score_rfm(part["customer_id"], part["last_age"].to_numpy(), part["orders"].to_numpy(),
                         part["revenue"].fillna(0.0).to_numpy(), 5)
        got = _sql_scores(ds, table, 5)
        for col in ("r", "f", "m"):
            np.testing.assert_array_equal(got[col].to_numpy(), want[col].to_numpy(), err_msg=f"{col} of {rows}")
        assert got["segment"].tolist() == want["segment"].astype(str).tolist()
    empty = rfm_cuts(ds, sa.select(table).where(sa.false()).subquery("none"))
    assert empty.customers == 0 and empty.recency == empty.orders == empty.revenue == ()


@pytest.mark.parametrize("bins", [5, 3])
def test_the_rfm_view_counted_in_sql_is_the_frames(kept, bins):
    ds, plain = kept
    got = kept_rfm(ds, kept_customers(ds), bins=bins)
    want = rfm(plain, bins=bins, features=rfm_features(plain, snapshot_days=90))
    assert got.customers.empty and len(want.customers) == got.n > 10_000
    pd.testing.assert_frame_equal(got.segments, want.segments, rtol=1e-9)
    pd.testing.assert_frame_equal(got.transitions, want.transitions)
    pd.testing.assert_frame_equal(got.score_ranges, want.score_ranges)
    pd.testing.assert_frame_equal(got.grid(), want.grid())
    assert got.previous_as_of == want.previous_as_of is not None and len(want.transitions) > 20
    assert (got.top_corner_share(), got.slipped()) == (want.top_corner_share(), want.slipped())


def test_the_portrait_reads_no_buyer_rows_for_its_rfm_screen(kept, duckdb_reads):
    ds, plain = kept
    cache.clear()
    got = compute_page(ds, view="rfm")
    read = [len(frame) for frame in duckdb_reads]
    want = compute_page(plain, view="rfm")
    assert got.rfm.customers.empty and got.kpis.customers == want.kpis.customers == want.rfm.n
    assert got.kpis.revenue == pytest.approx(want.kpis.revenue, rel=1e-12)
    pd.testing.assert_frame_equal(got.rfm.segments, want.rfm.segments, rtol=1e-9)
    assert read and max(read) < want.rfm.n / 2  # counts per value and per score group only
    assert max(map(len, duckdb_reads[len(read):])) == want.rfm.n  # (the frame path reads every buyer)


@pytest.mark.parametrize("seed", range(3))
def test_medians_counted_per_day_are_pandas_medians(seed):
    rng = np.random.default_rng(seed)
    code = rng.integers(0, 4, 501)
    days = rng.integers(0, 40, 501)
    n = rng.integers(1, 4, 501)
    got = _medians(code, days, n.astype(float), 10)
    each = pd.DataFrame({"code": np.repeat(code, n), "days": np.repeat(days, n)})
    want = each.groupby("code")["days"].median().reindex(range(10)).to_numpy()
    np.testing.assert_array_equal(got, want)  # even counts: the mean of the middle two, as pandas
