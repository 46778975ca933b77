"""Word statistics of plain text."""

from textstats.freq import top_words, words

__all__ = ["top_words", "words"]
