package dev.aide.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Pins the overview byte for byte: each case builds a data directory, renders it at a few length
 * limits and compares the text with a golden file under {@code overview-golden/}.
 *
 * <p>The golden files were written by the code of before DataOverview was split by concern. To
 * write them anew after a deliberate change of the output, run this test with {@code
 * -Daide.overview.golden.write=<dir>}: it then writes the files into that directory (copy them to
 * src/test/resources/dev/aide/core/internal/overview-golden) instead of comparing.
 */
class DataOverviewGoldenTest {
  private static final String WRITE_PROPERTY = "aide.overview.golden.write";

  @TempDir Path dir;

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("csv", DataOverview.DEFAULT_MAX_CHARS),
        Arguments.of("csv", 700),
        Arguments.of("wide", DataOverview.DEFAULT_MAX_CHARS),
        Arguments.of("wide", 100_000),
        Arguments.of("nested", DataOverview.DEFAULT_MAX_CHARS),
        Arguments.of("nested", 100_000),
        Arguments.of("nested", 1_000),
        Arguments.of("texts", DataOverview.DEFAULT_MAX_CHARS),
        Arguments.of("texts", 100_000),
        Arguments.of("texts", 900),
        Arguments.of("empty", DataOverview.DEFAULT_MAX_CHARS),
        Arguments.of("empty", 100),
        Arguments.of("large", DataOverview.DEFAULT_MAX_CHARS),
        Arguments.of("large", 250));
  }

  @ParameterizedTest(name = "{0} at {1} characters")
  @MethodSource("cases")
  void overviewIsByteForByteTheGoldenFile(String name, int maxChars, @TempDir Path outside)
      throws IOException {
    switch (name) {
      case "csv" -> csvDirectory();
      case "wide" -> wideDirectory();
      case "nested" -> nestedDirectory(outside);
      case "texts" -> textDirectory();
      case "empty" -> {}
      case "large" -> largeDirectory();
      default -> throw new AssertionError(name);
    }
    String overview = DataOverview.of(dir, maxChars);
    String file = name + "-" + maxChars + ".txt";

    String writeTo = System.getProperty(WRITE_PROPERTY);
    if (writeTo != null) {
      Path out = Path.of(writeTo).resolve(file);
      Files.createDirectories(out.getParent());
      Files.writeString(out, overview, StandardCharsets.UTF_8);
      return;
    }
    byte[] golden;
    try (InputStream in = getClass().getResourceAsStream("overview-golden/" + file)) {
      assertThat(in).as("test resource overview-golden/" + file).isNotNull();
      golden = in.readAllBytes();
    }
    assertThat(overview).isEqualTo(new String(golden, StandardCharsets.UTF_8));
    assertThat(overview.getBytes(StandardCharsets.UTF_8)).isEqualTo(golden);
  }

  /** Numeric, boolean, categorical and missing columns; quoting; TSV; a BOM; odd shapes. */
  private void csvDirectory() throws IOException {
    StringBuilder train = new StringBuilder("\uFEFFid,age,price,flag,city,comment,empty,label\n");
    String[] cities = {"Paris", "Berlin", "Rome", "Oslo", "Lima", "Paris", "Paris", "Rome"};
    for (int i = 0; i < 40; i++) {
      train
          .append(i + 1)
          .append(',')
          .append(i % 9 == 0 ? "" : String.valueOf(18 + (i * 7) % 60))
          .append(',')
          .append(i % 11 == 0 ? "NA" : String.valueOf(i * 12.5 - 100))
          .append(',')
          .append(i % 3 == 0 ? "True" : "false")
          .append(',')
          .append(cities[i % cities.length])
          .append(',')
          .append(i % 5 == 0 ? "\"says \"\"hi\"\", twice\"" : "\"line one\nline two " + i + "\"")
          .append(',')
          .append(i % 2 == 0 ? "" : "null")
          .append(',')
          .append(i % 4 == 0 ? "yes" : "no")
          .append('\n');
    }
    train.append("41,30\n");
    train.append("\n42,31,1e3,true,Paris,x,,yes,extra\n");
    write("train.csv", train.toString());
    write("test.tsv", "id\tname, with comma\tscore\r\n1\ta,b\t0.5\r\n2\tc\t-.25\r\n3\t\t+7\r\n");
    write("header_only.csv", "a,b,\n");
    write("empty.csv", "");
    write("blank_lines.csv", "\n\n\r\n");
    write(
        "long_values.csv",
        "txt,n\n" + "x".repeat(500) + ",1\nshort,2\n" + "\u00e9".repeat(40) + ",3\n");
  }

  /** A CSV with more columns than are described, and one with long column names. */
  private void wideDirectory() throws IOException {
    StringBuilder wide = new StringBuilder();
    for (int c = 0; c < 45; c++) {
      wide.append(c == 0 ? "" : ",").append("feature_").append(c);
    }
    wide.append('\n');
    for (int r = 0; r < 25; r++) {
      for (int c = 0; c < 45; c++) {
        wide.append(c == 0 ? "" : ",").append((r * 31 + c * 17) % (c + 2));
      }
      wide.append('\n');
    }
    write("wide.csv", wide.toString());
    write(
        "names.csv",
        "a_column_name_that_is_much_longer_than_forty_characters_in_all, ,\tctrl\u0001x\n1,2,3\n");
    StringBuilder headerOnly = new StringBuilder();
    for (int c = 0; c < 35; c++) {
      headerOnly.append(c == 0 ? "" : ",").append("h").append(c);
    }
    write("header_only_wide.csv", headerOnly.append('\n').toString());
  }

  /** Nested directories past the depth and count limits, hidden files, links, many files. */
  private void nestedDirectory(Path outside) throws IOException {
    Path deep = dir;
    for (int d = 0; d < 11; d++) {
      deep = deep.resolve("level" + d);
      Files.createDirectories(deep);
      Files.writeString(deep.resolve("notes.txt"), "depth " + d + "\n");
    }
    for (int i = 0; i < 12; i++) {
      write(String.format("images/img_%02d.png", i), "p".repeat(100 + i));
    }
    for (int i = 0; i < 11; i++) {
      write(String.format("groups/g%02d/part.csv", i), "k,v\n" + i + ",x\n");
    }
    for (int i = 0; i < 70; i++) {
      write(String.format("many/d%02d/f.bin", i), "b");
    }
    for (int a = 0; a < 8; a++) {
      for (int b = 0; b < 8; b++) {
        write("zgrid/a" + a + "/b" + b + "/cell.txt", "cell " + a + b + "\n");
      }
    }
    write(".hidden.csv", "secret\n1\n");
    write(".git/config", "[core]\n");
    write("sub/.DS_Store", "junk");
    write("sub/empty/.keep", "");
    write("real.csv", "inside_column\n1\n");
    Files.createSymbolicLink(dir.resolve("alias.csv"), dir.resolve("real.csv"));
    Files.createSymbolicLink(dir.resolve("gone.csv"), dir.resolve("missing.csv"));
    Files.createSymbolicLink(dir.resolve("linked_dir"), dir.resolve("sub"));
    Files.createSymbolicLink(dir.resolve("outside"), outside);
  }

  /** JSON, JSONL, YAML, Markdown with fences, long and binary text, images and other files. */
  private void textDirectory() throws IOException {
    write("docs/meta.json", "{\n  \"metric\": \"rmse\",\n  \"target\": \"price\"\n}\n");
    StringBuilder jsonl = new StringBuilder();
    for (int i = 0; i < 60; i++) {
      jsonl.append("{\"id\": ").append(i).append(", \"text\": \"row number ").append(i);
      jsonl.append("\"}\n");
    }
    write("docs/rows.jsonl", jsonl.toString());
    write("docs/config.yaml", "model:\n  depth: 3\n  rate: 0.1\n");
    write("docs/settings.yml", "");
    write("docs/readme.md", "Example:\n````python\nprint(1)\n````\nDone");
    write("docs/crlf.txt", "one\r\ntwo\r\nthree\r\n");
    write("blob.txt", "y".repeat(1_500));
    write("emoji.txt", "\uD83D\uDE00".repeat(700));
    Files.createDirectories(dir.resolve("bin"));
    Files.write(dir.resolve("bin/odd.txt"), new byte[] {'a', 0, 'b'});
    Files.write(dir.resolve("bin/model.bin"), new byte[] {0, 1, 2, 'x', 'y', 'z'});
    Files.write(
        dir.resolve("bin/photo.PNG"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10});
    Files.write(
        dir.resolve("bin/bad_utf8.md"), new byte[] {'o', 'k', ' ', (byte) 0xC3, (byte) 0x28});
    write("tab\tname.txt", "tab in the name\n");
    write("UPPER.CSV", "A,B\n1,2\n");
  }

  /** Files whose sizes need every unit, a CSV longer than the rows used for statistics. */
  private void largeDirectory() throws IOException {
    try (BufferedWriter out =
        Files.newBufferedWriter(dir.resolve("big.csv"), StandardCharsets.UTF_8)) {
      out.write("id,group,value,code\n");
      for (int i = 1; i <= 100_050; i++) {
        out.write(i + ",g" + (i % 7) + "," + (i * 0.5) + ",c" + i + "\n");
      }
    }
    try (BufferedWriter out =
        Files.newBufferedWriter(dir.resolve("notes.txt"), StandardCharsets.UTF_8)) {
      for (int i = 1; i <= 5_000; i++) {
        out.write(String.format("line %04d of the notes\n", i));
      }
    }
    write("small.txt", "s");
    write("kilo.dat", "k".repeat(999_960));
  }

  private void write(String rel, String content) throws IOException {
    Path file = dir.resolve(rel);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content, StandardCharsets.UTF_8);
  }
}
