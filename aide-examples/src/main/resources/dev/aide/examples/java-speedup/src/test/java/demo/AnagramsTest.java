package demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class AnagramsTest {
  @Test
  void noWordsMakeNoGroups() {
    assertArrayEquals(new int[0], Anagrams.groupSizes(List.of()));
  }

  @Test
  void oneWordIsOneGroup() {
    assertArrayEquals(new int[] {1}, Anagrams.groupSizes(List.of("stone")));
  }

  @Test
  void groupsAnagramsLargestFirst() {
    assertArrayEquals(
        new int[] {3, 2, 1},
        Anagrams.groupSizes(List.of("google", "listen", "silent", "cat", "gogole", "enlist")));
  }

  @Test
  void ignoresCase() {
    assertArrayEquals(new int[] {3}, Anagrams.groupSizes(List.of("Listen", "SILENT", "enList")));
  }

  @Test
  void countsEachLetterNotJustWhichLettersOccur() {
    assertArrayEquals(new int[] {1, 1}, Anagrams.groupSizes(List.of("aab", "abb")));
    assertArrayEquals(new int[] {1, 1}, Anagrams.groupSizes(List.of("ab", "abab")));
  }

  @Test
  void wordsWithTheSameLetterSumAreNotAnagrams() {
    assertArrayEquals(new int[] {1, 1}, Anagrams.groupSizes(List.of("ad", "bc")));
    assertArrayEquals(new int[] {1, 1}, Anagrams.groupSizes(List.of("az", "by")));
  }

  @Test
  void repeatedWordsCountEachTime() {
    assertArrayEquals(new int[] {3, 1}, Anagrams.groupSizes(List.of("abc", "x", "abc", "cab")));
  }

  @Test
  void emptyStringsAreOneGroup() {
    assertArrayEquals(new int[] {2, 1}, Anagrams.groupSizes(List.of("", "a", "")));
  }

  @Test
  void lettersBeyondAsciiCount() {
    assertArrayEquals(
        new int[] {2, 1, 1}, Anagrams.groupSizes(List.of("été", "tée", "ete", "Éte")));
  }

  @Test
  void rejectsNullWords() {
    assertThrows(
        NullPointerException.class, () -> Anagrams.groupSizes(Arrays.asList("a", null)));
    assertThrows(NullPointerException.class, () -> Anagrams.groupSizes(Arrays.asList((String) null)));
  }

  @Test
  void agreesWithCountingSortedLettersOnManyWords() {
    for (long seed = 1; seed <= 5; seed++) {
      List<String> words = Bench.words(600, seed);
      assertArrayEquals(expected(words), Anagrams.groupSizes(words), "seed " + seed);
    }
  }

  /** The sizes, by sorting each word's lower-cased letters. */
  private static int[] expected(List<String> words) {
    Map<String, Integer> counts = new TreeMap<>();
    for (String word : words) {
      char[] letters = word.toLowerCase(Locale.ROOT).toCharArray();
      Arrays.sort(letters);
      counts.merge(new String(letters), 1, Integer::sum);
    }
    List<Integer> sizes = new ArrayList<>(counts.values());
    sizes.sort((a, b) -> b - a);
    return sizes.stream().mapToInt(Integer::intValue).toArray();
  }
}
