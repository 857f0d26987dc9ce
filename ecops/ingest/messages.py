"""User-facing texts of loading: :class:`IngestError` (a problem the user can fix) and :class:`Notice`.

Every message names the file (and the row and column where they apply) and says what to do, in
English and Simplified Chinese; the texts are in the catalogue (:mod:`ecops.i18n.ingest`, keys
``ingest.error.<code>``, ``ingest.advice.<code>``, ``ingest.notice.<code>``). Values from the data are
only ever formatted into these templates.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from ecops.i18n import catalog

__all__ = [
    "Lang", "IngestError", "Notice", "Phrase",
]

Lang = Literal["en", "zh"]

#: Delimiters named in notices → their catalogue names (``ingest.delimiter.<name>``).
_DELIMITERS = {",": "comma", "\t": "tab", ";": "semicolon", "|": "pipe", " ": "space"}


def _text(key: str, lang: Lang, default: str = "") -> str:
    texts = catalog().get(key)
    return texts[lang] if texts else default


@dataclass(frozen=True)
class Phrase:
    """Part of a message that is itself catalogue text (``ingest.what.members``: " {n} archive members"),
    given as a parameter and put in the message's language when the message is written."""

    key: str
    values: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def of(cls, key: str, **values: Any) -> Phrase:
        return cls(key, tuple(sorted(values.items())))


def _in(lang: Lang, params: dict[str, Any]) -> dict[str, Any]:
    """``params`` for ``lang``: phrases in that language; a value also given in Chinese (``platform_zh``) fills
    ``{platform}`` in Chinese."""
    out = {k: _fmt(_text(v.key, lang), dict(v.values)) if isinstance(v, Phrase) else v for k, v in params.items()}
    if lang == "zh":
        out.update({k[:-3]: v for k, v in out.items() if k.endswith("_zh") and v not in ("", None)})
    return out


def _fmt(template: str, params: dict[str, Any]) -> str:
    try:
        return template.format(**params)
    except (KeyError, ValueError, IndexError):  # a template must never hide the error itself
        return template


class IngestError(Exception):
    """A problem with an uploaded file that the user can fix.

    Attributes
    ----------
    file : str
        File (or source) name as the user knows it.
    code : str
        Machine-readable problem code (e.g. ``'ragged'``, ``'not_a_number'``).
    row : int or None
        1-based line (CSV), sheet row (Excel) or record number (Parquet), where known.
    column : str or None
        Column as named in the file (or the canonical column for mapping problems).
    params : dict
        Details used in the message (value, count, limit …).
    """

    def __init__(self, file: str, code: str, *, row: int | None = None, column: str | None = None,
                 **params: Any) -> None:
        self.file = file
        self.code = code
        self.row = row
        self.column = column
        self.params = dict(params)
        super().__init__(self.message("en"))

    def _params(self, lang: Lang = "en") -> dict[str, Any]:
        p = {"file": self.file, "row": self.row, "column": self.column, "detail": "", "hint": "", "what": ""}
        p.update(self.params)
        if "value" in p:
            v = str(p["value"])
            p["value"] = v if len(v) <= 40 else v[:37] + "…"
        return _in(lang, p)

    def message(self, lang: Lang = "en") -> str:
        """The full user-facing sentence: where, what is wrong, and what to do.

        Parameters
        ----------
        lang : {'en', 'zh'}
            English or Simplified Chinese.
        """
        p = self._params(lang)
        problem = _fmt(_text(f"ingest.error.{self.code}", lang, "{detail}"), p)
        advice = _fmt(_text(f"ingest.advice.{self.code}", lang), p)
        if lang == "zh":
            where = [self.file]
            if self.row is not None:
                where.append(f"第 {self.row:,} 行")
            if self.column is not None:
                where.append(f"列「{self.column}」")
            return "，".join(where) + "：" + problem + "。" + advice
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row:,}")
        if self.column is not None:
            where.append(f"column {self.column}")
        return ", ".join(where) + ": " + problem + ". " + advice

    def __str__(self) -> str:
        return self.message("en")


@dataclass(frozen=True)
class Notice:
    """A fact or warning about a load, renderable in English or Chinese.

    ``severity`` is ``'info'`` for facts (encoding, delimiter, rows read) and
    ``'warning'`` for things the user should look at (values left empty, negative quantities).
    """

    code: str
    file: str = ""
    severity: Literal["info", "warning"] = "info"
    params: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def make(cls, code: str, file: str = "", severity: Literal["info", "warning"] = "info", **params: Any) -> Notice:
        return cls(code, file, severity, tuple(sorted(params.items())))

    def get(self, key: str, default: Any = None) -> Any:
        return dict(self.params).get(key, default)

    def message(self, lang: Lang = "en") -> str:
        p: dict[str, Any] = {"file": self.file}
        p.update(dict(self.params))
        kind = p.get("kind")
        if f"ingest.kind.{kind}" in catalog():
            p["kind"] = _text(f"ingest.kind.{kind}", lang)
        evidence = f"ingest.evidence.{str(p.get('evidence', '')).replace(' ', '_')}"
        if evidence in catalog():
            p["evidence"] = _text(evidence, lang)
        d = p.get("delimiter")
        if d in _DELIMITERS:
            p["delimiter_name"] = _text(f"ingest.delimiter.{_DELIMITERS[d]}", lang)
        sep = "：" if lang == "zh" else ": "
        return _fmt(_text(f"ingest.notice.{self.code}", lang, "{file}" + sep + self.code), _in(lang, p))

    def __str__(self) -> str:
        return self.message("en")
