"""The data layer's result cache: keyed by fingerprint and parameters, copy-on-read, bounded."""

import pandas as pd

from ecops.cache import ResultCache


def test_hits_misses_and_copies():
    c = ResultCache(size=2)
    calls = []

    def compute():
        calls.append(1)
        return pd.DataFrame({"x": [1, 2]})

    first = c.get_or_compute("ns", "fp1", ("a", 1), compute)
    first.loc[0, "x"] = 99  # a caller changing its copy …
    again = c.get_or_compute("ns", "fp1", ("a", 1), compute)
    assert len(calls) == 1 and again["x"].tolist() == [1, 2]  # … changes nothing the next caller reads
    c.get_or_compute("ns", "fp2", ("a", 1), compute)  # another dataset: another entry
    c.get_or_compute("ns", "fp1", ("b", 1), compute)  # other parameters: another entry, the oldest goes
    assert len(calls) == 3
    c.get_or_compute("ns", "fp1", ("a", 1), compute)
    assert len(calls) == 4  # evicted (size 2)


def test_find_by_parameters_and_clear():
    c = ResultCache()
    c.get_or_compute("ns", "fp", ("f", "2025-01-01", "full"), lambda: [1])
    assert c.find("ns", "fp", lambda p: p[:2] == ("f", "2025-01-01")) == [1]
    assert c.find("ns", "other", lambda p: True) is None and c.find("ns", "fp", lambda p: p[0] == "g") is None
    c.clear("ns")
    assert c.find("ns", "fp", lambda p: True) is None


def test_forget_one_dataset_keeps_the_others():
    c = ResultCache()
    for ns in ("a", "b"):
        c.get_or_compute(ns, "built", ("p",), lambda: [1])
        c.get_or_compute(ns, "kept", ("p",), lambda: [2])
    c.forget("built")
    assert all(c.find(ns, "built", lambda p: True) is None for ns in ("a", "b"))
    assert all(c.find(ns, "kept", lambda p: True) == [2] for ns in ("a", "b"))


def test_reads_share_data_until_a_reader_writes():
    from dataclasses import dataclass

    import numpy as np
    import pytest

    @dataclass(frozen=True)
    class Result:
        frame: pd.DataFrame
        parts: dict
        weights: np.ndarray

    c = ResultCache()

    def compute():
        return Result(pd.DataFrame({"x": np.arange(5.0), "s": list("abcde")}),
                      {"series": [pd.Series([1.0, 2.0])]}, np.arange(3.0))

    first = c.get_or_compute("ns", "fp", ("p",), compute)
    second = c.get_or_compute("ns", "fp", ("p",), compute)
    # A per-customer table of millions of rows is not copied on every read …
    assert np.shares_memory(first.frame["x"].to_numpy(), second.frame["x"].to_numpy())
    # … yet every way a reader can change its copy leaves the next reader's alone.
    first.frame.loc[0, "x"] = 99.0
    first.frame["y"] = 1
    first.frame.iloc[1, 1] = "z"
    first.parts["series"][0].iloc[0] = -1.0
    first.parts["series"].append(pd.Series([3.0]))
    first.weights[0] = 7.0
    with pytest.raises(ValueError):  # shared data is handed out read-only
        second.frame["x"].to_numpy()[2] = 5.0
    third = c.get_or_compute("ns", "fp", ("p",), compute)
    assert third.frame["x"].tolist() == [0.0, 1.0, 2.0, 3.0, 4.0] and list(third.frame.columns) == ["x", "s"]
    assert third.frame["s"].tolist() == list("abcde")
    assert third.parts["series"][0].tolist() == [1.0, 2.0] and len(third.parts["series"]) == 1
    assert third.weights.tolist() == [0.0, 1.0, 2.0]
