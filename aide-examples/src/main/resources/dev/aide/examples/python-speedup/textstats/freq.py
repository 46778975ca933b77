"""Counting the words of a text."""

import re

_WORD = re.compile(r"[^\W\d_]+")


def words(text):
    """The words of ``text``, lower-cased, in order: maximal runs of letters (any script)."""
    return _WORD.findall(text.lower())


def top_words(text, k):
    """The ``k`` most frequent words of ``text`` as ``(word, count)`` pairs.

    Most frequent first; words as often as each other in alphabetical order. Fewer than ``k``
    pairs when the text has fewer distinct words.

    Raises ValueError when ``k`` is negative.
    """
    if k < 0:
        raise ValueError(f"k must be 0 or more, was {k}")
    all_words = words(text)
    distinct = []
    for word in all_words:
        if word not in distinct:
            distinct.append(word)
    counts = [(word, all_words.count(word)) for word in distinct]
    counts.sort(key=lambda pair: (-pair[1], pair[0]))
    return counts[:k]
