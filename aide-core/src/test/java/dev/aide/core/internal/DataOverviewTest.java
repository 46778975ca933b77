package dev.aide.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class DataOverviewTest {
  @TempDir Path dir;

  private static void write(Path file, String content) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, content, StandardCharsets.UTF_8);
  }

  private static void writeBytes(Path file, int size) throws IOException {
    Files.createDirectories(file.getParent());
    byte[] bytes = new byte[size];
    Arrays.fill(bytes, (byte) 7);
    Files.write(file, bytes);
  }

  private String overview() {
    return DataOverview.of(dir, DataOverview.DEFAULT_MAX_CHARS);
  }

  @Test
  void rendersSmallDirectoryWithOneCsvAndOneTextFile() throws IOException {
    write(
        dir.resolve("train.csv"),
        """
        id,age,city,score,label
        1,34,Paris,0.5,yes
        2,,Berlin,1.25,no
        3,51,Paris,-2e3,yes
        4,29,Rome,,yes
        """);
    write(dir.resolve("description.md"), "# Task\n\nPredict `label` from the other columns.\n");

    assertThat(overview())
        .isEqualTo(
            """
            Files:
            description.md (48 B)
            train.csv (96 B)

            description.md, full content:
            ```
            # Task

            Predict `label` from the other columns.
            ```

            train.csv: 4 rows x 5 columns
              - id: int, 1 to 4, 4 unique
              - age: int, 29 to 51, 3 unique, 1 missing
              - city: text, 3 unique: "Paris" (2), "Berlin" (1), "Rome" (1)
              - score: float, -2e3 to 1.25, 3 unique, 1 missing
              - label: text, 2 unique: "yes" (3), "no" (1)
            """);
  }

  @Test
  void listsTreeSortedByNameWithHumanReadableSizes() throws IOException {
    writeBytes(dir.resolve("b.bin"), 12_345);
    writeBytes(dir.resolve("sub/big.bin"), 4_100_000);
    writeBytes(dir.resolve("sub/a.bin"), 999);
    writeBytes(dir.resolve("a.bin"), 1_000);

    String text = overview();

    assertThat(text)
        .startsWith(
            """
            Files:
            a.bin (1.0 kB)
            b.bin (12.3 kB)
            sub/
              a.bin (999 B)
              big.bin (4.1 MB)
            """);
  }

  @Test
  void showsAtMostEightFilesPerDirectoryAndCountsTheOthers() throws IOException {
    for (int i = 0; i < 20; i++) {
      writeBytes(dir.resolve(String.format("images/img_%02d.png", i)), 100);
    }

    String text = overview();

    assertThat(text).contains("  img_00.png (100 B)\n", "  img_07.png (100 B)\n");
    assertThat(text).doesNotContain("img_08.png");
    assertThat(text).contains("  ... and 12 other files (1.2 kB)\n");
  }

  @Test
  void showsRowAndColumnCountsOfCsv() throws IOException {
    write(dir.resolve("data/train.csv"), "a,b,c\n1,2,3\n4,5,6\n\n7,8,9\n");

    assertThat(overview()).contains("data/train.csv: 3 rows x 3 columns\n");
  }

  @Test
  void listsColumnNamesOfCsvWithOnlyAHeader() throws IOException {
    write(dir.resolve("t.csv"), "\uFEFFa,b,c\n");

    assertThat(overview()).contains("t.csv: 0 rows x 3 columns, columns: a, b, c\n");
  }

  @Test
  void describesAtMostThirtyColumns() throws IOException {
    write(dir.resolve("wide.csv"), columns(45) + "\n" + "1,".repeat(44) + "1\n");

    String text = overview();

    assertThat(text).contains("wide.csv: 1 row x 45 columns\n", "  - c29: int", "45 columns");
    assertThat(text).doesNotContain("- c30:");
    assertThat(text).contains("  ... the statistics of 15 more columns are not shown\n");
  }

  @Test
  void inlinesShortTextFiles() throws IOException {
    String content = "{\n  \"metric\": \"rmse\",\n  \"target\": \"price\"\n}\n";
    write(dir.resolve("meta.json"), content);

    assertThat(overview()).contains("meta.json, full content:\n```\n" + content + "```\n");
  }

  @Test
  void usesLongerFenceWhenTextContainsBackticks() throws IOException {
    write(dir.resolve("readme.md"), "Example:\n```python\nprint(1)\n```\n");

    assertThat(overview()).contains("readme.md, full content:\n````\nExample:\n```python\n");
  }

  @Test
  void cutsLongTextFilesToTheirFirstLinesAndSaysHowMuchIsCut() throws IOException {
    StringBuilder content = new StringBuilder();
    for (int i = 1; i <= 200; i++) {
      content.append(String.format("line %03d of the notes\n", i));
    }
    write(dir.resolve("notes.txt"), content.toString());
    long size = Files.size(dir.resolve("notes.txt"));
    assertThat(size).isEqualTo(4_400);

    String text = overview();

    assertThat(text)
        .contains("notes.txt, first 20 lines (440 B of 4.4 kB; the remaining 4.0 kB are cut):\n");
    assertThat(text).contains("line 020 of the notes\n```\n");
    assertThat(text).doesNotContain("line 021");
  }

  @Test
  void showsBinaryFilesByNameAndSizeOnly() throws IOException {
    Files.write(dir.resolve("model.bin"), new byte[] {0, 1, 2, 'x', 'y', 'z'});
    Files.write(dir.resolve("odd.txt"), new byte[] {'a', 0, 'b'});

    String text = overview();

    assertThat(text).contains("model.bin (6 B)\n", "odd.txt: looks binary, not shown\n");
    assertThat(text).doesNotContain("xyz").doesNotContain("model.bin:");
  }

  @Test
  void skipsHiddenFilesAndDirectories() throws IOException {
    write(dir.resolve(".secret.csv"), "token\nabc\n");
    write(dir.resolve(".git/config"), "[core]\n");
    write(dir.resolve("sub/.DS_Store"), "junk");
    write(dir.resolve("visible.txt"), "hello\n");

    String text = overview();

    assertThat(text).doesNotContain("secret", ".git", "config", "DS_Store", "other file");
    assertThat(text).contains("visible.txt (6 B)\n", "sub/\n  (empty)\n");
  }

  @Test
  void fallsBackToTreeWithCsvShapesWhenTheFullOverviewIsTooLong() throws IOException {
    StringBuilder csv = new StringBuilder(columns(200)).append('\n');
    for (int r = 0; r < 5; r++) {
      csv.append("v".repeat(10)).append(r).append(",1".repeat(199)).append('\n');
    }
    write(dir.resolve("wide.csv"), csv.toString());
    write(dir.resolve("notes.txt"), "some notes\n");

    String full = DataOverview.of(dir, DataOverview.DEFAULT_MAX_CHARS);
    assertThat(full).contains("  - c0: text", "some notes");
    assertThat(full.length()).isGreaterThan(600);

    String text = DataOverview.of(dir, 600);

    assertThat(text.length()).isLessThanOrEqualTo(600);
    assertThat(text)
        .isEqualTo(
            """
            Files (column details and file contents left out for length):
            notes.txt (11 B)
            wide.csv (2.9 kB, 5 rows x 200 columns)
            """);
  }

  @Test
  void cutsTheShortFormWithAMarkerWhenEvenThatIsTooLong() throws IOException {
    for (int d = 0; d < 30; d++) {
      for (int f = 0; f < 10; f++) {
        writeBytes(dir.resolve(String.format("dir_%02d/file_%02d.dat", d, f)), 10);
      }
    }

    String text = DataOverview.of(dir, 500);

    assertThat(text.length()).isLessThanOrEqualTo(500);
    assertThat(text).startsWith("Files (column details and file contents left out for length):\n");
    assertThat(text).endsWith("\n... (preview cut at 500 characters)");
  }

  @Test
  void neverExceedsMaxCharsWhateverTheLimit() throws IOException {
    for (int d = 0; d < 12; d++) {
      write(dir.resolve("d" + d + "/t.csv"), columns(40) + "\n" + "é,".repeat(39) + "😀\n");
      write(dir.resolve("d" + d + "/n.txt"), "😀".repeat(700));
    }

    for (int max = 100; max <= 20_000; max += 199) {
      String text = DataOverview.of(dir, max);
      assertThat(text.length()).as("maxChars %d", max).isLessThanOrEqualTo(max);
      assertThat(text).as("maxChars %d", max).startsWith("Files");
    }
  }

  @Test
  void previewsAtMostTwentyFiles() throws IOException {
    for (int d = 0; d < 3; d++) {
      for (int f = 0; f < 8; f++) {
        write(dir.resolve("d" + d + "/f" + f + ".txt"), "x\n");
      }
    }

    String text = DataOverview.of(dir, 100_000);

    assertThat(text).contains("d2/f3.txt, full content:").doesNotContain("d2/f4.txt, full");
    assertThat(text).endsWith("\n(4 more files not previewed)\n");
  }

  @Test
  void reportsEmptyDirectory() {
    assertThat(overview()).isEqualTo("Files:\n(empty)\n");
  }

  @Test
  void doesNotFollowSymbolicLinksOutOfTheDirectory(@TempDir Path outside) throws IOException {
    write(outside.resolve("secret.csv"), "secret_column\n1\n");
    write(outside.resolve("sub/other.txt"), "outside text\n");
    write(dir.resolve("real.csv"), "inside_column\n1\n");
    try {
      Files.createSymbolicLink(dir.resolve("linked.csv"), outside.resolve("secret.csv"));
    } catch (UnsupportedOperationException | IOException e) {
      assumeTrue(false, "symbolic links not supported: " + e);
    }
    Files.createSymbolicLink(dir.resolve("ext"), outside.resolve("sub"));
    Files.createSymbolicLink(dir.resolve("alias.csv"), dir.resolve("real.csv"));

    String text = overview();

    assertThat(text)
        .contains("linked.csv (symbolic link out of the directory, not followed)\n")
        .contains("ext (symbolic link out of the directory, not followed)\n")
        .contains("alias.csv (16 B)\n")
        .contains("alias.csv: 1 row x 1 column\n  - inside_column: int");
    assertThat(text).doesNotContain("secret_column", "outside text", "other.txt");
  }

  @Test
  void reportsBrokenSymbolicLinkInsteadOfThrowing() throws IOException {
    try {
      Files.createSymbolicLink(dir.resolve("gone.csv"), dir.resolve("missing.csv"));
    } catch (UnsupportedOperationException | IOException e) {
      assumeTrue(false, "symbolic links not supported: " + e);
    }

    assertThat(overview()).contains("gone.csv (broken symbolic link)\n");
  }

  @Test
  void reportsUnreadableFilesAndDirectoriesInsteadOfThrowing() throws IOException {
    Path file = dir.resolve("locked.csv");
    write(file, "a\n1\n");
    Path closed = dir.resolve("closed");
    write(closed.resolve("inner.txt"), "x");
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("---------"));
      Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("---------"));
    } catch (UnsupportedOperationException e) {
      assumeTrue(false, "no POSIX permissions");
    }
    try {
      assumeTrue(!Files.isReadable(file), "the user can read any file (root?)");

      assertThat(overview())
          .contains("locked.csv: could not be read (AccessDeniedException)\n")
          .contains("closed/\n  (could not be listed: AccessDeniedException)\n");
    } finally {
      Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("rwx------"));
    }
  }

  @Test
  @Timeout(20)
  void listsSpecialFilesWithoutOpeningThem() throws Exception {
    Path fifo = dir.resolve("pipe.csv");
    int exit;
    try {
      exit = new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor();
    } catch (IOException e) {
      exit = -1;
    }
    assumeTrue(exit == 0, "mkfifo not available");

    String text = overview();

    assertThat(text).contains("pipe.csv (special file, not read)\n");
    assertThat(text).doesNotContain("pipe.csv:");
  }

  @Test
  void rejectsMissingDirectoryNamingThePath() {
    Path missing = dir.resolve("no-such-dir");

    assertThatThrownBy(() -> DataOverview.of(missing, 1_000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(missing.toString());
  }

  @Test
  void rejectsRegularFileNamingThePath() throws IOException {
    Path file = dir.resolve("file.txt");
    write(file, "x");

    assertThatThrownBy(() -> DataOverview.of(file, 1_000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("not a directory");
  }

  @Test
  void rejectsMaxCharsBelowOneHundred() {
    assertThatThrownBy(() -> DataOverview.of(dir, 99))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("99");
    assertThat(DataOverview.of(dir, 100)).isEqualTo("Files:\n(empty)\n");
  }

  /** A house-prices-like CSV: Id, 79 features f1..f79, then SalePrice if {@code target}. */
  private static String houses(int rows, boolean target) {
    StringBuilder sb = new StringBuilder("Id");
    for (int c = 1; c <= 79; c++) {
      sb.append(",f").append(c);
    }
    sb.append(target ? ",SalePrice\n" : "\n");
    for (int r = 1; r <= rows; r++) {
      sb.append(r);
      for (int c = 1; c <= 79; c++) {
        sb.append(',').append((r * c) % 10);
      }
      sb.append(target ? "," + (100_000 + r * 1_000) + "\n" : "\n");
    }
    return sb.toString();
  }

  @Test
  void listsEveryColumnNameOfAWideFileWrappedAndCutWithACountOnlyPastThreeHundred()
      throws IOException {
    write(dir.resolve("houses.csv"), houses(3, true));
    StringBuilder huge = new StringBuilder();
    for (int c = 0; c < CsvSummary.MAX_NAMES + 50; c++) {
      huge.append(c == 0 ? "" : ",").append('h').append(c);
    }
    write(dir.resolve("huge.csv"), huge + "\n" + "1,".repeat(CsvSummary.MAX_NAMES + 49) + "1\n");

    String overview = DataOverview.of(dir, 100_000);

    assertThat(overview)
        .contains(
            """
            houses.csv: 3 rows x 81 columns
              All columns: Id, f1, f2, f3,""")
        .contains(" f78, f79, SalePrice\n  - Id: int, 1 to 3, 3 unique\n")
        .contains("\n  ... the statistics of 51 more columns are not shown\n")
        .contains(" h298, h299, ... and 50 more\n  - h0: int");
    assertThat(overview.lines())
        .filteredOn(line -> line.startsWith("    ") || line.startsWith("  All columns: "))
        .hasSizeGreaterThan(10)
        .allMatch(line -> line.length() <= OverviewRenderer.WRAP_CHARS);
  }

  @Test
  void namesTheTargetOfAWideTrainingFileAndDescribesTheTestFileAsItsColumnsWithoutIt()
      throws IOException {
    write(dir.resolve("train.csv"), houses(6, true));
    write(dir.resolve("test.csv"), houses(4, false));
    write(dir.resolve("sample_submission.csv"), "Id,SalePrice\n7,1\n8,2\n");

    String overview = overview();

    assertThat(overview).hasSizeLessThanOrEqualTo(DataOverview.DEFAULT_MAX_CHARS);
    assertThat(overview)
        .contains(
            """
            train.csv: 6 rows x 81 columns
              Likely target (in train.csv, not in test.csv): SalePrice
              All columns: SalePrice, Id, f1, f2,""")
        .contains(
            """
              - SalePrice: int, 101000 to 106000, 6 unique
              - Id: int, 1 to 6, 6 unique
            """)
        .contains("\ntest.csv: 4 rows x 80 columns, same columns as train.csv, without SalePrice\n")
        .contains(
            """
            sample_submission.csv: 2 rows x 2 columns
              - Id: int, 7 to 8, 2 unique
              - SalePrice: int, 1 to 2, 2 unique
            """);
    int start = overview.indexOf("All columns: ");
    String names = overview.substring(start, overview.indexOf("  - ", start));
    for (int c = 1; c <= 79; c++) {
      assertThat(names).contains(" f" + c + (c == 79 ? "\n" : ","));
    }
    assertThat(names.lines()).allMatch(line -> line.length() <= OverviewRenderer.WRAP_CHARS);
    assertThat(overview).doesNotContain("test.csv: 4 rows x 80 columns\n");
  }

  @Test
  void theShortFormStillNamesTheLikelyTargetAndTheTestFilesColumns() throws IOException {
    write(dir.resolve("train.csv"), houses(6, true));
    write(dir.resolve("test.csv"), houses(4, false));

    assertThat(DataOverview.of(dir, 400))
        .isEqualTo(
            """
            Files (column details and file contents left out for length):
            test.csv (950 B, 4 rows x 80 columns, same columns as train.csv, without SalePrice)
            train.csv (1.3 kB, 6 rows x 81 columns, likely target: SalePrice (not in test.csv))
            """);
  }

  @Test
  void aTestFileWithAColumnOfItsOwnKeepsItsStatisticsWhileTheTargetIsStillNamed()
      throws IOException {
    write(dir.resolve("train.csv"), "id,x,y,label\n1,2,3,yes\n");
    write(dir.resolve("test.csv"), "id,x,y,row_key\n1,2,3,k\n");

    assertThat(overview())
        .contains(
            """
            test.csv: 1 row x 4 columns
              - id: int, 1 to 1, 1 unique
            """)
        .contains(
            """
            train.csv: 1 row x 4 columns
              Likely target (in train.csv, not in test.csv): label
              - label: text, 1 unique: "yes" (1)
              - id: int, 1 to 1, 1 unique
            """);
  }

  @Test
  void pairsFilesWithoutTrainAndTestInTheirNamesByTheirColumns() throws IOException {
    write(dir.resolve("houses.csv"), "a,b,c,price\n1,2,3,4\n");
    write(dir.resolve("to_predict.csv"), "a,b,c\n1,2,3\n");
    write(dir.resolve("other/unrelated.csv"), "a,b\n1,2\n");

    assertThat(overview())
        .contains("Likely target (in houses.csv, not in to_predict.csv): price\n")
        .contains("to_predict.csv: 1 row x 3 columns, same columns as houses.csv, without price\n")
        .contains("other/unrelated.csv: 1 row x 2 columns\n  - a:");
  }

  @Test
  void aSubmissionFileWithTheIdAndTheTargetIsNotTakenForTheTestFile() throws IOException {
    write(dir.resolve("train.csv"), houses(3, true));
    write(dir.resolve("sample_submission.csv"), "Id,SalePrice\n7,1\n");

    assertThat(overview()).doesNotContain("Likely target").doesNotContain("same columns as");
  }

  private static String columns(int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append(i == 0 ? "" : ",").append('c').append(i);
    }
    return sb.toString();
  }
}
