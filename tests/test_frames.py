"""column_frame: the same frame as pandas builds, one block per column, never writing through to its inputs."""

import numpy as np
import pandas as pd
import pytest

from ecops.frames import column_frame, text_positions


def _inputs():
    source = pd.DataFrame({"x": np.arange(6.0), "n": np.arange(6), "s": pd.array(list("abcdef"), dtype="str"),
                           "c": pd.Categorical(list("aabbca")), "i": pd.array([1, None, 3, 4, None, 6], dtype="Int64")})
    columns = {"x": source["x"].to_numpy(), "n": source["n"], "s": source["s"].array, "c": source["c"],
               "i": source["i"].array, "fresh": np.ones(6), "listed": [1, 2, 3, 4, 5, 6]}
    return source, columns


def test_equals_the_frame_pandas_builds():
    source, columns = _inputs()
    got = column_frame(columns)
    pd.testing.assert_frame_equal(got, pd.DataFrame(columns))
    assert got._mgr.nblocks == len(columns)  # nothing consolidated into two-dimensional blocks


def test_series_are_taken_by_position():
    s = pd.Series([1.0, 2.0, 3.0], index=[10, 20, 30])
    got = column_frame({"a": s, "b": np.array([4.0, 5.0, 6.0])})
    assert got.index.equals(pd.RangeIndex(3))
    assert got["a"].tolist() == [1.0, 2.0, 3.0]


@pytest.mark.parametrize(("column", "value"), [("x", 9.0), ("n", 9), ("s", "z"), ("c", "c"), ("i", 9)])
def test_writing_to_the_frame_leaves_the_source_frame_alone(column, value):
    # A read-only view of a cached frame (copy-on-write) must neither fail to take the write nor receive it.
    source, columns = _inputs()
    before = source.copy(deep=True)
    got = column_frame(columns)
    got.loc[0, column] = value
    got.iloc[1, got.columns.get_loc(column)] = value
    assert got[column].iloc[0] == value and got[column].iloc[1] == value
    pd.testing.assert_frame_equal(source, before)


@pytest.mark.parametrize("keys", [
    ["b", "zz", "a", "b", "c"],
    pd.Series(["b", "zz", "a", "b", "c"], dtype="str"),  # Arrow-backed text, as DuckDB results arrive
    pd.array(["b", "zz", "a", "b", "c"], dtype="string"),
])
def test_text_positions_match_an_index_lookup(keys):
    values = pd.Index(["c", "a", "b"])
    want = values.get_indexer(pd.Series(keys, dtype=object))
    np.testing.assert_array_equal(text_positions(keys, values), want)
    assert text_positions(keys, values).tolist() == [2, -1, 1, 2, 0]


def test_text_positions_compare_numbers_as_their_text():
    # product ids stored as numbers find their text codes (and "1.0" is not "1")
    assert text_positions(pd.Series([1, 20, 3]), ["3", "1", "1.0"]).tolist() == [1, -1, 0]
