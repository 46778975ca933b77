package demo;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Times {@link Anagrams#groupSizes} on a fixed list of words and prints {@code time_ms: <number>},
 * the median of five runs after two warm-up runs (lower is better).
 */
public final class Bench {
  private static final int WORDS = 4_000;
  private static final int RUNS = 5;
  private static final int WARM_UP = 2;

  private Bench() {}

  public static void main(String[] args) {
    List<String> words = words(WORDS, 42);
    int[] expected = null;
    for (int i = 0; i < WARM_UP; i++) expected = Anagrams.groupSizes(words);
    double[] millis = new double[RUNS];
    for (int i = 0; i < RUNS; i++) {
      long start = System.nanoTime();
      int[] sizes = Anagrams.groupSizes(words);
      millis[i] = (System.nanoTime() - start) / 1e6;
      if (!Arrays.equals(sizes, expected)) {
        throw new IllegalStateException("groupSizes gave different answers for the same words");
      }
    }
    Arrays.sort(millis);
    System.out.println("groups: " + expected.length + ", largest: " + expected[0]);
    System.out.printf(java.util.Locale.ROOT, "time_ms: %.3f%n", millis[RUNS / 2]);
  }

  /** {@code n} words of 3 to 8 letters from a small alphabet, mixed case, with anagrams. */
  static List<String> words(int n, long seed) {
    Random random = new Random(seed);
    String letters = "aeinrstlo";
    List<String> words = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      if (i > 0 && random.nextInt(3) == 0) {
        // an anagram of an earlier word, shuffled, sometimes in capitals
        char[] chars = words.get(random.nextInt(i)).toCharArray();
        for (int k = chars.length - 1; k > 0; k--) {
          int j = random.nextInt(k + 1);
          char t = chars[k];
          chars[k] = chars[j];
          chars[j] = t;
        }
        String word = new String(chars);
        words.add(random.nextBoolean() ? word.toUpperCase(java.util.Locale.ROOT) : word);
      } else {
        int length = 3 + random.nextInt(6);
        StringBuilder word = new StringBuilder(length);
        for (int k = 0; k < length; k++) word.append(letters.charAt(random.nextInt(letters.length())));
        words.add(word.toString());
      }
    }
    return words;
  }
}
