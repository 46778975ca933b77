package dev.aide.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The statistics of a column and the line OverviewRenderer writes of them. */
class ColumnStatsTest {
  private static ColumnStats column(String... values) {
    ColumnStats stats = new ColumnStats();
    for (String value : values) {
      stats.add(value);
    }
    return stats;
  }

  private static String describe(String... values) {
    return OverviewRenderer.describe(column(values));
  }

  @Test
  void reportsRangeOfNumericColumnsAsWritten() {
    assertThat(describe("5", "-3", "12", "5")).isEqualTo("int, -3 to 12, 3 unique");
    assertThat(describe("2.5", "1e-3", "-0.75", "7")).isEqualTo("float, -0.75 to 7, 4 unique");
  }

  @Test
  void reportsUniqueCountAndCommonValuesOfCategoricalColumns() {
    assertThat(describe("red", "red", "red", "blue", "blue", "green", "black", "white"))
        .isEqualTo(
            "text, 5 unique, most common: \"red\" (3), \"blue\" (2), \"green\" (1), \"black\" (1)");
    assertThat(describe("true", "false", "false", "TRUE"))
        .isEqualTo("bool, 3 unique: \"false\" (2), \"true\" (1), \"TRUE\" (1)");
    assertThat(describe("p0", "p1", "p2", "p3", "p4"))
        .isEqualTo("text, 5 unique, e.g. \"p0\", \"p1\", \"p2\", \"p3\"");
  }

  @Test
  void tracksAtMostAThousandDistinctValues() {
    ColumnStats stats = new ColumnStats();
    for (int i = 0; i < ColumnStats.MAX_DISTINCT + 5; i++) {
      stats.add("v" + i);
    }

    assertThat(stats.values()).hasSize(ColumnStats.MAX_DISTINCT);
    assertThat(stats.moreDistinct()).isTrue();
    assertThat(OverviewRenderer.describe(stats))
        .isEqualTo("text, more than 1000 unique, e.g. \"v0\", \"v1\", \"v2\", \"v3\"");
  }

  @Test
  void abbreviatesLongValuesAndEscapesQuotesAndLineBreaks() {
    assertThat(describe("x".repeat(500), "short", "say \"hi\"\r\n"))
        .isEqualTo(
            "text, 3 unique: \""
                + "x".repeat(27)
                + "...\" (1), \"short\" (1), \"say \\\"hi\\\"\" (1)");
  }

  @Test
  void countsMissingValues() {
    assertThat(describe("1", "", "NA", "4")).isEqualTo("int, 1 to 4, 2 unique, 2 missing");
    assertThat(describe("x", "y", "", " "))
        .isEqualTo("text, 2 unique: \"x\" (1), \"y\" (1), 2 missing");
    assertThat(column("N/A", "NaN", "nan", "null", "NULL", "None").missing()).isEqualTo(6);
  }

  @Test
  void describesColumnWithOnlyMissingValues() {
    assertThat(column("", "NA").type()).isEqualTo("empty");
    assertThat(describe("", "NA")).isEqualTo("no values, all 2 missing");
  }
}
