"""Clusters of a kept per-customer aggregate, computed in SQL: the same answer as the frame's, read from a sample."""


import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa
from sklearn.metrics import adjusted_rand_score

from ecops import cache, portrait, segments
from ecops.dataset import Dataset, Filters
from ecops.portrait.features import kept_customers
from ecops.portrait.page import kept_kpis


def _frame_clusters(plain: Dataset, **kw) -> portrait.ClusterResult:
    return portrait.clusters(portrait.customer_features(plain), **kw)


@pytest.mark.parametrize("fit_sample", [20_000, 3_000])
def test_the_engine_fits_the_same_sample_and_describes_the_same_clusters(kept, fit_sample):
    ds, plain = kept
    got = portrait.cluster_customers(ds, fit_sample=fit_sample)
    want = _frame_clusters(plain, fit_sample=fit_sample)
    assert got.labels is None and want.labels is not None  # the engine's labels stay in the database
    assert got.k == want.k and got.n_fit == want.n_fit == min(fit_sample, len(want.labels))
    pd.testing.assert_frame_equal(got.silhouette, want.silhouette, rtol=1e-9)
    pd.testing.assert_frame_equal(got.profiles, want.profiles, rtol=1e-9)
    assert [(p.cluster, p.customers, [t.feature for t in p.traits]) for p in got.personas] == \
        [(p.cluster, p.customers, [t.feature for t in p.traits]) for p in want.personas]
    for g, w in zip(got.personas, want.personas, strict=True):
        assert (g.revenue_share, g.orders, g.recency_days) == pytest.approx((w.revenue_share, w.orders, w.recency_days))
        assert [t.z for t in g.traits] == pytest.approx([t.z for t in w.traits], rel=1e-9)


def test_the_engine_labels_every_customer_with_the_nearest_centroid(kept, sample):
    ds, plain = kept
    result, labelled = portrait.labelled_customers(ds)
    rows = ds.query(sa.select(labelled.c.customer_id, labelled.c.cluster))
    want = _frame_clusters(plain)
    assert rows["customer_id"].astype(str).tolist() == want.labels["customer_id"].astype(str).tolist()
    np.testing.assert_array_equal(rows["cluster"].to_numpy(), want.labels["cluster"].to_numpy())
    assert np.bincount(rows["cluster"]).tolist() == [p.customers for p in result.personas]
    truth = sample.truth.customer_persona.reindex(rows["customer_id"].astype(str)).to_numpy()
    assert adjusted_rand_score(truth, rows["cluster"]) >= 0.5  # the planted personas, found in SQL


def test_the_engine_reads_only_the_sample(kept, duckdb_reads):
    ds, _ = kept
    cache.clear()
    res = portrait.compute_page(ds, view="clusters")
    assert res.clusters.k >= 2 and res.clusters.labels is None
    cache.clear()
    duckdb_reads.clear()
    portrait.cluster_customers(ds, fit_sample=500)
    assert max(map(len, duckdb_reads)) == 500  # the fit's sample; the assignment and profiles stay in the database


def test_kpis_of_the_kept_aggregate_are_the_frames(kept):
    ds, plain = kept
    got = kept_kpis(ds, kept_customers(ds))
    want = portrait.portrait_kpis(portrait.customer_features(plain))
    assert got.customers == want.customers
    assert (got.revenue, got.revenue_per_customer, got.orders_per_customer, got.repeat_rate,
            got.median_days_since) == pytest.approx((want.revenue, want.revenue_per_customer,
                                                     want.orders_per_customer, want.repeat_rate,
                                                     want.median_days_since), rel=1e-12)
    assert portrait.compute_page(ds, view="clusters").kpis == got


def test_the_cluster_cut_and_list_in_sql_are_the_frames(kept):
    ds, plain = kept
    got = segments.segment_cut(ds, dimension="cluster")
    want = segments.segment_cut(plain, dimension="cluster")
    assert got.table["segment"].tolist() == want.table["segment"].tolist()
    pd.testing.assert_frame_equal(got.table, want.table, rtol=1e-9)
    assert [p.customers for p in got.personas] == [p.customers for p in want.personas]
    for value in got.table["segment"]:
        pd.testing.assert_frame_equal(segments.customer_list(ds, dimension="cluster", value=value),
                                      segments.customer_list(plain, dimension="cluster", value=value))


def test_filters_cluster_their_own_customers(kept):
    ds, plain = kept
    f = Filters(regions=("广东",))
    if kept_customers(ds, f) is None:  # only the first screens' statements are kept: compute one for the filter
        with ds.keeping_slow(0.0):
            portrait.customer_features(ds, f)
        cache.clear()
    got = portrait.cluster_customers(ds, f)
    want = portrait.clusters(portrait.customer_features(plain, f))
    assert got.labels is None and sum(p.customers for p in got.personas) == len(want.labels)
    pd.testing.assert_frame_equal(got.profiles, want.profiles, rtol=1e-9)
