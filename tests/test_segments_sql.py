"""Segment cuts and campaign lists over kept aggregates, in SQL: the frame path's sums and lists, read small."""

import pandas as pd
import pytest

from ecops import cache, segments


def test_the_cut_by_rfm_segment_summed_by_score_is_the_frames(kept):
    ds, plain = kept
    got = segments.segment_cut(ds, dimension="rfm_segment")
    want = segments.segment_cut(plain, dimension="rfm_segment")
    pd.testing.assert_frame_equal(got.table, want.table, rtol=1e-9)
    assert len(want.table) == 10 and want.table["customers"].sum() > 10_000


@pytest.mark.parametrize(("dimension", "pick"), [("region", 0), ("channel", 1), ("rfm_segment", 0),
                                                 ("rfm_segment", -1), ("cluster", 0), ("cluster", -1)])
@pytest.mark.parametrize("limit", [0, 25, 200_000])
def test_campaign_lists_sorted_and_cut_in_the_engine_are_the_frames(kept, dimension, pick, limit):
    ds, plain = kept
    value = segments.segment_cut(plain, dimension=dimension).table["segment"].iloc[pick]
    got = segments.customer_list(ds, dimension=dimension, value=value, limit=limit)
    want = segments.customer_list(plain, dimension=dimension, value=value, limit=limit)
    pd.testing.assert_frame_equal(got, want)
    assert len(want) == limit if limit < 1_000 else len(want) > 300
    assert not limit or ({"region", "phone"} <= set(want.columns) and want["rfm_segment"].notna().all())


def test_a_list_reads_back_only_its_rows(kept, duckdb_reads):
    ds, _ = kept
    cache.clear()
    value = segments.segment_cut(ds, dimension="rfm_segment").table["segment"].iloc[0]
    duckdb_reads.clear()
    listed = segments.customer_list(ds, dimension="rfm_segment", value=value, limit=40)
    per_customer = [len(frame) for frame in duckdb_reads if "customer_id" in frame.columns]
    assert len(listed) == 40 and per_customer == [40, 40]  # the list, then its buyers' contact fields
    assert max(map(len, duckdb_reads)) < 1_000  # and counts per value for the score cuts (of 14,018 buyers)
