"""Auto-mapping: which canonical table each source is, and which canonical column each source column is.

A *source* is an uploaded file (or sheet) or a database table. For each source,
:func:`suggest_mapping` scores every canonical table — plus ``flat`` (one row per order
line carrying order, customer, time, product, quantity and price, the shape of most shop
exports) — by matching column headers against the synonyms in :mod:`ecops.schema`
(exact, token and substring matches, fuzzy ratio) weighted by what the values look like
(dates parse, numbers are numbers, scores lie in 1..5, ids are not free text, e-mail,
phone and province patterns). Each source column is used at most once per table.

The result is a :class:`Mapping`: a frozen, JSON-serialisable record that the mapping
screen edits through :meth:`Mapping.with_column` and :meth:`Mapping.with_table`, and that
can be saved and reused (``--mapping FILE``).
"""

from __future__ import annotations

import difflib
import functools
import json
import re
from collections.abc import Mapping as MappingABC
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from ecops import platforms, schema
from ecops.ingest import ColumnProfile, Parse, choose_parse, profile_frame
from ecops.schema import Column, normalise_name

__all__ = [
    "FLAT", "FLAT_TARGETS", "IGNORE", "KEY_CONFIDENCE", "MAPPING_VERSION", "MIN_CONFIDENCE", "ColumnMapping",
    "Mapping", "SourceMapping", "SourceTable", "candidates_for", "column_confidence", "missing_required",
    "name_score", "required_targets", "suggest_mapping", "suggest_source", "target_column", "targets_for",
    "value_fit",
]


FLAT = "flat"
IGNORE = "ignore"
#: Suggestions below this confidence are left unmapped.
MIN_CONFIDENCE = 0.5
#: Required key columns must be matched at least this well for a table to be chosen.
KEY_CONFIDENCE = 0.7
MAPPING_VERSION = 1

_CORE_TABLES = (FLAT, "orders", "order_items")


def _flat_targets() -> tuple[tuple[str, Column], ...]:
    out: list[tuple[str, Column]] = []
    for c in schema.ORDERS.columns:
        out.append((f"orders.{c.name}", c))
    for c in schema.ORDER_ITEMS.columns:
        if c.name != "order_id":
            out.append((f"order_items.{c.name}", c))
    for c in schema.PRODUCTS.columns:
        if c.name not in ("product_id", "unit_cost"):
            out.append((f"products.{c.name}", c))
    for c in schema.CUSTOMERS.columns:
        if c.name != "customer_id":
            out.append((f"customers.{c.name}", c))
    return tuple(out)


#: Targets of a flat file: ``table.column`` for every canonical column a flat export can carry.
FLAT_TARGETS: tuple[tuple[str, Column], ...] = _flat_targets()
_FLAT_INDEX = dict(FLAT_TARGETS)


def targets_for(table: str) -> tuple[tuple[str, Column], ...]:
    """The (target name, canonical column) pairs a source of ``table`` can map to."""
    if table == FLAT:
        return FLAT_TARGETS
    if table == IGNORE:
        return ()
    return tuple((c.name, c) for c in schema.table(table).columns)


def target_column(table: str, target: str) -> Column:
    """The canonical :class:`~ecops.schema.Column` behind ``target`` in a source of ``table``."""
    if table == FLAT:
        return _FLAT_INDEX[target]
    t, _, c = target.rpartition(".")
    return schema.table(table).column(c if t in ("", table) else target)


# --------------------------------------------------------------------------------------
# Data classes
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceTable:
    """One source offered for mapping: its name, column headers and a sample of values.

    ``profiles`` may carry precomputed :class:`~ecops.ingest.ColumnProfile` objects
    (the loader computes them once); otherwise they are computed from ``sample``.
    """

    name: str
    columns: tuple[str, ...]
    sample: pd.DataFrame = field(compare=False, repr=False)
    profiles: MappingABC[str, ColumnProfile] | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class ColumnMapping:
    """One source column: its canonical target (or None), confidence, parse rule and value profile."""

    column: str
    target: str | None
    confidence: float
    parse: Parse = Parse()
    profile: ColumnProfile = ColumnProfile()

    def __post_init__(self) -> None:
        # kept to the 4 decimals JSON stores, so a saved mapping reads back equal
        object.__setattr__(self, "confidence", round(float(self.confidence), 4))

    def to_dict(self) -> dict[str, Any]:
        return {"column": self.column, "target": self.target, "confidence": round(self.confidence, 4),
                "parse": self.parse.to_dict(), "profile": self.profile.to_dict()}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ColumnMapping:
        return cls(str(d["column"]), d.get("target"), float(d.get("confidence", 0.0)),
                   Parse.from_dict(d.get("parse") or {}), ColumnProfile.from_dict(d.get("profile") or {}))


@dataclass(frozen=True)
class SourceMapping:
    """How one source maps: its table (canonical name, ``'flat'`` or ``'ignore'``) and its columns."""

    source: str
    table: str
    confidence: float
    columns: tuple[ColumnMapping, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "confidence", round(float(self.confidence), 4))

    @property
    def targets(self) -> dict[str, str]:
        """Mapped target → source column."""
        return {c.target: c.column for c in self.columns if c.target}

    def target_of(self, column: str) -> str | None:
        for c in self.columns:
            if c.column == column:
                return c.target
        raise KeyError(f"{self.source} has no column {column!r}")

    def column_for(self, target: str) -> str | None:
        return self.targets.get(target)

    def column_mapping(self, column: str) -> ColumnMapping:
        for c in self.columns:
            if c.column == column:
                return c
        raise KeyError(f"{self.source} has no column {column!r}")

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "table": self.table, "confidence": round(self.confidence, 4),
                "columns": [c.to_dict() for c in self.columns]}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> SourceMapping:
        return cls(str(d["source"]), str(d["table"]), float(d.get("confidence", 0.0)),
                   tuple(ColumnMapping.from_dict(c) for c in d.get("columns", [])))


@dataclass(frozen=True)
class Mapping:
    """The mapping of every source onto the canonical schema.

    Immutable: edits return new mappings (:meth:`with_column`, :meth:`with_table`).
    Serialises to JSON with :meth:`to_json` / :meth:`from_json`, :meth:`save` / :meth:`load`.
    """

    sources: tuple[SourceMapping, ...] = ()
    version: int = MAPPING_VERSION

    def source(self, name: str) -> SourceMapping:
        """The mapping of source ``name`` (KeyError if absent)."""
        for s in self.sources:
            if s.source == name:
                return s
        raise KeyError(f"no source {name!r} in the mapping")

    def __contains__(self, name: object) -> bool:
        return any(s.source == name for s in self.sources)

    @property
    def source_names(self) -> tuple[str, ...]:
        return tuple(s.source for s in self.sources)

    def sources_for(self, table: str) -> tuple[SourceMapping, ...]:
        """Sources mapped to ``table`` (a canonical name, ``'flat'`` or ``'ignore'``)."""
        return tuple(s for s in self.sources if s.table == table)

    def _replace_source(self, new: SourceMapping) -> Mapping:
        return replace(self, sources=tuple(new if s.source == new.source else s for s in self.sources))

    def with_column(self, source: str, column: str, target: str | None) -> Mapping:
        """A new mapping where ``column`` of ``source`` maps to ``target`` (None to unmap).

        For a flat source, targets are ``table.column`` (e.g. ``'order_items.unit_price'``);
        otherwise a column of the source's table. A column already mapped to ``target``
        is unmapped, so each target is used once. The parse rule is re-chosen for the
        target's value kind; the confidence of a user choice is 1.
        """
        sm = self.source(source)
        cm = sm.column_mapping(column)
        if target is not None:
            if sm.table == IGNORE:
                raise ValueError(f"{source} is ignored; choose its table first")
            if sm.table != FLAT and "." in target:
                t, _, c = target.partition(".")
                if t != sm.table:
                    raise ValueError(f"{target!r} is not a column of {sm.table}")
                target = c
            valid = dict(targets_for(sm.table))
            if target not in valid:
                raise ValueError(f"{target!r} is not a column of {sm.table}")
            col = valid[target]
            new_cm = replace(cm, target=target, confidence=1.0,
                             parse=choose_parse(cm.profile, col.kind, column, target))
        else:
            new_cm = replace(cm, target=None, confidence=0.0, parse=Parse())
        cols = []
        for c in sm.columns:
            if c.column == column:
                cols.append(new_cm)
            elif target is not None and c.target == target:
                cols.append(replace(c, target=None, confidence=0.0, parse=Parse()))
            else:
                cols.append(c)
        return self._replace_source(replace(sm, columns=tuple(cols)))

    def with_table(self, source: str, table: str) -> Mapping:
        """A new mapping where ``source`` is ``table`` (canonical, ``'flat'`` or ``'ignore'``).

        Column targets are suggested again for the new table from the stored headers and
        value profiles.
        """
        if table not in (FLAT, IGNORE) and table not in schema.TABLES:
            raise ValueError(f"unknown table {table!r}")
        sm = self.source(source)
        headers = [c.column for c in sm.columns]
        profiles = {c.column: c.profile for c in sm.columns}
        return self._replace_source(_map_to_table(source, table, headers, profiles, confidence=1.0))

    def to_dict(self) -> dict[str, Any]:
        return {"version": self.version, "sources": [s.to_dict() for s in self.sources]}

    def to_json(self) -> str:
        """JSON text (UTF-8, Chinese kept readable)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=1, sort_keys=False)

    @classmethod
    def from_json(cls, text: str) -> Mapping:
        """Read a mapping written by :meth:`to_json`."""
        d = json.loads(text)
        if not isinstance(d, dict) or "sources" not in d:
            raise ValueError("not an ecops mapping (no 'sources')")
        return cls(tuple(SourceMapping.from_dict(s) for s in d["sources"]), int(d.get("version", MAPPING_VERSION)))

    def save(self, path: str | Path) -> None:
        """Write the mapping as JSON to ``path``."""
        Path(path).write_text(self.to_json(), encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> Mapping:
        """Read a mapping saved with :meth:`save`."""
        return cls.from_json(Path(path).read_text(encoding="utf-8"))


# --------------------------------------------------------------------------------------
# Scoring
# --------------------------------------------------------------------------------------

_BRACKETS = re.compile(r"[(（\[【].*?[)）\]】]")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_SPLIT = re.compile(r"[^0-9A-Za-z\u4e00-\u9fff]+")
_UNIT_SUFFIX = re.compile(r"(_|\s)(g|kg|cm|mm|m|lb|lbs|pct|元|rmb|cny|usd)$", re.I)
_CJK = re.compile(r"[\u4e00-\u9fff]")


def _tokens(text: str) -> list[str]:
    text = _CAMEL.sub(" ", str(text))
    return [t.lower() for t in _SPLIT.split(text) if t]


def _clean_header(header: str) -> str:
    h = _BRACKETS.sub("", str(header)).strip() or str(header)
    return h


_SYN_CACHE: dict[int, list[tuple[str, list[str], bool]]] = {}


def _syns(col: Column) -> list[tuple[str, list[str], bool]]:
    key = id(col)
    if key not in _SYN_CACHE:
        out = []
        for s in (col.name, *col.synonyms):
            out.append((normalise_name(s), _tokens(s), s == col.name))
        _SYN_CACHE[key] = out
    return _SYN_CACHE[key]


def _contiguous(needle: list[str], hay: list[str]) -> bool:
    k = len(needle)
    return k > 0 and any(hay[i:i + k] == needle for i in range(len(hay) - k + 1))


def name_score(header: str, col: Column) -> float:
    """How well a header names canonical column ``col``, in [0, 1].

    1.0 for the canonical name, 0.95 for a listed synonym (after folding case and
    separators and dropping bracketed units), 0.5–0.9 for a synonym contained as whole
    tokens or as a Chinese substring, scaled by how much of the header it covers, and a
    damped difflib ratio for near-misspellings. Cached: suggesting a mapping scores every
    header against the same columns once per candidate table.
    """
    return _name_score(str(header), col)


@functools.lru_cache(maxsize=1 << 15)
def _name_score(header: str, col: Column) -> float:
    cleaned = _clean_header(header)
    h = normalise_name(cleaned)
    h_nounit = normalise_name(_UNIT_SUFFIX.sub("", cleaned))
    if not h:
        return 0.0
    htoks = _tokens(cleaned)
    best = 0.0
    for s, stoks, canonical in _syns(col):
        if not s:
            continue
        if h == s or h_nounit == s:
            return 1.0 if canonical else 0.95
        score = 0.0
        cjk = bool(_CJK.search(s))
        if not cjk and stoks and len(s) >= 3 and _contiguous(stoks, htoks):
            score = 0.5 + 0.4 * len(s) / len(h)
        elif cjk and len(s) >= 2 and s in h:
            score = 0.5 + 0.4 * len(s) / len(h)
        elif cjk and len(h) >= 2 and h in s:
            score = 0.45 + 0.3 * len(h) / len(s)
        elif not cjk and len(s) >= 5 and s in h:
            score = 0.45 + 0.4 * len(s) / len(h)
        if len(s) >= 4 and len(h) >= 4 and 2 * min(len(s), len(h)) >= 0.85 * (len(s) + len(h)):
            # the length bound skips pairs whose ratio cannot reach 0.85 (most of them)
            sm = difflib.SequenceMatcher(None, h, s)
            if sm.quick_ratio() >= 0.85:
                r = sm.ratio()
                if r >= 0.85:
                    score = max(score, 0.9 * r)
        best = max(best, score)
    return min(best, 0.9)


def value_fit(col: Column, p: ColumnProfile) -> float:
    """How well the values (profile) fit canonical column ``col``, in [0, 1].

    Dates must parse; numbers must be numbers; integers whole; scores within 1..5;
    ids neither free text nor timestamps nor fractional numbers; categories are not dates.
    """
    if p.n == 0:
        return 0.6  # an empty sample column: the name alone decides, with less confidence
    kind = col.kind
    looks_date = p.time_share >= 0.9 and p.time_format not in ("excel", "epoch_s", "epoch_ms")
    if kind in ("time", "date"):
        return 1.0 if p.time_share >= 0.9 else 0.6 if p.time_share >= 0.5 else 0.0
    if kind == "number":
        ns = p.number_share
        # a column at least half numbers fits only well enough for an exact name (0.95 × 0.55 is above
        # MIN_CONFIDENCE, 0.9 × 0.55 below): loading then names the values it cannot read, row and
        # column, instead of the column silently disappearing (a few junk values in a short file)
        fit = 1.0 if ns >= 0.95 else 0.7 if ns >= 0.8 else 0.55 if ns >= 0.5 else 0.0
        if looks_date:
            fit *= 0.3
        if col.name == "quantity" and ns >= 0.5:
            # whole numbers among the numbers: one 'abc' in eight rows must not make quantities look fractional
            # (the column was then dropped and every line silently counted as 1 unit)
            fit *= 1.0 if p.integer_share >= 0.9 * ns else 0.6
        if col.name == "discount_rate":
            # a rate lies in [0, 1]; money discounts do not (and a rate is never summed as money)
            fit *= 1.0 if (p.min is not None and p.min >= 0 and p.max is not None and p.max <= 1) else 0.0
        return fit
    if kind == "integer":
        if p.number_share < 0.8:
            return 0.0
        fit = 1.0 if p.integer_share >= 0.95 else 0.4
        lo, hi = p.min if p.min is not None else 0, p.max if p.max is not None else 0
        if col.name == "score":
            fit *= 1.0 if (lo >= 0 and hi <= 5) else 0.7 if (lo >= 0 and hi <= 10) else 0.2
        elif col.name == "birth_year":
            fit *= 1.0 if (lo >= 1900 and hi <= 2030) else 0.2
        elif col.name == "age":
            fit *= 1.0 if (lo >= 0 and hi <= 120) else 0.2
        return fit
    if kind == "id":
        # money and dates are never keys (a 天猫 report's 买家实际支付金额 once became the customer id)
        if looks_date and p.number_share < 0.5:
            return 0.0
        if p.currency_share >= 0.5 or (p.number_share >= 0.9 and p.integer_share < 0.5):
            return 0.0
        if p.number_share >= 0.9 and p.integer_share - p.zero_decimal_share < 0.5 and p.integer_share < 0.9:
            return 0.3
        if p.avg_len > 60:
            return 0.3
        if p.n >= 50 and p.distinct <= 3 and col.name in ("order_id", "customer_id", "product_id"):
            return 0.4  # a near-constant column is not an order/customer/product key (a warehouse id may be)
        return 1.0
    if kind == "category":
        if looks_date:
            return 0.3
        if col.name == "region" and p.region_share >= 0.5:
            return 1.0
        return 0.6 if p.number_share >= 0.95 else 1.0
    # text
    if col.name == "email":
        return 1.0 if p.email_share >= 0.5 else 0.4
    if col.name == "phone":
        return 1.0 if p.phone_share >= 0.5 or p.number_share >= 0.9 else 0.5
    return 0.5 if p.number_share >= 0.9 else 1.0


def _pattern_only(col: Column, p: ColumnProfile) -> float:
    """Confidence from values alone (no name match): e-mails, phones, provinces."""
    if col.name == "email" and p.email_share >= 0.8:
        return 0.85
    if col.name == "phone" and p.phone_share >= 0.8:
        return 0.8
    if col.name == "region" and p.region_share >= 0.8 and p.distinct <= 70:
        return 0.6
    return 0.0


_RATE = schema.ORDER_ITEMS.column("discount_rate")


def _rate_like(p: ColumnProfile) -> bool:
    """Values in [0, 1] with some above zero: a rate's range (a column of zeros says nothing)."""
    return p.min is not None and p.max is not None and 0 <= p.min and 0 < p.max <= 1


def column_confidence(header: str, profile: ColumnProfile, col: Column) -> float:
    """Confidence that source column ``header`` (with ``profile``) is canonical column ``col``."""
    ns = name_score(header, col)
    fit = value_fit(col, profile)
    if col.name in ("discount", "discount_amount") and _rate_like(profile) \
            and name_score(header, _RATE) >= min(ns, 0.95):  # an exact synonym reads as well as the name
        # values in (0, 1] decide between a rate and money only when the header reads as a rate at least as
        # well (Superstore's "Discount": a rate, never summed as money). 优惠金额 or "discount amount" says
        # money, and a discount of a cent is still money: it once went to total_amount instead.
        fit *= 0.3
    if ns > 0:
        return max(ns * fit, _pattern_only(col, profile))
    return _pattern_only(col, profile)


def _assign(headers: list[str], profiles: MappingABC[str, ColumnProfile],
            targets: tuple[tuple[str, Column], ...]) -> dict[str, tuple[str, float]]:
    """Greedy one-to-one assignment of headers to targets by descending confidence."""
    cands: list[tuple[float, int, int, str, str]] = []
    for i, h in enumerate(headers):
        p = profiles.get(h) or ColumnProfile()
        for j, (t, col) in enumerate(targets):
            c = column_confidence(h, p, col)
            if c >= MIN_CONFIDENCE:
                cands.append((c, -j, -i, h, t))
    cands.sort(reverse=True)
    used_h: set[str] = set()
    used_t: set[str] = set()
    out: dict[str, tuple[str, float]] = {}
    for c, _, _, h, t in cands:
        if h in used_h or t in used_t:
            continue
        used_h.add(h)
        used_t.add(t)
        out[h] = (t, c)
    return out


def _table_hint(source: str) -> str | None:
    """The canonical table a source *name* suggests ('olist_order_items_dataset.csv' → order_items)."""
    stem = Path(str(source).split(":")[-1] if ":" in str(source) else str(source)).stem
    base = normalise_name(re.sub(r"(?i)olist|dataset|export|导出|报表|\d+", " ", stem))
    full = normalise_name(stem)
    best, best_len = None, 0
    for t in schema.TABLES.values():
        for syn in (t.name, *t.synonyms):
            s = normalise_name(syn)
            if len(s) < (2 if _CJK.search(s) else 4):
                continue
            if (s in base or s in full) and len(s) > best_len:
                best, best_len = t.name, len(s)
    return best


def _eligible(table: str, assigned: dict[str, tuple[str, float]]) -> bool:
    conf = {t: c for t, c in assigned.values()}

    def key(t: str) -> bool:
        return conf.get(t, 0.0) >= KEY_CONFIDENCE

    if table == FLAT:
        has_cust, has_time = key("orders.customer_id"), "orders.order_time" in conf
        line_info = any(t in conf for t in ("order_items.product_id", "order_items.quantity",
                                            "order_items.unit_price"))
        money = "order_items.unit_price" in conf or "orders.total_amount" in conf
        return has_cust and has_time and line_info and money
    t = schema.table(table)
    for r in t.required:
        col = t.column(r)
        if col.kind == "id":
            if not key(r):
                return False
        elif r not in conf:
            if table == "order_items" and r == "quantity":
                continue  # one row per unit (e.g. Olist): quantity 1 is derived
            return False
    if len(t.required) <= 1 or table in ("reviews", "returns", "shipments"):
        # tables keyed only by order_id need evidence beyond the key
        extra = [c for tt, c in conf.items() if tt not in t.required]
        if table == "reviews":
            return True
        if not any(c >= 0.8 for c in extra):
            return False
    return True


def _map_to_table(source: str, table: str, headers: list[str], profiles: MappingABC[str, ColumnProfile],
                  confidence: float | None = None) -> SourceMapping:
    targets = targets_for(table)
    assigned = _assign(headers, profiles, targets) if targets else {}
    cols = []
    for h in headers:
        p = profiles.get(h) or ColumnProfile()
        if h in assigned:
            t, c = assigned[h]
            col = target_column(table, t)
            cols.append(ColumnMapping(h, t, c, choose_parse(p, col.kind, h, t), p))
        else:
            cols.append(ColumnMapping(h, None, 0.0, Parse(), p))
    if confidence is None:
        confidence = _table_confidence(table, assigned)
    return SourceMapping(source, table, round(confidence, 4), tuple(cols))


def required_targets(table: str) -> tuple[str, ...]:
    """Targets a source mapped to ``table`` cannot load without (a flat export: the buyer, time, product,
    quantity and price of each line)."""
    if table == FLAT:
        return ("orders.customer_id", "orders.order_time", "order_items.product_id", "order_items.quantity",
                "order_items.unit_price")
    if table == IGNORE:
        return ()
    return schema.table(table).required


def _table_confidence(table: str, assigned: dict[str, tuple[str, float]]) -> float:
    req = required_targets(table)
    if not req:
        return 0.0
    conf = {t: c for t, c in assigned.values()}
    return sum(conf.get(r, 0.0) for r in req) / len(req)


def _score(table: str, assigned: dict[str, tuple[str, float]], hint: str | None) -> float:
    s = sum(c for _, c in assigned.values())
    if hint == table:
        s += 1.0
    if table == FLAT and hint in ("orders", "order_items"):
        s += 0.5
    return s


def _map_by_platform(source: str, platform: platforms.Platform, headers: list[str],
                     profiles: MappingABC[str, ColumnProfile]) -> SourceMapping:
    """The mapping of a recognised platform export: its dictionary first, generic guesses for the rest.

    A platform's export names its columns the same way in every shop, so its dictionary is certain
    where generic name matching guesses (Shopify's ``Email`` is the buyer key, Amazon's ``item-price``
    a line amount, not a unit price). Headers the dictionary does not know (columns a newer export
    added) may still fill targets the dictionary left empty.
    """
    table = FLAT if platform.level == "line" else "orders"
    known = platform.mapping_targets(headers, table)
    unknown = [h for h in headers if platforms.fold_header(h) not in platform.headers]
    free_targets = tuple((t, c) for t, c in targets_for(table) if t not in set(known.values()))
    guessed = _assign(unknown, profiles, free_targets) if unknown else {}
    cols, assigned = [], {}
    for h in headers:
        p = profiles.get(h) or ColumnProfile()
        target, conf = (known[h], 1.0) if h in known else guessed.get(h, (None, 0.0))
        if target is None:
            cols.append(ColumnMapping(h, None, 0.0, Parse(), p))
            continue
        assigned[h] = (target, conf)
        cols.append(ColumnMapping(h, target, conf, choose_parse(p, target_column(table, target).kind, h, target), p))
    return SourceMapping(source, table, round(_table_confidence(table, assigned), 4), tuple(cols))


def suggest_source(name: str, headers: list[str], profiles: MappingABC[str, ColumnProfile]
                   ) -> tuple[SourceMapping, dict[str, float]]:
    """The best mapping of one file on its own — the table it most likely is (its name a hint) and its columns'
    targets — and every candidate table's score."""
    hint = _table_hint(name)
    scores: dict[str, float] = {}
    best: tuple[float, str, dict] | None = None
    for table in (FLAT, *schema.TABLE_ORDER):
        assigned = _assign(headers, profiles, targets_for(table))
        sc = _score(table, assigned, hint)
        scores[table] = sc
        if _eligible(table, assigned) and (best is None or sc > best[0]):
            best = (sc, table, assigned)
    platform = platforms.detect(headers)
    if platform is not None:
        return _map_by_platform(name, platform, headers, profiles), scores
    if best is None:
        return _map_to_table(name, IGNORE, headers, profiles, confidence=0.0), scores
    return _map_to_table(name, best[1], headers, profiles), scores


def suggest_mapping(sources: MappingABC[str, SourceTable] | list[SourceTable]) -> Mapping:
    """Suggest how every source maps onto the canonical schema.

    Parameters
    ----------
    sources : dict of name → SourceTable (or a list)
        Each with column headers and a sample of values (strings or typed).

    Returns
    -------
    Mapping
        Per source: the table (canonical, ``'flat'`` or ``'ignore'``) with the highest
        score among those whose required columns are matched, and per column the target,
        confidence (name evidence × value fit) and parse rule. If no source provides
        orders or order lines, the source closest to one is given that table anyway, so
        that loading names the missing columns instead of silently ignoring the file.
    """
    items = list(sources.values()) if isinstance(sources, MappingABC) else list(sources)
    out: list[SourceMapping] = []
    all_scores: list[dict[str, float]] = []
    for st in items:
        profiles = st.profiles if st.profiles is not None else profile_frame(st.sample[list(st.columns)])
        sm, scores = suggest_source(st.name, list(st.columns), profiles)
        out.append(sm)
        all_scores.append(scores)
    if out and not any(s.table in (FLAT, "orders") for s in out):
        # nothing yields orders: give the closest source the table it nearly is, so that
        # loading names the missing column instead of ignoring the file
        i, table = max(((i, t) for i in range(len(out)) for t in (FLAT, "orders")),
                       key=lambda it: all_scores[it[0]][it[1]])
        st = items[i]
        profiles = {c.column: c.profile for c in out[i].columns}
        out[i] = _map_to_table(st.name, table, list(st.columns), profiles)
    return Mapping(tuple(out))


def _buyer_left_unmapped(sm: SourceMapping) -> bool:
    """Whether a flat source without a customer key still has a free column that could be one.

    A file with order ids loads without buyers (customer analyses then say what would unlock them),
    but only when nothing in it could be the buyer: otherwise the user is asked, because a buyer column
    under an unknown name (``Kundennr``) is far likelier than a shop export without buyers. A recognised
    platform export is the exception: its dictionary knows every column, so what it leaves free is no buyer.
    """
    if platforms.detect([c.column for c in sm.columns]) is not None:
        return False
    return bool(candidates_for(sm, "orders.customer_id"))


def missing_required(sm: SourceMapping) -> list[str]:
    """Required targets of the source's table that are not mapped (derivable ones excluded)."""
    mapped = sm.targets
    if sm.table == FLAT:
        miss = []
        if "orders.customer_id" not in mapped and ("orders.order_id" not in mapped or _buyer_left_unmapped(sm)):
            miss.append("orders.customer_id")
        if "orders.order_time" not in mapped:
            miss.append("orders.order_time")
        if not {"order_items.unit_price", "order_items.line_amount", "orders.total_amount"} & set(mapped):
            miss.append("order_items.unit_price")
        return miss
    if sm.table == IGNORE:
        return []
    t = schema.table(sm.table)
    miss = [r for r in t.required if r not in mapped]
    if sm.table == "order_items" and "quantity" in miss:
        miss.remove("quantity")
    if sm.table == "order_items" and "unit_price" in miss and "line_amount" in mapped:
        miss.remove("unit_price")  # line amount ÷ quantity
    return miss


def candidates_for(sm: SourceMapping, target: str, k: int = 5) -> list[str]:
    """Unmapped source columns that could fill ``target``, best first (by value fit, then name)."""
    col = target_column(sm.table, target) if sm.table not in (IGNORE,) else None
    free = [c for c in sm.columns if c.target is None]
    if col is None:
        return [c.column for c in free][:k]
    ranked = sorted(free, key=lambda c: (-(value_fit(col, c.profile) > 0.5), -name_score(c.column, col)))
    return [c.column for c in ranked if value_fit(col, c.profile) > 0.0][:k]
