"""Times textstats.top_words on a fixed text; prints ``time_ms: <median of 5 runs>``."""

import random
import statistics
import time

from textstats import top_words


def text(n_words, seed):
    rng = random.Random(seed)
    vocabulary = ["".join(rng.choice("abcdefghijklmnop") for _ in range(rng.randint(3, 9)))
                  for _ in range(1000)]
    return " ".join(rng.choice(vocabulary) + rng.choice(["", "", ",", "."]) for _ in range(n_words))


def main():
    sample = text(20_000, 42)
    expected = top_words(sample, 10)
    times = []
    for _ in range(5):
        start = time.perf_counter()
        result = top_words(sample, 10)
        times.append((time.perf_counter() - start) * 1000)
        if result != expected:
            raise SystemExit("top_words gave different answers for the same text")
    print("top:", ", ".join(f"{w} {c}" for w, c in expected[:3]))
    print(f"time_ms: {statistics.median(times):.3f}")


if __name__ == "__main__":
    main()
