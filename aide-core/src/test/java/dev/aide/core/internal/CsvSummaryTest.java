package dev.aide.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvSummaryTest {
  private static CsvSummary read(String csv, char delimiter) throws IOException {
    return CsvSummary.read(new StringReader(csv), delimiter);
  }

  @Test
  void countsRowsAndColumnsSkippingBlankLines() throws IOException {
    CsvSummary csv = read("a,b,c\n1,2,3\n4,5,6\n\n7,8,9\n", ',');

    assertThat(csv.rows()).isEqualTo(3);
    assertThat(csv.columnCount()).isEqualTo(3);
    assertThat(csv.header()).containsExactly("a", "b", "c");
    assertThat(csv.allRowsCounted()).isTrue();
  }

  @Test
  void parsesQuotedFieldsWithDelimitersDoubledQuotesAndLineBreaks() throws IOException {
    CsvParser parser =
        new CsvParser(
            new StringReader(
                "id,text\r\n1,\"Hello, world\"\r\n2,\"She said \"\"hi\"\"\"\r\n3,\"two\r\nlines\"\r\n"),
            ',',
            CsvSummary.MAX_COLUMNS);

    assertThat(parser.next(true)).isTrue();
    assertThat(parser.fields()).containsExactly("id", "text");
    assertThat(parser.next(true)).isTrue();
    assertThat(parser.fields()).containsExactly("1", "Hello, world");
    assertThat(parser.next(true)).isTrue();
    assertThat(parser.fields()).containsExactly("2", "She said \"hi\"");
    assertThat(parser.next(true)).isTrue();
    assertThat(parser.fields()).containsExactly("3", "two\r\nlines");
    assertThat(parser.next(true)).isFalse();
  }

  @Test
  void keepsTheFirstFieldsCutToTheirLimitAndCountsAll() throws IOException {
    CsvParser parser = new CsvParser(new StringReader("x".repeat(1_500) + ",b,c,d\n"), ',', 2);

    assertThat(parser.next(true)).isTrue();
    assertThat(parser.fieldCount()).isEqualTo(4);
    assertThat(parser.fields()).containsExactly("x".repeat(CsvParser.MAX_FIELD_CHARS), "b");
  }

  @Test
  void wholeParserKeepsEveryFieldUncut() throws IOException {
    String longField = "y".repeat(5_000);
    CsvParser parser = CsvParser.whole(new StringReader("a,\"" + longField + "\",c,d,e\n"), ',');

    assertThat(parser.next(true)).isTrue();
    assertThat(parser.fields()).containsExactly("a", longField, "c", "d", "e");
    assertThat(parser.fieldCount()).isEqualTo(5);
  }

  @Test
  void readsTabSeparatedFiles() throws IOException {
    CsvSummary tsv = read("a\tb, with comma\n1\tx,y\n2\tz\n", '\t');

    assertThat(tsv.rows()).isEqualTo(2);
    assertThat(tsv.header()).containsExactly("a", "b, with comma");
    assertThat(OverviewRenderer.describe(tsv.columns().get(1)))
        .isEqualTo("text, 2 unique: \"x,y\" (1), \"z\" (1)");
  }

  @Test
  void countsRowsWithTheWrongNumberOfFieldsAndTreatsTheirMissingFieldsAsMissing()
      throws IOException {
    CsvSummary csv = read("a,b\n1,2\n3\n4,5,6\n7,8\n", ',');

    assertThat(csv.rows()).isEqualTo(4);
    assertThat(csv.raggedRows()).isEqualTo(2);
    assertThat(OverviewRenderer.describe(csv.columns().get(1)))
        .isEqualTo("int, 2 to 8, 3 unique, 1 missing");
  }

  @Test
  void dropsTheByteOrderMarkOfAHeaderWithoutRows() throws IOException {
    CsvSummary csv = read("\uFEFFa,b,c\n", ',');

    assertThat(csv.header()).containsExactly("a", "b", "c");
    assertThat(csv.rows()).isZero();
    assertThat(csv.statsRows()).isZero();
  }

  @Test
  void readsAnEmptyFileAsNoColumns() throws IOException {
    assertThat(read("\n\r\n", ',').columnCount()).isZero();
    assertThat(read("", ',').columns()).isEmpty();
  }

  @Test
  void describesAtMostThirtyColumns() throws IOException {
    StringBuilder header = new StringBuilder();
    for (int i = 0; i < 45; i++) {
      header.append(i == 0 ? "" : ",").append('c').append(i);
    }
    CsvSummary csv = read(header + "\n" + "1,".repeat(44) + "1\n", ',');

    assertThat(csv.columnCount()).isEqualTo(45);
    assertThat(csv.header()).hasSize(CsvSummary.MAX_COLUMNS).endsWith("c29");
    assertThat(csv.columns()).hasSize(CsvSummary.MAX_COLUMNS);
  }

  @Test
  void takesColumnStatsFromTheFirstRowsAndCountsAllRows() throws IOException {
    StringBuilder text = new StringBuilder("id,group\n");
    for (int i = 1; i <= CsvSummary.STATS_ROWS + 2_000; i++) {
      text.append(i).append(",g").append(i % 7).append('\n');
    }

    CsvSummary csv = read(text.toString(), ',');

    assertThat(csv.rows()).isEqualTo(CsvSummary.STATS_ROWS + 2_000);
    assertThat(csv.statsRows()).isEqualTo(CsvSummary.STATS_ROWS);
    assertThat(csv.allRowsCounted()).isTrue();
    assertThat(csv.columns().get(0).maxText()).isEqualTo(String.valueOf(CsvSummary.STATS_ROWS));
    assertThat(List.of(csv.columns().get(0).moreDistinct(), csv.columns().get(1).moreDistinct()))
        .containsExactly(true, false);
  }

  @Test
  void keepsTheNamesOfColumnsPastTheDescribedOnesUpToALimit() throws IOException {
    StringBuilder header = new StringBuilder();
    for (int i = 0; i < CsvSummary.MAX_NAMES + 50; i++) {
      header.append(i == 0 ? "\uFEFF" : ",").append('c').append(i);
    }
    CsvSummary csv = read(header + "\n", ',');

    assertThat(csv.columnCount()).isEqualTo(CsvSummary.MAX_NAMES + 50);
    assertThat(csv.names()).hasSize(CsvSummary.MAX_NAMES).startsWith("c0", "c1").endsWith("c299");
  }

  @Test
  void describesTheColumnsNamedFirstAheadOfTheOthers() throws IOException {
    StringBuilder header = new StringBuilder();
    StringBuilder row = new StringBuilder();
    for (int i = 0; i < 80; i++) {
      header.append(i == 0 ? "" : ",").append('c').append(i);
      row.append(i == 0 ? "" : ",").append(i);
    }
    header.append(",SalePrice");
    row.append(",208500");

    CsvSummary csv =
        CsvSummary.read(
            new StringReader(header + "\n" + row + "\n"), ',', List.of("SalePrice", "missing"));

    assertThat(csv.names()).hasSize(81).startsWith("SalePrice", "c0", "c1").endsWith("c79");
    assertThat(csv.header()).hasSize(CsvSummary.MAX_COLUMNS).startsWith("SalePrice", "c0");
    assertThat(OverviewRenderer.describe(csv.columns().get(0)))
        .isEqualTo("int, 208500 to 208500, 1 unique");
    assertThat(OverviewRenderer.describe(csv.columns().get(1))).isEqualTo("int, 0 to 0, 1 unique");
  }

  @Test
  void readsTheWholeHeaderWithoutTheByteOrderMark(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("wide.csv");
    Files.writeString(file, "\uFEFF" + "a,".repeat(99) + "target\n1,2\n", StandardCharsets.UTF_8);

    CsvSummary.Header header = CsvSummary.readHeader(file, ',');

    assertThat(header.columnCount()).isEqualTo(100);
    assertThat(header.names()).hasSize(100).startsWith("a").endsWith("target");
    assertThat(header.complete()).isTrue();
  }
}
