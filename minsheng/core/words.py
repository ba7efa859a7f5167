"""Chinese words for search: a query is split into the words a person meant, so that
"老旧小区电梯" finds "老旧小区既有住宅加装电梯" (every word is there, not the whole string).

jieba segments the text. Its dictionary takes about a second to load, so it is loaded once per
process, on the first search, never per request (and never by processes that do not search:
commands, workers, most tests). The words are plain strings: callers match each one with
`icontains`, which works the same on SQLite and PostgreSQL.
"""

import logging
import re
import threading
from functools import lru_cache

# One-character words that carry no meaning of their own in a query ("的", "和"); other single
# characters stay ("路", "厕", "桥" are what someone looks for).
STOP_CHARACTERS = frozenset("的了和与及或在是有等把被对为之其也就都而着啊吗呢吧将于以由给跟同并让我你他她它们这那哪个")
MAX_WORDS = 8
# Runs of letters, digits and CJK characters; punctuation and spaces separate words.
_CHUNK = re.compile(r"[0-9A-Za-z\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")

_lock = threading.Lock()
_ready = False


def _jieba():
    global _ready
    import jieba

    if not _ready:
        with _lock:
            if not _ready:
                jieba.setLogLevel(logging.WARNING)  # not "Building prefix dict..." on every start
                jieba.initialize()
                _ready = True
    return jieba


def segment(text: str) -> list[str]:
    """The text cut into words in order (jieba's accurate mode), for cutting at a word boundary."""
    return list(_jieba().cut(text))


@lru_cache(maxsize=2048)
def search_words(query: str) -> tuple[str, ...]:
    """The meaningful words of a query, in order, without repeats; at most MAX_WORDS.

    Each run of text is cut into words; a long word that jieba's search mode covers with
    shorter dictionary words ("公交线路" → "公交", "线路") is replaced by them, so a text that
    has the parts apart still matches. A query with no meaningful word ("的", "🏠", "，。")
    gives its text back as one word, so a search for it matches what contains it rather than
    everything.
    """
    words: list[str] = []
    chunks = _CHUNK.findall(query or "")
    for chunk in chunks:
        for piece in _pieces(chunk):
            piece = piece.lower()
            if (len(piece) == 1 and piece in STOP_CHARACTERS) or piece in words:
                continue
            words.append(piece)
    if not words:
        text = (query or "").strip()
        return (text,) if text else ()
    return tuple(words[:MAX_WORDS])


def _pieces(chunk: str) -> list[str]:
    if chunk.isascii():
        return [chunk]
    jieba = _jieba()
    pieces = []
    for word in jieba.lcut(chunk):
        parts = {part for part in jieba.lcut_for_search(word) if len(part) < len(word)} if len(word) > 2 else set()
        pieces.extend(_finest_split(word, parts) or [word])
    return pieces


def _finest_split(word: str, parts: set[str]) -> list[str] | None:
    """The word written as consecutive parts, as many as possible ("公交线路" → "公交", "线路");
    None when the parts do not add up to the word."""
    best: list[list[str] | None] = [None] * (len(word) + 1)
    best[0] = []
    for end in range(1, len(word) + 1):
        for start in range(end):
            head = best[start]
            if head is not None and word[start:end] in parts:
                candidate = head + [word[start:end]]
                if best[end] is None or len(candidate) > len(best[end]):
                    best[end] = candidate
    return best[-1]
