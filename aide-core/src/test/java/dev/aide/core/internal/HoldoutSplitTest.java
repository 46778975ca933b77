package dev.aide.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aide.core.score.Holdout;
import dev.aide.core.score.ScoreMetric;
import dev.aide.core.score.ScoreMetrics;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HoldoutSplitTest {
  @TempDir Path tmp;

  private Path data() throws IOException {
    return Files.createDirectories(tmp.resolve("data"));
  }

  private Path view() {
    return tmp.resolve("view");
  }

  private Path working() throws IOException {
    return Files.createDirectories(tmp.resolve("working"));
  }

  private static void write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }

  /** Reads every record of a CSV text whole. */
  private static List<List<String>> records(String text) throws IOException {
    return records(new StringReader(text), ',');
  }

  private static List<List<String>> records(Reader reader, char delimiter) throws IOException {
    CsvParser parser = CsvParser.whole(reader, delimiter);
    List<List<String>> records = new ArrayList<>();
    while (parser.next(true)) records.add(List.copyOf(parser.fields()));
    return records;
  }

  private static List<List<String>> records(Path file) throws IOException {
    return records(Files.readString(file));
  }

  private static List<String> column(List<List<String>> records, int column) {
    return records.stream().skip(1).map(r -> r.get(column)).collect(Collectors.toList());
  }

  /** Train ids 1..n, label 1 for the ids in {@code positives}, a feature x = id * 10. */
  private void trainFile(Path data, int n, Set<Integer> positives) throws IOException {
    StringBuilder csv = new StringBuilder("id,x,malignant\n");
    for (int i = 1; i <= n; i++) {
      csv.append(i).append(',').append(i * 10).append(',').append(positives.contains(i) ? 1 : 0);
      csv.append('\n');
    }
    write(data.resolve("train.csv"), csv.toString());
  }

  private void testFile(Path data, int... ids) throws IOException {
    StringBuilder csv = new StringBuilder("id,x\n");
    for (int id : ids) csv.append(id).append(',').append(id * 10).append('\n');
    write(data.resolve("test.csv"), csv.toString());
  }

  /** 20 train rows (ids 1..20, every 3rd positive) and 5 test rows (ids 101..105). */
  private Path tinyPair() throws IOException {
    Path data = data();
    trainFile(data, 20, Set.of(3, 6, 9, 12, 15, 18));
    testFile(data, 101, 102, 103, 104, 105);
    write(data.resolve("README.txt"), "about the data\n");
    return data;
  }

  private static Holdout.Builder spec(ScoreMetric metric) {
    return Holdout.builder("malignant", metric).id("id");
  }

  private HoldoutSplit prepare(Holdout spec) throws IOException {
    return HoldoutSplit.prepare(spec, tmp.resolve("data"), view());
  }

  /** The ids of the view's test file that the data's test file lacks: the kept rows. */
  private List<String> keptIds() throws IOException {
    List<String> view = column(records(view().resolve("test.csv")), 0);
    Set<String> own = new TreeSet<>(column(records(tmp.resolve("data/test.csv")), 0));
    return view.stream().filter(id -> !own.contains(id)).collect(Collectors.toList());
  }

  private Map<String, String> labels() throws IOException {
    Map<String, String> labels = new LinkedHashMap<>();
    for (List<String> r : records(tmp.resolve("data/train.csv")).subList(1, 21)) {
      labels.put(r.get(0), r.get(2));
    }
    return labels;
  }

  /** A submission for every id of the view's test file: the true label where known, else 0. */
  private void perfectSubmission(String header) throws IOException {
    Map<String, String> labels = labels();
    StringBuilder csv = new StringBuilder(header).append('\n');
    for (String id : column(records(view().resolve("test.csv")), 0)) {
      csv.append(id).append(',').append(labels.getOrDefault(id, "0")).append('\n');
    }
    write(working().resolve("submission.csv"), csv.toString());
  }

  private void submission(String text) throws IOException {
    write(working().resolve("submission.csv"), text);
  }

  @Test
  void viewHoldsTheTrainingRowsWithoutTheKeptOnesAndTheKeptOnesAmongTheTestRows()
      throws IOException {
    tinyPair();

    HoldoutSplit split = prepare(spec(ScoreMetrics.accuracy()).build());

    assertThat(split.keptRows()).isEqualTo(4);
    assertThat(split.trainRows()).isEqualTo(16);
    assertThat(split.testRows()).isEqualTo(9);
    assertThat(split.trainFile()).isEqualTo("train.csv");
    assertThat(split.testFile()).isEqualTo("test.csv");
    assertThat(split.testFileCreated()).isFalse();
    List<String> kept = keptIds();
    assertThat(kept).hasSize(4);
    List<List<String>> train = records(view().resolve("train.csv"));
    assertThat(train.get(0)).containsExactly("id", "x", "malignant");
    assertThat(column(train, 0)).hasSize(16).doesNotContainAnyElementsOf(kept);
    List<List<String>> test = records(view().resolve("test.csv"));
    assertThat(test.get(0)).containsExactly("id", "x");
    assertThat(test).allSatisfy(r -> assertThat(r).hasSize(2));
    // the data's own test rows keep their order
    assertThat(column(test, 0).stream().filter(id -> !kept.contains(id)))
        .containsExactly("101", "102", "103", "104", "105");
    // a kept row's features came along
    String first = kept.get(0);
    assertThat(test).contains(List.of(first, String.valueOf(Integer.parseInt(first) * 10)));
    // no file of the view has the target column in the test file, nor the kept labels
    assertThat(Files.readString(view().resolve("test.csv"))).doesNotContain("malignant");
    // programs may run as another user (nobody under a root JVM): the view is open to others
    assertThat(Files.getPosixFilePermissions(view()))
        .contains(
            java.nio.file.attribute.PosixFilePermission.OTHERS_READ,
            java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE);
    // a hard link, never a symbolic one, whose target would name the labelled original
    assertThat(Files.isSymbolicLink(view().resolve("README.txt"))).isFalse();
    assertThat(Files.getAttribute(view().resolve("README.txt"), "unix:ino"))
        .isEqualTo(Files.getAttribute(data().resolve("README.txt"), "unix:ino"));
    assertThat(Files.readString(view().resolve("README.txt"))).isEqualTo("about the data\n");
    try (Stream<Path> files = Files.walk(view())) {
      assertThat(files.map(p -> view().relativize(p).toString()))
          .containsExactlyInAnyOrder("", "train.csv", "test.csv", "README.txt");
    }
    assertThat(Files.list(tmp).map(p -> p.getFileName().toString()))
        .containsExactlyInAnyOrder("data", "view");
  }

  @Test
  void sameSeedKeepsTheSameRowsAndAnotherSeedOthers() throws IOException {
    tinyPair();

    HoldoutSplit first = prepare(spec(ScoreMetrics.accuracy()).seed(7).build());
    String firstTest = Files.readString(view().resolve("test.csv"));
    HoldoutSplit again = prepare(spec(ScoreMetrics.accuracy()).seed(7).build());
    String againTest = Files.readString(view().resolve("test.csv"));
    HoldoutSplit other = prepare(spec(ScoreMetrics.accuracy()).seed(8).build());
    String otherTest = Files.readString(view().resolve("test.csv"));

    assertThat(first.fingerprint()).matches("[0-9a-f]{64}").isEqualTo(again.fingerprint());
    assertThat(againTest).isEqualTo(firstTest);
    assertThat(other.fingerprint()).isNotEqualTo(first.fingerprint());
    assertThat(otherTest).isNotEqualTo(firstTest);
  }

  @Test
  void rowsKeptForALabelMetricIncludeEveryClass() throws IOException {
    Path data = data();
    trainFile(data, 40, Set.of(7, 31));
    testFile(data, 101, 102);

    for (long seed = 0; seed < 10; seed++) {
      HoldoutSplit split = prepare(spec(ScoreMetrics.rocAuc()).fraction(0.05).seed(seed).build());

      assertThat(split.keptRows()).isEqualTo(2);
      Map<String, String> labels = new LinkedHashMap<>();
      for (List<String> r : records(data.resolve("train.csv")).subList(1, 41)) {
        labels.put(r.get(0), r.get(2));
      }
      assertThat(keptIds().stream().map(labels::get)).as("seed " + seed).contains("0", "1");
    }
  }

  @Test
  void stratifiedQuotasFollowTheFractionAndGiveEveryClassARow() {
    assertThat(HoldoutSplit.Stratify.quotas(new int[] {80, 20}, 20)).containsExactly(16, 4);
    assertThat(HoldoutSplit.Stratify.quotas(new int[] {97, 3}, 2)).containsExactly(1, 1);
    assertThat(HoldoutSplit.Stratify.quotas(new int[] {2, 2, 96}, 10)).containsExactly(1, 1, 8);
  }

  @Test
  void createsATestFileOfTheKeptRowsWhenTheDataHasNone() throws IOException {
    Path data = data();
    trainFile(data, 20, Set.of(3, 6, 9, 12, 15, 18));

    HoldoutSplit split = prepare(spec(ScoreMetrics.accuracy()).build());

    assertThat(split.testFileCreated()).isTrue();
    assertThat(split.testFile()).isEqualTo("test.csv");
    assertThat(split.testRows()).isEqualTo(4);
    List<List<String>> test = records(view().resolve("test.csv"));
    assertThat(test.get(0)).containsExactly("id", "x");
    assertThat(test).hasSize(5);
    assertThat(Files.exists(data.resolve("test.csv"))).isFalse();
    assertThatThrownBy(() -> split.writeTestPredictions(working(), tmp.resolve("out.csv")))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void namesTheCreatedTestFileHoldoutTestWhenTestCsvIsTaken() throws IOException {
    Path data = data();
    trainFile(data, 20, Set.of(3, 6, 9, 12, 15, 18));
    Files.createDirectories(data.resolve("test.csv"));

    HoldoutSplit split = prepare(spec(ScoreMetrics.accuracy()).build());

    assertThat(split.testFile()).isEqualTo("holdout_test.csv");
    assertThat(records(view().resolve("holdout_test.csv"))).hasSize(5);
    assertThat(Files.isDirectory(view().resolve("test.csv"), LinkOption.NOFOLLOW_LINKS)).isTrue();
  }

  @Test
  void aTargetThatIsNotAColumnIsAnErrorSuggestingTheNearName() throws IOException {
    tinyPair();

    assertThatThrownBy(() -> prepare(Holdout.builder("Malignant", ScoreMetrics.accuracy()).build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'Malignant'")
        .hasMessageContaining("did you mean 'malignant' in train.csv");
    assertThatThrownBy(
            () ->
                prepare(
                    Holdout.builder("Malignant", ScoreMetrics.accuracy())
                        .trainFile("train.csv")
                        .build()))
        .hasMessageContaining("not a column of train.csv (did you mean 'malignant'?)")
        .hasMessageContaining("its columns are id, x, malignant");
  }

  @Test
  void anIdThatIsNotAColumnOfTrainOrTestIsAnError() throws IOException {
    Path data = tinyPair();

    assertThatThrownBy(() -> prepare(spec(ScoreMetrics.accuracy()).id("ID").build()))
        .hasMessageContaining(
            "the id column 'ID' is not a column of train.csv (did you mean 'id'?)");
    write(data.resolve("test.csv"), "x\n1\n2\n");
    assertThatThrownBy(() -> prepare(spec(ScoreMetrics.accuracy()).build()))
        .hasMessageContaining("the id column 'id' is not a column of test.csv");
  }

  @Test
  void duplicatedIdsInTrainOrTestAreErrors() throws IOException {
    Path data = tinyPair();
    write(data.resolve("test.csv"), "id,x\n101,1\n102,2\n101,3\n");

    assertThatThrownBy(() -> prepare(spec(ScoreMetrics.accuracy()).build()))
        .hasMessageContaining("of test.csv repeats the id '101' (data rows 1 and 3)");
    write(data.resolve("test.csv"), "id,x\n101,1\n,2\n");
    assertThatThrownBy(() -> prepare(spec(ScoreMetrics.accuracy()).build()))
        .hasMessageContaining("data row 2 of test.csv has a blank id in column 'id'");

    Files.writeString(
        data.resolve("train.csv"),
        "5,50,1\n",
        StandardCharsets.UTF_8,
        java.nio.file.StandardOpenOption.APPEND);
    assertThatThrownBy(() -> prepare(spec(ScoreMetrics.accuracy()).build()))
        .hasMessageContaining("of train.csv repeats the id '5' (data rows 5 and 21)");
  }

  @Test
  void aKeptIdThatIsAlsoInTheTestFileIsAnError() throws IOException {
    Path data = data();
    trainFile(data, 20, Set.of(3, 6, 9, 12, 15, 18));
    int[] all = new int[20];
    for (int i = 0; i < 20; i++) all[i] = i + 1;
    testFile(data, all);

    assertThatThrownBy(() -> prepare(spec(ScoreMetrics.accuracy()).build()))
        .hasMessageContaining("is in both train.csv")
        .hasMessageContaining("and test.csv");
  }

  @Test
  void aTestFileWithAColumnTheTrainingFileLacksIsAnError() throws IOException {
    Path data = tinyPair();
    write(data.resolve("test.csv"), "id,x,extra\n101,1,a\n");

    assertThatThrownBy(() -> prepare(spec(ScoreMetrics.accuracy()).build()))
        .hasMessageContaining("test.csv has the column 'extra' that train.csv lacks");
  }

  @Test
  void tooFewRowsIsAnError() throws IOException {
    Path data = data();
    trainFile(data, 2, Set.of(1));

    assertThatThrownBy(() -> prepare(spec(ScoreMetrics.accuracy()).build()))
        .hasMessageContaining("train.csv has 2 data rows; a holdout needs at least 3");
  }

  @Test
  void aMetricThatDoesNotFitTheLabelsIsAnErrorNamingTheColumnAndFile() throws IOException {
    Path data = data();
    write(data.resolve("train.csv"), "id,price\n1,10.5\n2,3.25\n3,7\n4,8\n");

    assertThatThrownBy(
            () -> prepare(Holdout.builder("price", ScoreMetrics.rocAuc()).id("id").build()))
        .hasMessageStartingWith(
            "the target column 'price' of train.csv does not fit the metric roc_auc: ")
        .hasMessageContaining("binary");
  }

  @Test
  void aBlankLabelIsAnErrorNamingTheRowAndId() throws IOException {
    Path data = data();
    write(data.resolve("train.csv"), "id,x,malignant\n1,1,0\n2,2,1\n3,3, \n4,4,0\n");

    assertThatThrownBy(() -> prepare(spec(ScoreMetrics.accuracy()).build()))
        .hasMessageContaining("data row 3 (id '3') of train.csv has no value in the target column");

    write(data.resolve("train.csv"), "id,x,malignant\n1,1,0\n,2,1\n3,3,0\n4,4,1\n");
    assertThatThrownBy(() -> prepare(spec(ScoreMetrics.accuracy()).build()))
        .hasMessageContaining("data row 2 of train.csv has a blank id in column 'id'");
  }

  @Test
  void severalCandidateFilesAreAnErrorListingThem() throws IOException {
    Path data = data();
    trainFile(data, 20, Set.of(3));
    Files.copy(data.resolve("train.csv"), data.resolve("a.csv"));
    Files.move(data.resolve("train.csv"), data.resolve("b.csv"));

    assertThatThrownBy(() -> prepare(spec(ScoreMetrics.accuracy()).build()))
        .hasMessageContaining("several CSV files have the target column 'malignant': a.csv, b.csv");

    Files.move(data.resolve("b.csv"), data.resolve("train.csv"));
    testFile(data, 101);
    Files.copy(data.resolve("test.csv"), data.resolve("test2.csv"));
    assertThatThrownBy(() -> prepare(spec(ScoreMetrics.accuracy()).build()))
        .hasMessageContaining("look like the test file: test.csv, test2.csv");
  }

  @Test
  void aPerfectSubmissionScoresTheBestValueAndAConstantOneDoesNot() throws IOException {
    tinyPair();
    HoldoutSplit split = prepare(spec(ScoreMetrics.accuracy()).build());

    perfectSubmission("id,malignant");
    assertThat(split.score(working())).isEqualTo(1.0);

    StringBuilder constant = new StringBuilder("id,malignant\n");
    for (String id : column(records(view().resolve("test.csv")), 0)) {
      constant.append(id).append(",0\n");
    }
    submission(constant.toString());
    assertThat(split.score(working())).isLessThan(1.0);
  }

  @Test
  void aConstantScoreHasNoRocAucSkill() throws IOException {
    tinyPair();
    HoldoutSplit split = prepare(spec(ScoreMetrics.rocAuc()).build());
    StringBuilder constant = new StringBuilder("id,malignant\n");
    for (String id : column(records(view().resolve("test.csv")), 0)) {
      constant.append(id).append(",0.99\n");
    }
    submission(constant.toString());

    assertThat(split.score(working())).isEqualTo(0.5);
  }

  @Test
  void acceptsAHeaderThatDiffersOnlyInCase() throws IOException {
    tinyPair();
    HoldoutSplit split = prepare(spec(ScoreMetrics.accuracy()).build());

    perfectSubmission("ID,Malignant");

    assertThat(split.score(working())).isEqualTo(1.0);
  }

  @Test
  void aMissingSubmissionIsAnError() throws IOException {
    tinyPair();
    HoldoutSplit split = prepare(spec(ScoreMetrics.accuracy()).build());

    assertThatThrownBy(() -> split.score(working()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("did not write ./working/submission.csv")
        .hasMessageContaining("every row of input/test.csv");
  }

  @Test
  void aSubmissionWithoutTheTargetColumnIsAnErrorListingItsColumns() throws IOException {
    tinyPair();
    HoldoutSplit split = prepare(spec(ScoreMetrics.accuracy()).build());
    submission("id,prediction\n101,0\n");

    assertThatThrownBy(() -> split.score(working()))
        .hasMessageContaining(
            "submission.csv has no column 'malignant' (its columns: id, prediction)")
        .hasMessageContaining("`id,malignant`");
  }

  @Test
  void missingExtraAndRepeatedIdsAreErrorsNamingThem() throws IOException {
    tinyPair();
    HoldoutSplit split = prepare(spec(ScoreMetrics.accuracy()).build());
    List<String> ids = column(records(view().resolve("test.csv")), 0);

    StringBuilder missing = new StringBuilder("id,malignant\n");
    ids.stream().filter(id -> !id.equals("102")).forEach(id -> missing.append(id).append(",0\n"));
    submission(missing.toString());
    assertThatThrownBy(() -> split.score(working())).hasMessageContaining("1 id missing: '102'");

    StringBuilder extra = new StringBuilder("id,malignant\n");
    ids.forEach(id -> extra.append(id).append(",0\n"));
    extra.append("999,0\n");
    submission(extra.toString());
    assertThatThrownBy(() -> split.score(working()))
        .hasMessageContaining("1 row with an id that is not in input/test.csv: '999'");

    StringBuilder repeated = new StringBuilder("id,malignant\n");
    ids.forEach(id -> repeated.append(id).append(",0\n"));
    repeated.append("103,1\n");
    submission(repeated.toString());
    assertThatThrownBy(() -> split.score(working()))
        .hasMessageContaining("1 repeated row for the ids '103'");
  }

  @Test
  void blankAndNonNumericPredictionsAreErrorsNamingTheId() throws IOException {
    tinyPair();
    HoldoutSplit split = prepare(spec(ScoreMetrics.logLoss()).build());
    List<String> ids = column(records(view().resolve("test.csv")), 0);

    StringBuilder text = new StringBuilder("id,malignant\n");
    ids.forEach(id -> text.append(id).append(id.equals("104") ? ",high\n" : ",0.5\n"));
    submission(text.toString());
    assertThatThrownBy(() -> split.score(working()))
        .hasMessageContaining("that is not a number for id '104' ('high')");

    StringBuilder blank = new StringBuilder("id,malignant\n");
    ids.forEach(id -> blank.append(id).append(id.equals("105") ? ",\n" : ",0.5\n"));
    submission(blank.toString());
    assertThatThrownBy(() -> split.score(working()))
        .hasMessageContaining("has no prediction in column 'malignant' for id '105'");
  }

  @Test
  void withoutAnIdRowsMatchByPosition() throws IOException {
    tinyPair();
    HoldoutSplit split = prepare(Holdout.builder("malignant", ScoreMetrics.accuracy()).build());
    Map<String, String> labels = labels();

    StringBuilder csv = new StringBuilder("malignant\n");
    for (List<String> row : records(view().resolve("test.csv")).subList(1, 10)) {
      csv.append(labels.getOrDefault(row.get(0), "0")).append('\n');
    }
    submission(csv.toString());
    assertThat(split.score(working())).isEqualTo(1.0);
    assertThat(split.submissionFormat()).contains("a header line `malignant`", "in the same order");

    submission("malignant\n0\n1\n");
    assertThatThrownBy(() -> split.score(working()))
        .hasMessageContaining("submission.csv has 2 rows but input/test.csv has 9");
  }

  @Test
  void theSubmissionFormatNamesTheFileTheHeaderAndTheRowsButNoKeptRow() throws IOException {
    tinyPair();
    HoldoutSplit split = prepare(spec(ScoreMetrics.rocAuc()).build());

    assertThat(split.submissionFormat())
        .isEqualTo(
            "Write ./working/submission.csv: a header line `id,malignant`, then one row for each"
                + " of the 9 rows of input/test.csv (for malignant: the probability of the positive"
                + " class 1, a number from 0 to 1).");
  }

  @Test
  void quotedFieldsWithDelimitersLineBreaksAndLongTextSurviveTheRewrite() throws IOException {
    Path data = data();
    String longText = "z".repeat(5_000);
    StringBuilder csv = new StringBuilder("id,text,malignant\n");
    for (int i = 1; i <= 10; i++) {
      String text =
          switch (i % 4) {
            case 0 -> "\"a, b \"\"quoted\"\"\"";
            case 1 -> "\"two\nlines\"";
            case 2 -> "\"c, d\"";
            default -> longText;
          };
      csv.append(i).append(',').append(text).append(',').append(i % 2).append('\n');
    }
    write(data.resolve("train.csv"), csv.toString());
    write(data.resolve("test.csv"), "id,text\n101,\"x,\ny\"\n");

    prepare(spec(ScoreMetrics.accuracy()).build());

    List<List<String>> original = records(data.resolve("train.csv"));
    List<List<String>> train = records(view().resolve("train.csv"));
    List<List<String>> test = records(view().resolve("test.csv"));
    assertThat(original).containsAll(train);
    assertThat(train.size() - 1 + test.size() - 2).isEqualTo(10);
    assertThat(test).contains(List.of("101", "x,\ny"));
    for (List<String> row : test.subList(1, test.size())) {
      if (row.get(0).equals("101")) continue;
      List<String> source =
          original.stream().filter(r -> r.get(0).equals(row.get(0))).findFirst().orElseThrow();
      assertThat(row).containsExactly(source.get(0), source.get(1));
    }
    assertThat(Files.readString(view().resolve("train.csv"))).doesNotContain("\"" + longText);
  }

  @Test
  void keepsTheCrlfLineEndingsOfTheFiles() throws IOException {
    Path data = tinyPair();
    for (String name : List.of("train.csv", "test.csv")) {
      Path file = data.resolve(name);
      Files.writeString(file, Files.readString(file).replace("\n", "\r\n"));
    }

    prepare(spec(ScoreMetrics.accuracy()).build());

    for (String name : List.of("train.csv", "test.csv")) {
      String text = Files.readString(view().resolve(name));
      assertThat(text.replace("\r\n", "")).as(name).doesNotContain("\n").doesNotContain("\r");
      assertThat(text).endsWith("\r\n");
    }
  }

  @Test
  void writesTheSubmissionsRowsForTheOriginalTestRowsInTheirOrder() throws IOException {
    tinyPair();
    HoldoutSplit split = prepare(spec(ScoreMetrics.accuracy()).build());
    perfectSubmission("id,malignant");
    Path out = tmp.resolve("out/test_predictions.csv");

    split.writeTestPredictions(working(), out);

    assertThat(Files.readString(out))
        .isEqualTo("id,malignant\n101,0\n102,0\n103,0\n104,0\n105,0\n");
  }

  @Test
  void findsTheFilesInASubdirectoryAndLinksEverythingElse() throws IOException {
    Path data = data();
    Path sub = Files.createDirectories(data.resolve("tables"));
    trainFile(sub, 20, Set.of(3, 6, 9, 12, 15, 18));
    testFile(sub, 101, 102);
    write(sub.resolve("notes.md"), "notes\n");
    write(data.resolve("images/a.txt"), "a\n");

    HoldoutSplit split = prepare(spec(ScoreMetrics.accuracy()).build());

    assertThat(split.trainFile()).isEqualTo("tables/train.csv");
    assertThat(split.testFile()).isEqualTo("tables/test.csv");
    assertThat(split.submissionFormat()).contains("6 rows of input/tables/test.csv");
    assertThat(Files.isSymbolicLink(view().resolve("tables"))).isFalse();
    assertThat(Files.isSymbolicLink(view().resolve("tables/notes.md"))).isFalse();
    assertThat(Files.isSymbolicLink(view().resolve("images"))).isFalse();
    try (Stream<Path> files = Files.walk(view())) {
      assertThat(files.filter(Files::isSymbolicLink)).isEmpty();
    }
    assertThat(view().resolve("images/a.txt")).hasContent("a");
    assertThat(records(view().resolve("tables/train.csv"))).hasSize(17);
  }

  @Test
  void aNamedFileThatDoesNotExistIsAnError() throws IOException {
    tinyPair();

    assertThatThrownBy(() -> prepare(spec(ScoreMetrics.accuracy()).trainFile("nope.csv").build()))
        .hasMessageContaining("the training file nope.csv does not exist in the data directory");
    write(tmp.resolve("outside.csv"), "id,x\n101,1\n");
    assertThatThrownBy(
            () -> prepare(spec(ScoreMetrics.accuracy()).testFile("../outside.csv").build()))
        .hasMessageContaining("the test file ../outside.csv must lie inside the data directory");
  }

  @Test
  void aPredictionTheMetricRejectsIsAnErrorNamingTheId() throws IOException {
    tinyPair();
    HoldoutSplit split = prepare(spec(ScoreMetrics.logLoss()).build());
    List<String> kept = keptIds();
    StringBuilder csv = new StringBuilder("id,malignant\n");
    for (String id : column(records(view().resolve("test.csv")), 0)) {
      csv.append(id).append(id.equals(kept.get(0)) ? ",1.5\n" : ",0.5\n");
    }
    submission(csv.toString());

    assertThatThrownBy(() -> split.score(working()))
        .hasMessageStartingWith(
            "submission.csv: the prediction for id '"
                + kept.get(0)
                + "' cannot be scored with log_loss: ")
        .hasMessageContaining("not a probability between 0 and 1");
  }

  @Test
  void readsTabSeparatedFilesWithAByteOrderMark() throws IOException {
    Path data = data();
    StringBuilder tsv = new StringBuilder("\uFEFFid\tnote\tmalignant\n");
    for (int i = 1; i <= 10; i++) tsv.append(i).append("\ta, b\t").append(i % 2).append('\n');
    write(data.resolve("train.tsv"), tsv.toString());
    write(data.resolve("test.tsv"), "\uFEFFid\tnote\n101\tc\n");

    HoldoutSplit split = prepare(spec(ScoreMetrics.accuracy()).build());

    assertThat(split.testRows()).isEqualTo(3);
    String train = Files.readString(view().resolve("train.tsv"));
    assertThat(train).startsWith("\uFEFFid\tnote\tmalignant\n").contains("\ta, b\t");
    List<List<String>> test =
        records(new StringReader(Files.readString(view().resolve("test.tsv"))), '\t');
    assertThat(test.get(0)).containsExactly("\uFEFFid", "note");
    assertThat(test).hasSize(4).allSatisfy(r -> assertThat(r).hasSize(2));
  }

  @Test
  void replacesAnExistingView() throws IOException {
    tinyPair();
    write(view().resolve("stale.txt"), "old");

    prepare(spec(ScoreMetrics.accuracy()).build());

    assertThat(view().resolve("stale.txt")).doesNotExist();
    assertThat(view().resolve("train.csv")).exists();
    assertThat(Files.list(tmp).map(p -> p.getFileName().toString()))
        .containsExactlyInAnyOrder("data", "view");
  }
}
