import collections
import random

import pytest

from textstats import top_words, words


def test_empty_text_has_no_words():
    assert top_words("", 3) == []


def test_zero_asks_for_nothing():
    assert top_words("a b c", 0) == []


def test_negative_k_is_an_error():
    with pytest.raises(ValueError):
        top_words("a b", -1)


def test_counts_most_frequent_first():
    assert top_words("b a b c b a", 2) == [("b", 3), ("a", 2)]


def test_ties_are_alphabetical_not_in_order_of_appearance():
    assert top_words("pear fig apple fig apple pear", 3) == [
        ("apple", 2),
        ("fig", 2),
        ("pear", 2),
    ]


def test_ignores_case_and_punctuation():
    assert top_words("The cat. THE DOG, the end!", 1) == [("the", 3)]


def test_digits_and_underscores_separate_words():
    assert words("abc1def_ghi 42") == ["abc", "def", "ghi"]


def test_letters_beyond_ascii_are_words():
    assert top_words("Été été ÉTÉ café", 2) == [("été", 3), ("café", 1)]


def test_fewer_distinct_words_than_asked():
    assert top_words("x y x", 10) == [("x", 2), ("y", 1)]


def test_agrees_with_a_counter_on_random_text():
    rng = random.Random(7)
    vocabulary = ["".join(rng.choice("abcdefgh") for _ in range(3)) for _ in range(300)]
    chosen = (rng.choice(vocabulary) for _ in range(5000))
    text = " ".join(w.upper() if rng.random() < 0.3 else w + "," for w in chosen)
    counts = collections.Counter(words(text))
    expected = sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))[:25]
    assert top_words(text, 25) == expected
