"""Comment word frequencies: jieba segmentation for Chinese, word split for English, stop words removed."""

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from ecops import text


def test_chinese_comments_are_segmented_and_counted_per_comment():
    wf = text.word_frequencies(["物流太慢了，等了好久", "配送太慢", "质量太差"], [3, 2, 1], top=50)
    assert wf.lang == "zh"
    assert wf.n_comments == 6
    words = wf.words.set_index("word")
    # "太慢" is one word in 5 of the 6 comments (3 + 2 repetitions).
    assert words.loc["太慢", "comments"] == 5 and words.loc["太慢", "share"] == pytest.approx(5 / 6)
    assert words.loc["物流", "comments"] == 3 and words.loc["配送", "comments"] == 2
    assert wf.words.iloc[0]["word"] == "太慢"
    # Stop words and punctuation never appear; a one-character complaint word is kept.
    assert not {"了", "，", "等"} & set(words.index)
    assert "差" in words.index


def test_counts_occurrences_separately_from_comments():
    wf = text.word_frequencies(["太慢 太慢 太慢"], [2], lang="zh")
    row = wf.words.set_index("word").loc["太慢"]
    assert row["count"] == 6 and row["comments"] == 2


def test_english_comments_split_lowercased_without_stop_words():
    wf = text.word_frequencies(["The delivery was LATE", "late and broken", "Broken box, very late!"])
    assert wf.lang == "en"
    words = wf.words.set_index("word")["comments"].to_dict()
    assert words["late"] == 3 and words["broken"] == 2 and words["delivery"] == 1
    assert not {"the", "was", "and", "very"} & set(words)


def test_language_detection_and_empty_input():
    assert text.is_chinese(["质量很好", "nice"])
    assert not text.is_chinese(["great product", "fast shipping"])
    empty = text.word_frequencies([None, "", "   "])  # type: ignore[list-item]
    assert empty.n_comments == 0 and empty.words.empty


def test_extra_stop_words_are_removed():
    wf = text.word_frequencies(["小米 手机 太慢"], lang="zh", stop_words=["小米"])
    assert "小米" not in set(wf.words["word"])


def test_segmentation_works_offline():
    """jieba must load its bundled dictionary without any network access."""
    code = textwrap.dedent("""
        import socket
        def _no_network(*a, **k):
            raise OSError("network disabled in this test")
        socket.socket = _no_network
        socket.create_connection = _no_network
        from ecops import text
        wf = text.word_frequencies(["快递延误，很失望"], lang="zh")
        print(",".join(wf.words["word"]))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True,
                         cwd=Path(__file__).resolve().parents[1])
    assert set(out.stdout.strip().split(",")) == {"快递", "延误", "失望"}


def test_sliced_dictionary_segments_exactly_like_full_jieba():
    """The per-call dictionary slice must give jieba's own segmentation with its full dictionary."""
    import jieba

    texts = ["物流太慢了，等了好久", "做工粗糙，不值这个价", "尺码不合适，偏小", "我们在北京大学学习自然语言处理",
             "这个手机的电池续航非常差，充电也很慢", "iPhone15 Pro 屏幕有划痕，客服态度恶劣", "凑合能用"]
    sliced = text._tokenizer_for(texts)
    assert len(sliced.FREQ) < 1_000  # a slice, not the 350k-word dictionary
    full = jieba.Tokenizer()
    assert [sliced.lcut(t) for t in texts] == [full.lcut(t) for t in texts]
