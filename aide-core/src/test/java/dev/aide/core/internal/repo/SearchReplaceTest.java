package dev.aide.core.internal.repo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class SearchReplaceTest {
  /** A tree in memory whose editable files are those under src/. */
  private static final class MemoryTree implements SearchReplace.Tree {
    final Map<String, String> files = new HashMap<>();

    MemoryTree with(String path, String content) {
      files.put(path, content);
      return this;
    }

    @Override
    public @Nullable String read(String path) {
      return files.get(path);
    }

    @Override
    public boolean editable(String path) {
      return path.startsWith("src/");
    }

    @Override
    public List<String> paths() {
      return List.copyOf(files.keySet());
    }
  }

  private static final String JAVA =
      "class A {\n  int f() {\n    return 1;\n  }\n\n  int g() {\n    return 2;\n  }\n}\n";

  private static SearchReplace.Outcome apply(String answer, SearchReplace.Tree tree) {
    SearchReplace.Parsed parsed = SearchReplace.parse(answer);
    assertThat(parsed.problems()).isEmpty();
    return SearchReplace.apply(parsed.edits(), tree, 400);
  }

  private static Map<String, Optional<String>> applied(String answer, SearchReplace.Tree tree) {
    SearchReplace.Outcome outcome = apply(answer, tree);
    assertThat(outcome).isInstanceOf(SearchReplace.Applied.class);
    return ((SearchReplace.Applied) outcome).changes();
  }

  private static String report(String answer, SearchReplace.Tree tree) {
    SearchReplace.Outcome outcome = apply(answer, tree);
    assertThat(outcome).isInstanceOf(SearchReplace.Failed.class);
    return ((SearchReplace.Failed) outcome).report();
  }

  // Parsing.

  @Test
  void readsBlocksInAndOutOfFencesWithDecoratedPathsAndProse() {
    String answer =
        "Plan: make f return 3.\n\n**src/A.java**\n```java\n<<<<<<< SEARCH\n    return 1;\n=======\n"
            + "    return 3;\n>>>>>>> REPLACE\n```\n\nAnd the second file:\n\n### `src/B.java`:\n"
            + "<<<<<<< SEARCH\nb\n=======\nc\n>>>>>>> REPLACE\n<<<<<<< SEARCH\nd\n=======\ne\n"
            + ">>>>>>> REPLACE\nDELETE src/Old.java\n";

    SearchReplace.Parsed parsed = SearchReplace.parse(answer);

    assertThat(parsed.problems()).isEmpty();
    assertThat(parsed.edits())
        .containsExactly(
            new Edit.Replace("src/A.java", "    return 1;", "    return 3;", 1, 5),
            new Edit.Replace("src/B.java", "b", "c", 2, 15),
            new Edit.Replace("src/B.java", "d", "e", 3, 20),
            new Edit.Delete("src/Old.java", 4, 25));
    assertThat(parsed.plan()).startsWith("Plan: make f return 3.").contains("And the second file:");
  }

  @Test
  void readsCrlfAnswersMiscountedMarkersAndFenceInfoPaths() {
    String answer =
        "```python src/x.py\r\n<<<<<<<< search\r\na = 1\r\n======\r\na = 2\r\n>>>>>> replace\r\n```\r\n";

    assertThat(SearchReplace.parse(answer).edits())
        .containsExactly(new Edit.Replace("src/x.py", "a = 1", "a = 2", 1, 2));
  }

  @Test
  void aFencedBlockAfterAPathLineIsTheWholeFileButOtherFencesAreProse() {
    String answer =
        "Run it with:\n```sh\nmvn test\n```\nsrc/New.java\n\n```java\nclass New {}\n```\n";

    SearchReplace.Parsed parsed = SearchReplace.parse(answer);

    assertThat(parsed.edits())
        .containsExactly(new Edit.WholeFile("src/New.java", "class New {}\n", 1, 7));
    assertThat(parsed.plan()).contains("mvn test");
  }

  @Test
  void reportsMalformedBlocksAndBlocksWithoutAPath() {
    SearchReplace.Parsed noDivider =
        SearchReplace.parse("src/A.java\n<<<<<<< SEARCH\nx\n>>>>>>> REPLACE\n");
    assertThat(noDivider.problems()).containsExactly("block 1 (line 2) has no ======= line");
    SearchReplace.Parsed noPath =
        SearchReplace.parse("<<<<<<< SEARCH\nx\n=======\ny\n>>>>>>> REPLACE\n");
    assertThat(noPath.problems()).singleElement().asString().contains("has no file");
    SearchReplace.Parsed escaping =
        SearchReplace.parse("../etc/passwd\n<<<<<<< SEARCH\nx\n=======\ny\n>>>>>>> REPLACE\n");
    assertThat(escaping.edits()).isEmpty();
    assertThat(escaping.problems()).singleElement().asString().contains("leaves the tree");
  }

  // Applying.

  @Test
  void anExactMatchIsReplaced() {
    MemoryTree tree = new MemoryTree().with("src/A.java", JAVA);

    Map<String, Optional<String>> changes =
        applied(
            "src/A.java\n<<<<<<< SEARCH\n    return 1;\n=======\n    return 3;\n>>>>>>> REPLACE\n",
            tree);

    assertThat(changes)
        .containsExactly(
            Map.entry("src/A.java", Optional.of(JAVA.replace("return 1;", "return 3;"))));
  }

  @Test
  void trailingWhitespaceAndAUniformIndentShiftAreTolerated() {
    MemoryTree tree = new MemoryTree().with("src/A.java", JAVA);

    // the model lost the method's indentation: matched with it, the replacement re-indented
    Map<String, Optional<String>> changes =
        applied(
            "src/A.java\n<<<<<<< SEARCH\nint f() {   \n  return 1;\n}\n=======\nint f() {\n  return 5;\n}\n>>>>>>> REPLACE\n",
            tree);

    assertThat(changes.get("src/A.java").orElseThrow())
        .isEqualTo(JAVA.replace("    return 1;", "    return 5;"));
  }

  @Test
  void toleranceIsRefusedWhereItFindsSeveralPlaces() {
    MemoryTree tree = new MemoryTree().with("src/A.java", "  x = 1\n    x = 1\n");

    String report =
        report("src/A.java\n<<<<<<< SEARCH\nx = 1\n=======\nx = 2\n>>>>>>> REPLACE\n", tree);

    assertThat(report).contains("2 times (lines 1, 2, ignoring whitespace)");
  }

  @Test
  void anAmbiguousSearchNamesTheLinesOfItsMatches() {
    MemoryTree tree = new MemoryTree().with("src/A.java", JAVA);

    String report =
        report("src/A.java\n<<<<<<< SEARCH\n  }\n=======\n  } // end\n>>>>>>> REPLACE\n", tree);

    assertThat(report)
        .contains(
            "Block 1 (src/A.java, line 2 of your answer): the SEARCH text is in src/A.java 2 times (lines 4, 8)")
        .contains("add lines around it");
  }

  @Test
  void aMissingSearchShowsTheNearestLinesAndNothingIsApplied() {
    MemoryTree tree = new MemoryTree().with("src/A.java", JAVA).with("src/B.java", "b\n");

    String report =
        report(
            "src/B.java\n<<<<<<< SEARCH\nb\n=======\nc\n>>>>>>> REPLACE\n"
                + "src/A.java\n<<<<<<< SEARCH\n  int g() {\n    return 22;\n=======\n  int g() {\n    return 3;\n>>>>>>> REPLACE\n",
            tree);

    assertThat(report)
        .startsWith("Your edits were not applied: nothing was changed. 1 block of 2 had a problem:")
        .contains(
            "Block 2 (src/A.java, line 8 of your answer): the SEARCH text is not in src/A.java.")
        .contains(
            "The most similar lines there are 6-7:\n```\n6 |   int g() {\n7 |     return 2;\n```")
        .contains("The other blocks were fine.");
  }

  @Test
  void overlappingBlocksAreRefused() {
    MemoryTree tree = new MemoryTree().with("src/A.java", JAVA);

    String report =
        report(
            "src/A.java\n<<<<<<< SEARCH\n  int f() {\n    return 1;\n=======\n  long f() {\n    return 1;\n>>>>>>> REPLACE\n"
                + "<<<<<<< SEARCH\n    return 1;\n  }\n=======\n    return 7;\n  }\n>>>>>>> REPLACE\n",
            tree);

    assertThat(report).contains("blocks 1 and 2 both change lines 3-3 of src/A.java: merge them");
  }

  @Test
  void aSearchForTextAnEarlierBlockWritesSaysSo() {
    MemoryTree tree = new MemoryTree().with("src/A.java", JAVA);

    String report =
        report(
            "src/A.java\n<<<<<<< SEARCH\n    return 1;\n=======\n    return 100;\n>>>>>>> REPLACE\n"
                + "<<<<<<< SEARCH\n    return 100;\n=======\n    return 200;\n>>>>>>> REPLACE\n",
            tree);

    assertThat(report).contains("It matches text that block 1 of your answer writes");
  }

  @Test
  void newFilesWholeFilesAndDeletions() {
    MemoryTree tree = new MemoryTree().with("src/A.java", JAVA).with("src/Old.java", "old\n");

    Map<String, Optional<String>> changes =
        applied(
            "src/New.java\n<<<<<<< SEARCH\n=======\nclass New {}\n>>>>>>> REPLACE\n"
                + "src/A.java\n```java\nclass A {}\n```\n"
                + "DELETE src/Old.java\n"
                + "src/A2.java\n<<<<<<< SEARCH\n=======\n>>>>>>> REPLACE\n",
            tree);

    assertThat(changes)
        .containsEntry("src/New.java", Optional.of("class New {}\n"))
        .containsEntry("src/A.java", Optional.of("class A {}\n"))
        .containsEntry("src/Old.java", Optional.empty())
        .containsEntry("src/A2.java", Optional.of(""));
  }

  @Test
  void deletingLinesWithAnEmptyReplace() {
    MemoryTree tree = new MemoryTree().with("src/A.java", JAVA);

    Map<String, Optional<String>> changes =
        applied(
            "src/A.java\n<<<<<<< SEARCH\n\n  int g() {\n    return 2;\n  }\n=======\n>>>>>>> REPLACE\n",
            tree);

    assertThat(changes.get("src/A.java").orElseThrow())
        .isEqualTo("class A {\n  int f() {\n    return 1;\n  }\n\n}\n");
  }

  @Test
  void crlfFilesKeepTheirLineEndings() {
    MemoryTree tree = new MemoryTree().with("src/w.txt", "one\r\ntwo\r\nthree\r\n");

    Map<String, Optional<String>> changes =
        applied("src/w.txt\n<<<<<<< SEARCH\ntwo\n=======\n2\n>>>>>>> REPLACE\n", tree);

    assertThat(changes.get("src/w.txt")).contains("one\r\n2\r\nthree\r\n");
  }

  @Test
  void refusesFilesOutsideTheEditableSetMissingFilesAndWrongUses() {
    MemoryTree tree =
        new MemoryTree()
            .with("src/A.java", JAVA)
            .with("pom.xml", "<project/>\n")
            .with("src/deep/C.java", "c\n");

    assertThat(
            report("pom.xml\n<<<<<<< SEARCH\n<project/>\n=======\n<p/>\n>>>>>>> REPLACE\n", tree))
        .contains("pom.xml is not one of the files you may edit");
    assertThat(report("src/C.java\n<<<<<<< SEARCH\nc\n=======\nd\n>>>>>>> REPLACE\n", tree))
        .contains("there is no file src/C.java. Did you mean src/deep/C.java?");
    assertThat(report("src/A.java\n<<<<<<< SEARCH\n=======\nx\n>>>>>>> REPLACE\n", tree))
        .contains("an empty SEARCH only creates a new file");
    assertThat(report("DELETE src/Nope.java\n", tree)).contains("there is no file src/Nope.java");
    assertThat(
            SearchReplace.apply(SearchReplace.parse("src/A.java\n```\nx\n```\n").edits(), tree, 3))
        .isInstanceOf(SearchReplace.Failed.class)
        .extracting(o -> ((SearchReplace.Failed) o).report())
        .asString()
        .contains("too many to replace whole (at most 3)");
    assertThat(
            report(
                "src/A.java\n<<<<<<< SEARCH\n    return 1;\n=======\n    return 1;\n>>>>>>> REPLACE\n",
                tree))
        .contains("The blocks change nothing");
  }
}
