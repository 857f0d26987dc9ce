"""Word frequencies of short customer comments (Chinese or English), for complaint themes.

Chinese has no spaces between words, so counting words needs segmentation: we use jieba
(precise mode, its bundled dictionary — works offline). Loading jieba's dictionary into Python
takes about a second per process, so ecops keeps it as a sorted, memory-mapped array in the temp
directory (built once per machine) and gives jieba only the entries the comments at hand can
touch — the same segmentation, in milliseconds. Other text is split on letters/digits and
lower-cased. Stop words and punctuation are removed; for Chinese, one-
character tokens are dropped too except a few that carry a complaint on their own (慢, 差, 坏 …).

Input is already aggregated: distinct comment texts with how many reviews used each, so
repeated short comments ("好评") are segmented once.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

__all__ = ["WordFrequencies", "is_chinese", "tokenize", "warm_up", "word_frequencies"]

Lang = Literal["zh", "en"]

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[^\W_]+", re.UNICODE)

#: Chinese function words, pronouns, intensifiers and fillers that say nothing about a theme.
STOP_ZH: frozenset[str] = frozenset("""
的 了 是 我 你 他 她 它 们 我们 你们 他们 也 很 太 都 就 还 又 在 和 与 及 或 跟 把 被 给 让 对 从 向 到 这 那 这个 那个 这些 那些
这样 那样 一个 一下 一点 一些 有 没 没有 不是 就是 还是 但是 但 而且 而 所以 因为 如果 虽然 然后 可以 可能 已经 真的 真是
非常 特别 比较 有点 有些 还有 什么 怎么 怎么样 为什么 吧 吗 呢 啊 呀 哦 嗯 哈 啦 么 着 过 得 地 之 其 个 只 才 再 更 最 挺 蛮
好像 感觉 觉得 东西 商品 宝贝 卖家 买家 店家 产品 一次 这次 第一次 一直 时候 现在 之后 以后 还是 自己 大家 就是 其实
""".split())

#: English stop words (a compact list; comments are short).
STOP_EN: frozenset[str] = frozenset("""
a about above after again against all am an and any are as at be because been before being below between both but by
can could did do does doing don down during each few for from further had has have having he her here hers herself him
himself his how i if in into is it its itself just me more most my myself no nor not of off on once only or other our
ours ourselves out over own same she should so some such than that the their theirs them themselves then there these
they this those through to too under until up very was we were what when where which while who whom why will with
would you your yours yourself yourselves im ive its dont didnt doesnt isnt wasnt arent cant wont also got get really
product item order one would still even much
""".split())

#: One-character Chinese words worth keeping: they name the complaint by themselves.
_KEEP_ZH_1 = frozenset("慢 差 坏 破 贵 假 脏 臭 旧 小 大 薄 烂 漏 错 少 晚 退 换".split())

_lock = threading.Lock()
_thread: threading.Thread | None = None
_MAX_WORD = 16  # longest entry of jieba's default dictionary


def _full_jieba():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba.dt


def _index_paths() -> tuple[Path, Path]:
    import jieba

    dict_path = Path(jieba.__file__).with_name("dict.txt")
    stem = f"ecops-jieba-{jieba.__version__}-{dict_path.stat().st_size}"
    base = Path(tempfile.gettempdir())
    return base / f"{stem}.keys.npy", base / f"{stem}.freq.npy"


@cache
def _freq_index() -> tuple[np.ndarray, np.ndarray, int] | None:
    """jieba's prefix dictionary as sorted arrays (words and their prefixes, frequencies), memory-mapped.

    Built once per machine from jieba's own dictionary (offline) and kept in the temp directory;
    loading it is ~50× faster than unmarshalling jieba's dict cache. ``None`` if it cannot be built.
    """
    try:
        keys_path, freq_path = _index_paths()
        if not (keys_path.exists() and freq_path.exists()):
            dt = _full_jieba()
            words = sorted(dt.FREQ)
            keys = np.array(words, dtype=f"<U{_MAX_WORD}")
            freq = np.array([dt.FREQ[w] for w in words] + [dt.total], dtype=np.int64)
            for path, arr in ((keys_path, keys), (freq_path, freq)):
                tmp = path.with_name(f"{path.stem}.{os.getpid()}.{threading.get_ident()}.tmp.npy")
                np.save(tmp, arr)
                os.replace(tmp, path)  # atomic: concurrent builders never see half a file
        keys = np.load(keys_path, mmap_mode="r")
        freq = np.load(freq_path, mmap_mode="r")
        return keys, freq[:-1], int(freq[-1])
    except Exception:  # read-only temp dir, odd jieba build …: fall back to jieba's own loading
        return None


def _tokenizer_for(texts: Sequence[str]):
    """A jieba tokenizer whose dictionary holds exactly the entries these texts can touch.

    jieba segments by looking up substrings of each text in its prefix dictionary, extending a
    substring only while it is a known prefix. Collecting those substrings level by level (one
    vectorised lookup per length) gives the same lookups — so the same segmentation — as the full
    350k-word dictionary, without loading it into Python.
    """
    import jieba

    jieba.setLogLevel(logging.WARNING)
    index = _freq_index()
    if index is None:
        return _full_jieba()
    keys, freq, total = index
    joined = "\n".join(texts)  # "\n" is in no dictionary word, so no match crosses two texts
    starts = np.array([i for i, ch in enumerate(joined) if ch != "\n"], dtype=np.int64)
    found: dict[str, int] = {}
    for length in range(1, _MAX_WORD + 1):
        if not starts.size:
            break
        cand = np.array([joined[i:i + length] for i in starts], dtype=f"<U{_MAX_WORD}")
        pos = np.minimum(np.searchsorted(keys, cand), len(keys) - 1)
        hit = (keys[pos] == cand) & (np.char.str_len(cand) == length)
        for word, f in zip(cand[hit].tolist(), freq[pos[hit]].tolist(), strict=True):
            found[word] = int(f)
        starts = starts[hit]  # only known prefixes can grow into words
    tk = jieba.Tokenizer()
    tk.FREQ, tk.total, tk.initialized = found, total, True
    return tk


def warm_up() -> None:
    """Prepare the segmentation dictionary in a background thread (idempotent, returns at once)."""
    global _thread
    with _lock:
        if _thread is None:
            _thread = threading.Thread(target=_freq_index, name="ecops-jieba-index", daemon=True)
            _thread.start()


_SEGMENTED: dict[str, tuple[str, ...]] = {}


def _segment(texts: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """Content words of each Chinese text (cached per text; the dictionary is sliced for the new ones)."""
    new = sorted({t for t in texts if t not in _SEGMENTED})
    if new:
        tk = _tokenizer_for(new)
        if len(_SEGMENTED) > 200_000:  # bounded memory on a long-running server
            _SEGMENTED.clear()
        for text in new:
            _SEGMENTED[text] = _content_words_zh(tk.lcut(text, HMM=True))
    return {t: _SEGMENTED[t] for t in texts}


def _content_words_zh(tokens: Iterable[str]) -> tuple[str, ...]:
    out = []
    for tok in tokens:
        tok = tok.strip().lower()
        if not tok or tok in STOP_ZH or not any(ch.isalnum() for ch in tok) or tok.isdigit():
            continue
        if len(tok) == 1 and _CJK.match(tok) and tok not in _KEEP_ZH_1:
            continue
        if len(tok) == 1 and not _CJK.match(tok):
            continue
        out.append(tok)
    return tuple(out)


def is_chinese(texts: Iterable[str], threshold: float = 0.3) -> bool:
    """Whether the texts are mainly Chinese: share of CJK characters among letters ≥ ``threshold``."""
    cjk = letters = 0
    for text in texts:
        if not isinstance(text, str):
            continue
        cjk += len(_CJK.findall(text))
        letters += sum(ch.isalpha() for ch in text)
    return letters > 0 and cjk / letters >= threshold


@lru_cache(maxsize=50_000)
def _tokens_en(text: str) -> tuple[str, ...]:
    words = (w.lower().replace("'", "") for w in _LATIN_WORD.findall(text.replace("’", "'")))
    return tuple(w for w in words if len(w) > 1 and not w.isdigit() and w not in STOP_EN)


def tokenize(text: str, lang: Lang = "zh") -> tuple[str, ...]:
    """Content words of one comment: jieba segmentation for ``zh``, word split for ``en``; stop words removed."""
    if not isinstance(text, str) or not text.strip():
        return ()
    return _segment([text])[text] if lang == "zh" else _tokens_en(text)


@dataclass(frozen=True)
class WordFrequencies:
    """Most frequent content words of a set of comments.

    Attributes
    ----------
    words : DataFrame
        ``word, count, comments, share`` — total occurrences, number of comments mentioning the
        word, and that number as a share of all comments; ranked by ``comments`` then ``count``.
    n_comments : int
        Comments analysed (each repetition of a text counts).
    lang : str
        ``"zh"`` when segmented with jieba, else ``"en"``.
    """

    words: pd.DataFrame
    n_comments: int
    lang: str


def word_frequencies(
    texts: Sequence[str], counts: Sequence[int] | None = None, *, top: int = 25, lang: Lang | None = None,
    stop_words: Iterable[str] = (),
) -> WordFrequencies:
    """Rank the content words of comments by how many comments use them.

    Parameters
    ----------
    texts:
        Distinct comment texts (``None``/blank ignored).
    counts:
        How many reviews used each text (defaults to 1 each).
    top:
        Number of words to keep.
    lang:
        Force ``"zh"`` (jieba) or ``"en"``; detected from the characters when ``None``.
    stop_words:
        Extra words to drop (e.g. the shop's own brand).
    """
    weights = [1] * len(texts) if counts is None else [int(c) for c in counts]
    pairs = [(t, w) for t, w in zip(texts, weights, strict=True) if isinstance(t, str) and t.strip() and w > 0]
    if lang is None:
        lang = "zh" if is_chinese(t for t, _ in pairs) else "en"
    extra = {s.lower() for s in stop_words}
    occurrences: Counter[str] = Counter()
    documents: Counter[str] = Counter()
    n_comments = 0
    # One Python step per *distinct* text (already aggregated in SQL), never per review.
    segmented = _segment([t for t, _ in pairs]) if lang == "zh" else {t: _tokens_en(t) for t, _ in pairs}
    for text, w in pairs:
        toks = [tok for tok in segmented[text] if tok not in extra]
        n_comments += w
        for tok, k in Counter(toks).items():
            occurrences[tok] += k * w
            documents[tok] += w
    frame = pd.DataFrame({"word": list(documents), "count": [occurrences[k] for k in documents],
                          "comments": list(documents.values())})
    if frame.empty:
        frame = pd.DataFrame({"word": pd.Series(dtype="str"), "count": pd.Series(dtype="int64"),
                              "comments": pd.Series(dtype="int64")})
    frame = frame.sort_values(["comments", "count", "word"], ascending=[False, False, True]).head(top)
    frame["share"] = frame["comments"] / n_comments if n_comments else 0.0
    return WordFrequencies(frame.reset_index(drop=True), n_comments, lang)
