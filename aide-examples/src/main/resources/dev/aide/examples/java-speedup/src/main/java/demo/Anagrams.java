package demo;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/** Groups words that are anagrams of each other. */
public final class Anagrams {
  private Anagrams() {}

  /**
   * Returns the sizes of the anagram groups of {@code words}, largest first.
   *
   * <p>Two words are in one group when they have the same letters, each as many times, ignoring
   * case ({@link Locale#ROOT}): "Listen", "silent" and "enlist" are one group; "aab" and "abb" are
   * not. A word that appears twice counts twice. The empty string is a word like any other.
   *
   * @throws NullPointerException when {@code words} or one of them is null
   */
  public static int[] groupSizes(List<String> words) {
    List<List<String>> groups = new ArrayList<>();
    for (String word : words) {
      Objects.requireNonNull(word, "a word is null");
      List<String> home = null;
      for (List<String> group : groups) {
        if (isAnagram(group.get(0), word)) {
          home = group;
          break;
        }
      }
      if (home == null) {
        home = new ArrayList<>();
        groups.add(home);
      }
      home.add(word);
    }
    int[] sizes = new int[groups.size()];
    for (int i = 0; i < sizes.length; i++) sizes[i] = groups.get(i).size();
    Arrays.sort(sizes);
    for (int i = 0, j = sizes.length - 1; i < j; i++, j--) {
      int t = sizes[i];
      sizes[i] = sizes[j];
      sizes[j] = t;
    }
    return sizes;
  }

  /** Whether {@code a} and {@code b} have the same letters, ignoring case. */
  static boolean isAnagram(String a, String b) {
    char[] x = a.toLowerCase(Locale.ROOT).toCharArray();
    char[] y = b.toLowerCase(Locale.ROOT).toCharArray();
    Arrays.sort(x);
    Arrays.sort(y);
    return Arrays.equals(x, y);
  }
}
