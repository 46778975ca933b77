package dev.aide.core.internal.repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnifiedDiffTest {
  @TempDir Path tmp;

  private static SortedMap<String, @Nullable String> files(@Nullable String... pathsAndContents) {
    SortedMap<String, @Nullable String> map = new TreeMap<>();
    for (int i = 0; i < pathsAndContents.length; i += 2) {
      map.put(pathsAndContents[i], pathsAndContents[i + 1]);
    }
    return map;
  }

  /** Applies diff(a, b) to a and checks that it gives b. */
  private static String roundTrip(
      SortedMap<String, @Nullable String> a, SortedMap<String, @Nullable String> b) {
    String diff = UnifiedDiff.diff(a, b);
    SortedMap<String, Optional<String>> applied = UnifiedDiff.apply(diff, a::get);
    for (String path : b.keySet()) {
      if (java.util.Objects.equals(a.get(path), b.get(path))) continue;
      assertThat(applied.get(path)).as(path).isEqualTo(Optional.ofNullable(b.get(path)));
    }
    return diff;
  }

  @Test
  void aChangedLineWithThreeLinesOfContext() {
    String diff =
        roundTrip(
            files("a.txt", "1\n2\n3\n4\n5\n6\n7\n8\n"),
            files("a.txt", "1\n2\n3\n4\nfive\n6\n7\n8\n"));

    assertThat(diff)
        .isEqualTo(
            "diff --git a/a.txt b/a.txt\n--- a/a.txt\n+++ b/a.txt\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n"
                + "-5\n+five\n 6\n 7\n 8\n");
    assertThat(UnifiedDiff.stats(diff)).isEqualTo(new UnifiedDiff.Stats(1, 1, 1));
  }

  @Test
  void nothingChangedIsAnEmptyDiff() {
    assertThat(UnifiedDiff.diff(files("a", "x\n"), files("a", "x\n"))).isEmpty();
  }

  @Test
  void newDeletedAndEmptyFiles() {
    String diff =
        roundTrip(
            files("gone.txt", "bye\n", "empty.txt", ""),
            files("new.txt", "hello\nworld\n", "made-empty.txt", "", "empty.txt", null));

    assertThat(diff)
        .contains(
            "diff --git a/new.txt b/new.txt\nnew file mode 100644\n--- /dev/null\n+++ b/new.txt\n@@ -0,0 +1,2 @@\n+hello\n+world\n")
        .contains(
            "diff --git a/gone.txt b/gone.txt\ndeleted file mode 100644\n--- a/gone.txt\n+++ /dev/null\n@@ -1,1 +0,0 @@\n-bye\n")
        .contains("diff --git a/made-empty.txt b/made-empty.txt\nnew file mode 100644\n")
        .contains("diff --git a/empty.txt b/empty.txt\ndeleted file mode 100644\n");
  }

  @Test
  void aMissingFinalNewlineOnEitherSide() {
    String diff = roundTrip(files("a", "x\ny"), files("a", "x\ny\n"));
    assertThat(diff).contains("-y\n\\ No newline at end of file\n+y\n");
    roundTrip(files("a", "x\ny\n"), files("a", "x\nz"));
    roundTrip(files("a", "x"), files("a", "y"));
  }

  @Test
  void crlfLinesKeepTheirCarriageReturn() {
    String diff = roundTrip(files("w.txt", "a\r\nb\r\nc\r\n"), files("w.txt", "a\r\nB\r\nc\r\n"));
    assertThat(diff).contains("-b\r\n+B\r\n");
  }

  @Test
  void changesAtTheFirstAndLastLineAndMergedHunks() {
    StringBuilder a = new StringBuilder();
    for (int i = 0; i < 40; i++) a.append("line ").append(i).append('\n');
    String b =
        a.toString()
            .replace("line 0\n", "zero\n")
            .replace("line 39\n", "last\n")
            .replace("line 10\n", "ten\n")
            .replace("line 16\n", "sixteen\n");
    String diff = roundTrip(files("f", a.toString()), files("f", b));
    // lines 10 and 16 are 5 kept lines apart (<= 6): one hunk
    assertThat(diff.split("\n@@ ", -1)).hasSize(4);
  }

  @Test
  void aLargeFileWithFewChangesGivesSmallHunks() {
    StringBuilder a = new StringBuilder();
    for (int i = 0; i < 10_000; i++) a.append("value ").append(i % 97).append('\n');
    String b = a.toString().replaceFirst("value 5\n", "five\n");
    String diff = roundTrip(files("big", a.toString()), files("big", b));
    assertThat(UnifiedDiff.stats(diff)).isEqualTo(new UnifiedDiff.Stats(1, 1, 1));
    assertThat(diff.length()).isLessThan(300);
  }

  @Test
  void randomEditsRoundTrip() {
    Random random = new Random(42);
    for (int round = 0; round < 500; round++) {
      List<String> lines = new ArrayList<>();
      int n = random.nextInt(30);
      for (int i = 0; i < n; i++) lines.add("l" + random.nextInt(6));
      List<String> changed = new ArrayList<>(lines);
      for (int e = random.nextInt(6); e > 0; e--) {
        int op = random.nextInt(3);
        if (op == 0 || changed.isEmpty()) {
          changed.add(random.nextInt(changed.size() + 1), "n" + random.nextInt(6));
        } else if (op == 1) {
          changed.remove(random.nextInt(changed.size()));
        } else {
          changed.set(random.nextInt(changed.size()), "c" + random.nextInt(6));
        }
      }
      String x = String.join("\n", lines) + (random.nextBoolean() && n > 0 ? "\n" : "");
      String y =
          String.join("\n", changed) + (random.nextBoolean() && !changed.isEmpty() ? "\n" : "");
      roundTrip(files("r", x), files("r", y));
    }
  }

  @Test
  void aHunkThatDoesNotMatchNamesTheFileAndHunk() {
    String diff = UnifiedDiff.diff(files("a", "1\n2\n3\n"), files("a", "1\nX\n3\n"));

    assertThatThrownBy(() -> UnifiedDiff.apply(diff, p -> "1\nY\n3\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a: hunk 1 does not match line 2");
  }

  @Test
  void gitAppliesTheDiffs() throws Exception {
    SortedMap<String, @Nullable String> before =
        files(
            "src/Main.java", "class Main {\n  int x = 1;\n}\n",
            "my file.txt", "with a space\n",
            "old.txt", "old\n",
            "crlf.txt", "a\r\nb\r\n",
            "tail.txt", "no newline");
    SortedMap<String, @Nullable String> after =
        files(
            "src/Main.java", "class Main {\n  int x = 2;\n}\n",
            "my file.txt", "with two spaces\n",
            "old.txt", null,
            "crlf.txt", "a\r\nc\r\n",
            "tail.txt", "no newline still",
            "src/New.java", "class New {}\n");
    Path repo = Files.createDirectories(tmp.resolve("repo"));
    for (var e : before.entrySet()) {
      Path file = repo.resolve(e.getKey());
      Files.createDirectories(file.getParent());
      Files.writeString(file, e.getValue(), StandardCharsets.UTF_8);
    }
    Path patch = tmp.resolve("patch.diff");
    Files.writeString(patch, UnifiedDiff.diff(before, after), StandardCharsets.UTF_8);

    assertThat(git(repo, "init", "-q")).isZero();
    assertThat(git(repo, "apply", "--check", patch.toString())).isZero();
    assertThat(git(repo, "apply", patch.toString())).isZero();

    for (var e : after.entrySet()) {
      Path file = repo.resolve(e.getKey());
      if (e.getValue() == null) {
        assertThat(file).doesNotExist();
      } else {
        assertThat(Files.readString(file, StandardCharsets.UTF_8))
            .as(e.getKey())
            .isEqualTo(e.getValue());
      }
    }
  }

  private static int git(Path dir, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("git", "-C", dir.toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).inheritIO().start();
    return p.waitFor(60, TimeUnit.SECONDS) ? p.exitValue() : -1;
  }
}
