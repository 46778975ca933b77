package dev.aide.core.internal;

import dev.aide.core.score.Holdout;
import dev.aide.core.score.ScoreInputException;
import dev.aide.core.score.ScoreMetric;
import dev.aide.core.score.ScoreMetric.Prediction;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The harness's holdout over a task's data: which labelled rows are kept out of what the programs
 * see, the programs' view of the data without them, and the score of a submission on them.
 *
 * <p>{@link #prepare} reads the training file (the {@link Holdout#trainFile() named} one, or the
 * CSV file with the target column) and the test file next to it, checks the configuration, chooses
 * the kept rows (seeded; stratified by label for class and probability metrics) and writes the
 * view: the training file without the kept rows; the test file with the kept rows, projected to its
 * columns (so without the target), inserted at seeded positions among its own rows, whose order is
 * kept; or, when the data has no test file, a new {@code test.csv} of the kept rows. Every other
 * file of the data is a hard link (a copy where links fail) to the original, in directories of the
 * view's own, never a symbolic link, whose target would name the original, labelled data. The view
 * is built in a temporary directory beside it and moved into place, so a crash leaves either the
 * old view or the new one, never half of one. Records are written back with the same fields, quoted
 * only where a field holds the delimiter, a quote or a line break, with the file's own line ending.
 *
 * <p>The view hides the kept rows' labels only as far as the data does: a copy of the training rows
 * under another name stays visible through its link.
 *
 * <p>The files are streamed: only the kept rows' labels and keys (and, during {@code prepare}, the
 * labels and ids of the training rows) are held in memory. The labels of the kept rows are never
 * written anywhere. The same data, spec and seed keep the same rows on every machine; {@link
 * #fingerprint()} identifies the split.
 *
 * <p>{@link #score} reads a run's submission, matches it to the view's test rows (by id, or by
 * position when the spec has no id column), and scores the kept rows with the spec's metric. A bad
 * configuration or a bad submission is an {@link IllegalArgumentException} whose message names the
 * column, file, id or row and says what to do.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
final class HoldoutSplit {
  /** The name of the test file made of the kept rows when the data has none. */
  static final String CREATED_TEST = "test.csv";

  /** The name used instead of {@link #CREATED_TEST} when a file of that name exists. */
  static final String CREATED_TEST_ALTERNATIVE = "holdout_test.csv";

  /** How many ids, columns or files an error message names. */
  private static final int SHOWN = 5;

  /** How many distinct classes the submission format names. */
  private static final int SHOWN_CLASSES = 10;

  /** How deep the search for the training file goes. */
  private static final int MAX_DEPTH = 8;

  private static final Pattern NUMBER =
      Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

  private final Holdout spec;
  private final String trainFile;
  private final String testFile;
  private final boolean testFileCreated;
  private final int trainRows;
  private final int testRows;
  private final @Nullable Map<String, Integer> positionOfId;
  private final BitSet keptPositions;
  private final List<String> keptLabels;
  private final List<String> keptKeys;
  private final String predictionText;
  private final String fingerprint;

  private HoldoutSplit(
      Holdout spec,
      String trainFile,
      String testFile,
      boolean testFileCreated,
      int trainRows,
      int testRows,
      @Nullable Map<String, Integer> positionOfId,
      BitSet keptPositions,
      List<String> keptLabels,
      List<String> keptKeys,
      String predictionText,
      String fingerprint) {
    this.spec = spec;
    this.trainFile = trainFile;
    this.testFile = testFile;
    this.testFileCreated = testFileCreated;
    this.trainRows = trainRows;
    this.testRows = testRows;
    this.positionOfId = positionOfId;
    this.keptPositions = keptPositions;
    this.keptLabels = keptLabels;
    this.keptKeys = keptKeys;
    this.predictionText = predictionText;
    this.fingerprint = fingerprint;
  }

  /**
   * Reads the data in {@code dataDir}, chooses the kept rows and writes the programs' view of the
   * data into {@code view}, which is created, or replaced if it exists.
   *
   * @throws IllegalArgumentException if the spec does not fit the data: no training file, a target
   *     or id column that does not exist, duplicated ids, a blank label, labels the metric cannot
   *     score, a test file the kept rows cannot be placed in, or too few rows
   * @throws IOException if the data cannot be read or the view cannot be written
   */
  static HoldoutSplit prepare(Holdout spec, Path dataDir, Path view) throws IOException {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(view, "view");
    if (!Files.isDirectory(dataDir)) {
      throw new IllegalArgumentException("data directory does not exist: " + dataDir);
    }
    Path root = dataDir.toRealPath();
    Path target = view.toAbsolutePath().normalize();
    Path parent = target.getParent();
    if (parent == null) throw new IllegalArgumentException("the view cannot be a root: " + view);
    Files.createDirectories(parent);
    Path realTarget = parent.toRealPath().resolve(target.getFileName());
    if (realTarget.startsWith(root) || root.startsWith(realTarget)) {
      throw new IllegalArgumentException(
          "the holdout's view " + view + " must lie outside the data directory " + dataDir);
    }
    return new Preparer(spec, root).prepare(realTarget);
  }

  /** SHA-256 (hex) of the spec, the files and the kept rows' keys and positions; stable. */
  String fingerprint() {
    return fingerprint;
  }

  /** How many labelled rows are kept. */
  int keptRows() {
    return keptKeys.size();
  }

  /** How many rows the view's training file has. */
  int trainRows() {
    return trainRows;
  }

  /** How many rows the view's test file has: its own and the kept ones. */
  int testRows() {
    return testRows;
  }

  /** The training file, relative to the view, with {@code /}. */
  String trainFile() {
    return trainFile;
  }

  /** The test file, relative to the view, with {@code /}. */
  String testFile() {
    return testFile;
  }

  /** Whether the view's test file was made of the kept rows because the data had none. */
  boolean testFileCreated() {
    return testFileCreated;
  }

  /** One or two sentences for the coder's prompt: what to write where. Names no kept row. */
  String submissionFormat() {
    List<String> header = new ArrayList<>();
    if (spec.id() != null) header.add(spec.id());
    header.add(spec.target());
    String line = Csv.line(header, Csv.delimiterOf(spec.submission()));
    return "Write ./working/"
        + spec.submission()
        + ": a header line `"
        + line
        + "`, then one row for each of the "
        + testRows
        + " rows of input/"
        + testFile
        + (spec.id() == null ? ", in the same order" : "")
        + " (for "
        + spec.target()
        + ": "
        + predictionText
        + ").";
  }

  /**
   * Reads {@code workingDir}'s submission file and scores the kept rows with the spec's metric.
   *
   * @throws IllegalArgumentException if the submission is missing, lacks the id or target column,
   *     misses, adds or repeats rows, or holds a blank or (where a number is needed) non-numeric
   *     prediction; the message names the column, id or row
   * @throws IOException if the file cannot be read
   */
  double score(Path workingDir) throws IOException {
    Submission submission = readSubmission(workingDir);
    List<String> predicted = new ArrayList<>(keptKeys.size());
    List<Integer> positions = new ArrayList<>(keptKeys.size());
    for (int p = keptPositions.nextSetBit(0); p >= 0; p = keptPositions.nextSetBit(p + 1)) {
      predicted.add(submission.rows.get(p).get(submission.targetColumn));
      positions.add(p);
    }
    try {
      return spec.metric().score(keptLabels, predicted);
    } catch (ScoreInputException e) {
      if (e.row().isPresent()) {
        int p = positions.get(e.row().getAsInt());
        throw new IllegalArgumentException(
            spec.submission()
                + ": the prediction for "
                + submission.rowName(p)
                + " cannot be scored with "
                + spec.metric().name()
                + ": "
                + e.getMessage(),
            e);
      }
      throw new IllegalArgumentException(
          spec.submission()
              + " cannot be scored with "
              + spec.metric().name()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /**
   * Writes to {@code out} the submission's rows for the data's own test rows, in their order, after
   * the submission's header: the predictions the user asked for, without the kept rows.
   *
   * @throws IllegalStateException if the data had no test file
   * @throws IllegalArgumentException if the submission is bad, as for {@link #score}
   */
  void writeTestPredictions(Path workingDir, Path out) throws IOException {
    if (testFileCreated) {
      throw new IllegalStateException(
          "the data has no test file, so there are no test predictions to write");
    }
    Submission submission = readSubmission(workingDir);
    Path file = out.toAbsolutePath().normalize();
    Path dir = Objects.requireNonNull(file.getParent());
    Files.createDirectories(dir);
    Path temp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp");
    try {
      try (Writer w = Csv.writer(temp)) {
        Csv.write(w, submission.header, submission.format);
        for (int p = 0; p < testRows; p++) {
          if (!keptPositions.get(p)) Csv.write(w, submission.rows.get(p), submission.format);
        }
      }
      readableByAll(temp, "rw-r--r--");
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** A submission read and matched to the view's test rows: row {@code p} is position p. */
  private final class Submission {
    final List<String> header;
    final Csv.Format format;
    final int targetColumn;
    final List<List<String>> rows;

    Submission(List<String> header, Csv.Format format, int targetColumn, List<List<String>> rows) {
      this.header = header;
      this.format = format;
      this.targetColumn = targetColumn;
      this.rows = rows;
    }

    String rowName(int position) {
      if (positionOfId != null) return "id '" + rows.get(position).get(idColumn()) + "'";
      return "row " + (position + 1);
    }

    private int idColumn() {
      return Csv.column(header, Objects.requireNonNull(spec.id()));
    }
  }

  private Submission readSubmission(Path workingDir) throws IOException {
    Path dir = workingDir.toAbsolutePath().normalize();
    Path file = dir.resolve(spec.submission()).normalize();
    String name = spec.submission();
    if (!file.startsWith(dir)) {
      throw new IllegalArgumentException(
          "the submission file " + name + " must lie inside ./working");
    }
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(
          "no submission: the program did not write ./working/"
              + name
              + "; write its predictions for every row of input/"
              + testFile
              + " there");
    }
    Csv.Format format = Csv.Format.of(file);
    try (Reader reader = FilePreview.utf8Reader(file)) {
      CsvParser parser = CsvParser.whole(reader, format.delimiter());
      if (!parser.next(true)) {
        throw new IllegalArgumentException(
            name
                + " is empty; "
                + Character.toLowerCase(submissionFormat().charAt(0))
                + submissionFormat().substring(1));
      }
      List<String> header = Csv.header(parser.fields());
      String id = spec.id();
      int idColumn = id == null ? -1 : Csv.column(header, id);
      int targetColumn = Csv.column(header, spec.target());
      List<String> missing = new ArrayList<>();
      if (id != null && idColumn < 0) missing.add(id);
      if (targetColumn < 0) missing.add(spec.target());
      if (!missing.isEmpty()) {
        throw new IllegalArgumentException(
            name
                + " has no column "
                + quoteAll(missing, " and no column ")
                + " (its columns: "
                + shown(header)
                + "); its header line must be `"
                + Csv.line(
                    id == null ? List.of(spec.target()) : List.of(id, spec.target()),
                    format.delimiter())
                + "`");
      }
      int width = Math.max(idColumn, targetColumn) + 1;
      List<List<String>> rows;
      if (positionOfId != null) {
        rows = matchById(parser, idColumn, width, name);
      } else {
        rows = new ArrayList<>();
        while (parser.next(true)) rows.add(padded(parser.fields(), width));
        if (rows.size() != testRows) {
          throw new IllegalArgumentException(
              name
                  + " has "
                  + rows.size()
                  + " rows but input/"
                  + testFile
                  + " has "
                  + testRows
                  + "; write one row for each row of input/"
                  + testFile
                  + ", in the same order");
        }
      }
      Submission submission = new Submission(header, format, targetColumn, rows);
      checkPredictions(submission, name);
      return submission;
    }
  }

  private List<List<String>> matchById(CsvParser parser, int idColumn, int width, String name)
      throws IOException {
    Map<String, Integer> positions = Objects.requireNonNull(positionOfId);
    List<List<String>> rows = new ArrayList<>(testRows);
    for (int i = 0; i < testRows; i++) rows.add(null);
    List<String> extra = new ArrayList<>();
    int extraCount = 0;
    List<String> repeated = new ArrayList<>();
    int repeatedCount = 0;
    while (parser.next(true)) {
      List<String> fields = padded(parser.fields(), width);
      String id = fields.get(idColumn).strip();
      Integer p = positions.get(id);
      if (p == null) {
        if (extra.size() < SHOWN) extra.add(id);
        extraCount++;
      } else if (rows.get(p) != null) {
        if (repeated.size() < SHOWN && !repeated.contains(id)) repeated.add(id);
        repeatedCount++;
      } else {
        rows.set(p, fields);
      }
    }
    List<String> absent = new ArrayList<>();
    int absentCount = 0;
    for (Map.Entry<String, Integer> e : sortedByPosition(positions)) {
      if (rows.get(e.getValue()) == null) {
        if (absent.size() < SHOWN) absent.add(e.getKey());
        absentCount++;
      }
    }
    List<String> problems = new ArrayList<>();
    if (absentCount > 0) problems.add(count(absentCount, "id") + " missing: " + ids(absent));
    if (extraCount > 0) {
      problems.add(
          count(extraCount, "row")
              + " with an id that is not in input/"
              + testFile
              + ": "
              + ids(extra));
    }
    if (repeatedCount > 0) {
      problems.add(count(repeatedCount, "repeated row") + " for the ids " + ids(repeated));
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          name
              + " does not match input/"
              + testFile
              + ": "
              + String.join("; ", problems)
              + "; write exactly one row for each id of input/"
              + testFile);
    }
    return rows;
  }

  private static List<Map.Entry<String, Integer>> sortedByPosition(Map<String, Integer> ids) {
    List<Map.Entry<String, Integer>> entries = new ArrayList<>(ids.entrySet());
    entries.sort(Map.Entry.comparingByValue());
    return entries;
  }

  private void checkPredictions(Submission submission, String name) {
    boolean numeric = spec.metric().prediction() != Prediction.LABEL;
    int blank = 0;
    int notNumber = 0;
    String firstBlank = null;
    String firstNotNumber = null;
    for (int p = 0; p < submission.rows.size(); p++) {
      String value = submission.rows.get(p).get(submission.targetColumn).strip();
      if (value.isEmpty()) {
        if (blank++ == 0) firstBlank = submission.rowName(p);
      } else if (numeric && !isNumber(value)) {
        if (notNumber++ == 0) firstNotNumber = submission.rowName(p) + " ('" + value + "')";
      }
    }
    String column = submission.header.get(submission.targetColumn);
    if (blank > 0) {
      throw new IllegalArgumentException(
          name
              + " has no prediction in column '"
              + column
              + "' for "
              + firstBlank
              + (blank > 1 ? " and " + (blank - 1) + " more rows" : "")
              + "; predict every row");
    }
    if (notNumber > 0) {
      throw new IllegalArgumentException(
          name
              + " has a prediction in column '"
              + column
              + "' that is not a number for "
              + firstNotNumber
              + (notNumber > 1 ? " and " + (notNumber - 1) + " more rows" : "")
              + "; "
              + spec.metric().name()
              + " needs "
              + predictionText);
    }
  }

  private static boolean isNumber(String value) {
    return NUMBER.matcher(value).matches() && Double.isFinite(Double.parseDouble(value));
  }

  private static List<String> padded(List<String> fields, int width) {
    List<String> copy = new ArrayList<>(Math.max(width, fields.size()));
    copy.addAll(fields);
    while (copy.size() < width) copy.add("");
    return copy;
  }

  private static String count(int n, String what) {
    return n + " " + what + (n == 1 ? "" : "s");
  }

  private static String ids(List<String> ids) {
    return ids.stream()
        .map(id -> id.isEmpty() ? "(blank)" : "'" + id + "'")
        .collect(Collectors.joining(", "));
  }

  private static String quoteAll(List<String> names, String separator) {
    return names.stream().map(n -> "'" + n + "'").collect(Collectors.joining(separator));
  }

  private static String shown(List<String> names) {
    String list = names.stream().limit(30).collect(Collectors.joining(", "));
    return names.size() > 30 ? list + ", ... (" + names.size() + " in all)" : list;
  }

  /** A label as text, numbers written one way: "1", "1.0" and "1e0" are one class. */
  private static String classOf(String label) {
    String trimmed = label.strip();
    if (NUMBER.matcher(trimmed).matches()) {
      double number = Double.parseDouble(trimmed);
      if (Double.isFinite(number)) {
        return BigDecimal.valueOf(number == 0 ? 0.0 : number).stripTrailingZeros().toPlainString();
      }
    }
    return trimmed;
  }

  /** The work of {@link #prepare}: finding the files, checking them, choosing, writing. */
  private static final class Preparer {
    private final Holdout spec;
    private final Path root;

    Preparer(Holdout spec, Path root) {
      this.spec = spec;
      this.root = root;
    }

    HoldoutSplit prepare(Path view) throws IOException {
      Path train = findTrain();
      String trainRel = rel(train);
      Csv.Format trainFormat = Csv.Format.of(train);
      List<String> trainHeader = Csv.readHeader(train, trainFormat);
      int targetColumn = Csv.exactColumn(trainHeader, spec.target());
      if (targetColumn < 0) {
        throw new IllegalArgumentException(
            missingColumn(spec.target(), "target", trainRel, trainHeader));
      }
      String id = spec.id();
      int idColumn = -1;
      if (id != null) {
        idColumn = Csv.exactColumn(trainHeader, id);
        if (idColumn < 0) {
          throw new IllegalArgumentException(missingColumn(id, "id", trainRel, trainHeader));
        }
      }
      Path test = findTest(train);
      String testRel;
      List<String> testHeader;
      Csv.Format testFormat;
      if (test != null) {
        testRel = rel(test);
        testFormat = Csv.Format.of(test);
        testHeader = Csv.readHeader(test, testFormat);
        checkTestHeader(trainRel, trainHeader, testRel, testHeader);
      } else {
        testRel = createdTestName(train);
        testFormat = new Csv.Format(',', trainFormat.lineEnd());
        testHeader = new ArrayList<>(trainHeader);
        testHeader.remove(targetColumn);
      }

      // Pass 1 over the training file: labels and ids of every row.
      List<String> labels = new ArrayList<>();
      List<String> trainIds = new ArrayList<>();
      Map<String, Integer> rowOfId = new HashMap<>();
      try (Reader reader = FilePreview.utf8Reader(train)) {
        CsvParser parser = CsvParser.whole(reader, trainFormat.delimiter());
        parser.next(true);
        int row = 0;
        while (parser.next(true)) {
          row++;
          List<String> fields = parser.fields();
          String rowId = null;
          if (idColumn >= 0) {
            rowId = field(fields, idColumn).strip();
            if (rowId.isEmpty()) {
              throw new IllegalArgumentException(
                  "data row "
                      + row
                      + " of "
                      + trainRel
                      + " has a blank id in column '"
                      + id
                      + "'; every row needs an id");
            }
            Integer before = rowOfId.putIfAbsent(rowId, row);
            if (before != null) {
              throw new IllegalArgumentException(
                  "the id column '"
                      + id
                      + "' of "
                      + trainRel
                      + " repeats the id '"
                      + rowId
                      + "' (data rows "
                      + before
                      + " and "
                      + row
                      + "); ids must be unique, or leave the id unset to match rows by position");
            }
            trainIds.add(rowId);
          }
          String label = field(fields, targetColumn).strip();
          if (label.isEmpty()) {
            throw new IllegalArgumentException(
                "data row "
                    + row
                    + (rowId == null ? "" : " (id '" + rowId + "')")
                    + " of "
                    + trainRel
                    + " has no value in the target column '"
                    + spec.target()
                    + "'; drop or fill the rows without a label before the search");
          }
          labels.add(label);
        }
      }
      int n = labels.size();
      if (n < 3) {
        throw new IllegalArgumentException(
            trainRel
                + " has "
                + n
                + " data rows; a holdout needs at least 3 (2 kept to score, 1 left to train on)");
      }
      ScoreMetric metric = spec.metric();
      try {
        metric.checkTruth(labels);
      } catch (ScoreInputException e) {
        throw new IllegalArgumentException(
            "the target column '"
                + spec.target()
                + "' of "
                + trainRel
                + " does not fit the metric "
                + metric.name()
                + ": "
                + e.getMessage()
                + "; choose a metric that fits the labels",
            e);
      }

      // The choice: a BitSet of kept data rows (0-based).
      SplittableRandom random = new SplittableRandom(spec.seed());
      int k = (int) Math.min(n - 1, Math.max(2, Math.round(spec.fraction() * n)));
      boolean stratified = metric.prediction() != Prediction.NUMBER;
      TreeMap<String, Integer> classIndex = new TreeMap<>();
      if (stratified) {
        for (String label : labels) classIndex.putIfAbsent(classOf(label), 0);
      } else {
        classIndex.put("", 0);
      }
      int c = 0;
      for (Map.Entry<String, Integer> e : classIndex.entrySet()) e.setValue(c++);
      int[] classOfRow = new int[n];
      int[] counts = new int[classIndex.size()];
      for (int i = 0; i < n; i++) {
        classOfRow[i] = stratified ? classIndex.get(classOf(labels.get(i))) : 0;
        counts[classOfRow[i]]++;
      }
      int[] quotas = Stratify.quotas(counts, k);
      BitSet kept = new BitSet(n);
      int[][] members = new int[counts.length][];
      int[] filled = new int[counts.length];
      for (int j = 0; j < counts.length; j++) members[j] = new int[counts[j]];
      for (int i = 0; i < n; i++) members[classOfRow[i]][filled[classOfRow[i]]++] = i;
      for (int j = 0; j < counts.length; j++) {
        int[] rows = members[j];
        for (int s = 0; s < quotas[j]; s++) {
          int pick = s + random.nextInt(rows.length - s);
          int chosen = rows[pick];
          rows[pick] = rows[s];
          rows[s] = chosen;
          kept.set(chosen);
        }
      }
      String predictionText = predictionText(metric, classIndex.keySet(), stratified);

      // The test rows: ids, checks, count.
      List<String> testIds = new ArrayList<>();
      int testOwnRows = 0;
      if (test != null) {
        int testIdColumn = id == null ? -1 : Csv.exactColumn(testHeader, id);
        Map<String, Integer> testRowOfId = new HashMap<>();
        try (Reader reader = FilePreview.utf8Reader(test)) {
          CsvParser parser = CsvParser.whole(reader, testFormat.delimiter());
          parser.next(true);
          while (parser.next(true)) {
            testOwnRows++;
            if (testIdColumn >= 0) {
              String testId = field(parser.fields(), testIdColumn).strip();
              if (testId.isEmpty()) {
                throw new IllegalArgumentException(
                    "data row "
                        + testOwnRows
                        + " of "
                        + testRel
                        + " has a blank id in column '"
                        + id
                        + "'; every row needs an id");
              }
              Integer before = testRowOfId.putIfAbsent(testId, testOwnRows);
              if (before != null) {
                throw new IllegalArgumentException(
                    "the id column '"
                        + id
                        + "' of "
                        + testRel
                        + " repeats the id '"
                        + testId
                        + "' (data rows "
                        + before
                        + " and "
                        + testOwnRows
                        + "); ids must be unique, or leave the id unset to match rows by position");
              }
              Integer trainRow = rowOfId.get(testId);
              if (trainRow != null && kept.get(trainRow - 1)) {
                throw new IllegalArgumentException(
                    "the id '"
                        + testId
                        + "' is in both "
                        + trainRel
                        + " (data row "
                        + trainRow
                        + ") and "
                        + testRel
                        + " (data row "
                        + testOwnRows
                        + "), so kept rows could not be told from test rows; "
                        + "give the files distinct ids or leave the id unset");
              }
              testIds.add(testId);
            }
          }
        }
      }

      List<String> keptLabels = new ArrayList<>(k);
      List<String> keptKeysTrainOrder = new ArrayList<>(k);
      for (int i = kept.nextSetBit(0); i >= 0; i = kept.nextSetBit(i + 1)) {
        keptLabels.add(labels.get(i));
        keptKeysTrainOrder.add(id == null ? "row " + (i + 1) : trainIds.get(i));
      }

      // Positions of the kept rows among the view's test rows (selection sampling).
      int total = testOwnRows + k;
      BitSet keptPositions = new BitSet(total);
      int left = k;
      for (int p = 0; p < total && left > 0; p++) {
        if (random.nextInt(total - p) < left) {
          keptPositions.set(p);
          left--;
        }
      }

      Map<String, Integer> positionOfId = null;
      if (id != null) {
        positionOfId = new HashMap<>();
        int own = 0;
        int keptIndex = 0;
        for (int p = 0; p < total; p++) {
          String key =
              keptPositions.get(p) ? keptKeysTrainOrder.get(keptIndex++) : testIds.get(own++);
          positionOfId.put(key, p);
        }
      }

      new ViewWriter(root, view)
          .write(
              train,
              trainRel,
              trainFormat,
              trainHeader,
              kept,
              test,
              testRel,
              testFormat,
              testHeader,
              keptPositions);

      String fingerprint =
          fingerprint(trainRel, testRel, test == null, n, keptKeysTrainOrder, keptPositions);
      return new HoldoutSplit(
          spec,
          trainRel,
          testRel,
          test == null,
          n - k,
          total,
          positionOfId == null ? null : Map.copyOf(positionOfId),
          keptPositions,
          List.copyOf(keptLabels),
          List.copyOf(keptKeysTrainOrder),
          predictionText,
          fingerprint);
    }

    private String fingerprint(
        String trainRel,
        String testRel,
        boolean created,
        int rows,
        List<String> keys,
        BitSet positions) {
      MessageDigest digest;
      try {
        digest = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-256 is missing from this JVM", e);
      }
      StringBuilder text = new StringBuilder("holdout 1\n");
      text.append("target=").append(spec.target()).append('\n');
      text.append("id=").append(spec.id() == null ? "" : spec.id()).append('\n');
      text.append("metric=").append(spec.metric().name()).append('\n');
      text.append("fraction=").append(spec.fraction()).append('\n');
      text.append("seed=").append(spec.seed()).append('\n');
      text.append("train=").append(trainRel).append('\n');
      text.append("test=").append(testRel).append(created ? " (created)" : "").append('\n');
      text.append("rows=").append(rows).append('\n');
      int i = 0;
      for (int p = positions.nextSetBit(0); p >= 0; p = positions.nextSetBit(p + 1)) {
        text.append(p).append('\t').append(keys.get(i++)).append('\n');
      }
      return HexFormat.of()
          .formatHex(digest.digest(text.toString().getBytes(StandardCharsets.UTF_8)));
    }

    private Path findTrain() throws IOException {
      if (spec.trainFile() != null) {
        return named(spec.trainFile(), "training");
      }
      List<Path> tables = tables();
      List<Path> candidates = new ArrayList<>();
      List<String> near = new ArrayList<>();
      for (Path table : tables) {
        List<String> header = Csv.readHeader(table, Csv.Format.of(table));
        if (Csv.exactColumn(header, spec.target()) >= 0) {
          candidates.add(table);
        } else {
          for (String name : header) {
            if (name.strip().equalsIgnoreCase(spec.target())) {
              near.add("'" + name + "' in " + rel(table));
            }
          }
        }
      }
      if (candidates.isEmpty()) {
        String files =
            tables.isEmpty()
                ? "there is no CSV file in it"
                : "its CSV files are " + shown(tables.stream().map(this::rel).toList());
        throw new IllegalArgumentException(
            "no CSV file in the data directory has the target column '"
                + spec.target()
                + "'"
                + (near.isEmpty() ? "" : " (did you mean " + String.join(", ", near) + "?)")
                + "; "
                + files
                + "; name the target column as the training file's header does");
      }
      if (candidates.size() == 1) return candidates.get(0);
      List<Path> trains =
          candidates.stream()
              .filter(p -> baseName(p).contains("train"))
              .collect(Collectors.toList());
      if (trains.size() == 1) return trains.get(0);
      throw new IllegalArgumentException(
          "several CSV files have the target column '"
              + spec.target()
              + "': "
              + shown(candidates.stream().map(this::rel).toList())
              + "; name the training file with Holdout.Builder.trainFile");
    }

    private @Nullable Path findTest(Path train) throws IOException {
      if (spec.testFile() != null) {
        Path test = named(spec.testFile(), "test");
        if (test.equals(train)) {
          throw new IllegalArgumentException(
              "the test file " + spec.testFile() + " is the training file; name another one");
        }
        return test;
      }
      List<Path> candidates = new ArrayList<>();
      try (DirectoryStream<Path> dir = Files.newDirectoryStream(train.getParent())) {
        for (Path p : dir) {
          if (isTable(p) && !p.equals(train) && baseName(p).contains("test")) candidates.add(p);
        }
      }
      candidates.sort(null);
      if (candidates.size() > 1) {
        throw new IllegalArgumentException(
            "several files next to "
                + rel(train)
                + " look like the test file: "
                + shown(candidates.stream().map(this::rel).toList())
                + "; name one with Holdout.Builder.testFile");
      }
      return candidates.isEmpty() ? null : candidates.get(0);
    }

    private void checkTestHeader(
        String trainRel, List<String> trainHeader, String testRel, List<String> testHeader) {
      if (testHeader.isEmpty()) {
        throw new IllegalArgumentException(
            "the test file " + testRel + " is empty: it has no header line");
      }
      if (Csv.exactColumn(testHeader, spec.target()) >= 0) {
        throw new IllegalArgumentException(
            "the test file "
                + testRel
                + " has the target column '"
                + spec.target()
                + "', so kept rows placed in it would need a label; name the right test file "
                + "with Holdout.Builder.testFile");
      }
      if (spec.id() != null && Csv.exactColumn(testHeader, spec.id()) < 0) {
        throw new IllegalArgumentException(missingColumn(spec.id(), "id", testRel, testHeader));
      }
      List<String> foreign = new ArrayList<>();
      for (String name : testHeader) {
        if (Csv.exactColumn(trainHeader, name) < 0) foreign.add(name);
      }
      if (!foreign.isEmpty()) {
        throw new IllegalArgumentException(
            "the test file "
                + testRel
                + " has "
                + (foreign.size() == 1 ? "the column " : "the columns ")
                + quoteAll(foreign.subList(0, Math.min(SHOWN, foreign.size())), ", ")
                + (foreign.size() > SHOWN ? " (" + foreign.size() + " in all)" : "")
                + " that "
                + trainRel
                + " lacks, so the kept rows cannot be placed in it; name the right files with "
                + "Holdout.Builder.trainFile and testFile");
      }
    }

    private String createdTestName(Path train) {
      Path dir = train.getParent();
      for (String name : List.of(CREATED_TEST, CREATED_TEST_ALTERNATIVE)) {
        if (!Files.exists(dir.resolve(name), LinkOption.NOFOLLOW_LINKS)) {
          return rel(dir.resolve(name));
        }
      }
      throw new IllegalArgumentException(
          "the data has no test file, and both "
              + CREATED_TEST
              + " and "
              + CREATED_TEST_ALTERNATIVE
              + " are taken next to "
              + rel(train)
              + "; name the test file with Holdout.Builder.testFile");
    }

    private String missingColumn(String name, String role, String file, List<String> header) {
      String near = null;
      for (String column : header) {
        if (column.strip().equalsIgnoreCase(name)) near = column;
      }
      return "the "
          + role
          + " column '"
          + name
          + "' is not a column of "
          + file
          + (near == null ? "" : " (did you mean '" + near + "'?)")
          + "; its columns are "
          + shown(header);
    }

    private Path named(String name, String role) throws IOException {
      Path path = root.resolve(name).normalize();
      if (!Files.isRegularFile(path)) {
        throw new IllegalArgumentException(
            "the " + role + " file " + name + " does not exist in the data directory " + root);
      }
      if (!path.startsWith(root) || !path.toRealPath().startsWith(root)) {
        throw new IllegalArgumentException(
            "the " + role + " file " + name + " must lie inside the data directory " + root);
      }
      return path;
    }

    private List<Path> tables() throws IOException {
      try (Stream<Path> walk = Files.walk(root, MAX_DEPTH)) {
        return walk.filter(p -> !p.equals(root))
            .filter(p -> !rel(p).startsWith(".") && !rel(p).contains("/."))
            .filter(Preparer::isTable)
            .sorted()
            .toList();
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
    }

    private static boolean isTable(Path p) {
      String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
      return (name.endsWith(".csv") || name.endsWith(".tsv")) && Files.isRegularFile(p);
    }

    private static String baseName(Path p) {
      String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
      return name.contains(".") ? name.substring(0, name.lastIndexOf('.')) : name;
    }

    private String rel(Path p) {
      Path relative = root.relativize(p.toAbsolutePath().normalize());
      return relative.toString().replace(relative.getFileSystem().getSeparator(), "/");
    }

    private static String predictionText(
        ScoreMetric metric, java.util.Set<String> classes, boolean stratified) {
      switch (metric.prediction()) {
        case NUMBER:
          return "the predicted value, a number";
        case PROBABILITY:
          String positive = null;
          TreeSet<String> lower = new TreeSet<>();
          classes.forEach(x -> lower.add(x.toLowerCase(Locale.ROOT)));
          if (List.of("0", "1").containsAll(lower)) positive = "1";
          if (List.of("false", "true").containsAll(lower)) {
            positive =
                classes.stream().filter(x -> x.equalsIgnoreCase("true")).findFirst().orElse("true");
          }
          return "the probability of the positive class"
              + (positive == null ? "" : " " + positive)
              + ", a number from 0 to 1";
        default:
          if (!stratified || classes.size() > SHOWN_CLASSES) return "the predicted class";
          return "the predicted class, one of "
              + classes.stream().map(x -> "'" + x + "'").collect(Collectors.joining(", "));
      }
    }
  }

  private static String field(List<String> fields, int i) {
    return i < fields.size() ? fields.get(i) : "";
  }

  /** Writes the view: the rewritten training and test files, links to everything else. */
  private static final class ViewWriter {
    private final Path root;
    private final Path view;

    ViewWriter(Path root, Path view) {
      this.root = root;
      this.view = view;
    }

    void write(
        Path train,
        String trainRel,
        Csv.Format trainFormat,
        List<String> trainHeader,
        BitSet kept,
        @Nullable Path test,
        String testRel,
        Csv.Format testFormat,
        List<String> testHeader,
        BitSet keptPositions)
        throws IOException {
      Path parent = view.getParent();
      String name = view.getFileName().toString();
      Path staging = Files.createTempDirectory(parent, "." + name + ".new-");
      // a temporary directory is rwx------: a program run as another user must read the view
      readableByAll(staging, "rwxr-xr-x");
      Path scratch = Files.createTempFile(parent, "." + name + ".kept-", ".csv");
      boolean done = false;
      try {
        mirror(root, staging, trainRel, testRel);
        int[] projection = new int[testHeader.size()];
        for (int j = 0; j < projection.length; j++) {
          projection[j] = Csv.exactColumn(trainHeader, testHeader.get(j));
        }
        Path trainOut = staging.resolve(trainRel);
        Files.createDirectories(trainOut.getParent());
        try (Reader reader = FilePreview.utf8Reader(train);
            Writer trainWriter = Csv.writer(trainOut);
            Writer keptWriter = Csv.writer(scratch)) {
          CsvParser parser = CsvParser.whole(reader, trainFormat.delimiter());
          parser.next(true);
          Csv.writeHeader(trainWriter, parser.fields(), trainFormat);
          Csv.Format scratchFormat = new Csv.Format(',', "\n");
          int row = 0;
          List<String> projected = new ArrayList<>(projection.length);
          while (parser.next(true)) {
            List<String> fields = parser.fields();
            if (kept.get(row++)) {
              projected.clear();
              for (int j : projection) projected.add(field(fields, j));
              Csv.write(keptWriter, projected, scratchFormat);
            } else {
              Csv.write(trainWriter, fields, trainFormat);
            }
          }
        }
        Path testOut = staging.resolve(testRel);
        Files.createDirectories(testOut.getParent());
        try (Reader keptReader = FilePreview.utf8Reader(scratch);
            Reader testReader = test == null ? Reader.nullReader() : FilePreview.utf8Reader(test);
            Writer testWriter = Csv.writer(testOut)) {
          CsvParser keptRows = CsvParser.whole(keptReader, ',');
          CsvParser testRows = CsvParser.whole(testReader, testFormat.delimiter());
          if (test != null) {
            testRows.next(true);
            Csv.writeHeader(testWriter, testRows.fields(), testFormat);
          } else {
            Csv.write(testWriter, testHeader, testFormat);
          }
          for (int p = 0; ; p++) {
            CsvParser from = keptPositions.get(p) ? keptRows : testRows;
            if (!from.next(true)) break;
            Csv.write(testWriter, from.fields(), testFormat);
          }
        }
        Files.deleteIfExists(scratch);
        if (Files.exists(view, LinkOption.NOFOLLOW_LINKS)) {
          Path old = Files.createTempDirectory(parent, "." + name + ".old-");
          Files.delete(old);
          Files.move(view, old, StandardCopyOption.ATOMIC_MOVE);
          Files.move(staging, view, StandardCopyOption.ATOMIC_MOVE);
          RunStore.deleteRecursively(old);
        } else {
          Files.move(staging, view, StandardCopyOption.ATOMIC_MOVE);
        }
        done = true;
      } finally {
        Files.deleteIfExists(scratch);
        if (!done) RunStore.deleteRecursively(staging);
      }
    }

    /** Links (or copies) every entry of {@code dir} but the two files, going into their dirs. */
    private void mirror(Path dir, Path into, String trainRel, String testRel) throws IOException {
      List<Path> entries = new ArrayList<>();
      try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
        stream.forEach(entries::add);
      }
      entries.sort(null);
      for (Path entry : entries) {
        Path relative = root.relativize(entry);
        String rel = relative.toString().replace(relative.getFileSystem().getSeparator(), "/");
        if (rel.equals(trainRel) || rel.equals(testRel)) continue;
        Path out = into.resolve(entry.getFileName().toString());
        boolean holds = trainRel.startsWith(rel + "/") || testRel.startsWith(rel + "/");
        if (holds && Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
          Files.createDirectory(out);
          mirror(entry, out, trainRel, testRel);
        } else {
          linkTree(entry, out);
        }
      }
    }
  }

  /**
   * Sets {@code path}'s POSIX permissions to {@code permissions}, where the file system has them.
   */
  private static void readableByAll(Path path, String permissions) throws IOException {
    try {
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: its own defaults apply
    }
  }

  /**
   * Makes {@code to} a copy of {@code from} whose files are hard links to the originals (copies
   * where links fail, as across file systems), and whose symbolic links are the same links. Never a
   * symbolic link to the data: its target would tell a program where the original, labelled files
   * are.
   */
  private static void linkTree(Path from, Path to) throws IOException {
    if (Files.isSymbolicLink(from)) {
      Files.createSymbolicLink(to, Files.readSymbolicLink(from));
      return;
    }
    if (!Files.isDirectory(from, LinkOption.NOFOLLOW_LINKS)) {
      try {
        Files.createLink(to, from);
      } catch (IOException | UnsupportedOperationException e) {
        Files.copy(from, to, LinkOption.NOFOLLOW_LINKS);
      }
      return;
    }
    Files.createDirectory(to);
    List<Path> entries = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(from)) {
      stream.forEach(entries::add);
    }
    for (Path entry : entries) linkTree(entry, to.resolve(entry.getFileName().toString()));
  }

  /** How many rows of each class are kept. */
  static final class Stratify {
    private Stratify() {}

    /**
     * Shares {@code k} kept rows among classes of {@code counts[j]} rows each, in proportion
     * (largest remainders, ties to the lower index), leaving each class of 2 or more rows at least
     * one row to train on and giving it at least one kept row, where the total allows.
     */
    static int[] quotas(int[] counts, int k) {
      long n = 0;
      for (int count : counts) n += count;
      int[] quotas = new int[counts.length];
      double[] remainders = new double[counts.length];
      int sum = 0;
      for (int j = 0; j < counts.length; j++) {
        double exact = (double) k * counts[j] / n;
        quotas[j] = (int) Math.floor(exact);
        remainders[j] = exact - quotas[j];
        sum += quotas[j];
      }
      List<Integer> order = new ArrayList<>();
      for (int j = 0; j < counts.length; j++) order.add(j);
      order.sort(
          (a, b) ->
              a.equals(b)
                  ? 0
                  : remainders[a] != remainders[b]
                      ? Double.compare(remainders[b], remainders[a])
                      : Integer.compare(a, b));
      for (int pass = 0; sum < k; pass++) {
        for (int j : order) {
          if (sum == k) break;
          int cap = pass == 0 && counts[j] >= 2 ? counts[j] - 1 : counts[j];
          if (quotas[j] < cap) {
            quotas[j]++;
            sum++;
          }
        }
      }
      for (int j = 0; j < counts.length; j++) {
        if (counts[j] < 2 || quotas[j] > 0) continue;
        int donor = -1;
        for (int d = 0; d < counts.length; d++) {
          if (quotas[d] > 1 && (donor < 0 || quotas[d] > quotas[donor])) donor = d;
        }
        if (donor < 0) break;
        quotas[donor]--;
        quotas[j]++;
      }
      return quotas;
    }
  }

  /** Reading and writing CSV records for the view and the submission. */
  static final class Csv {
    private Csv() {}

    /**
     * How a file is written: its delimiter and line ending. (A byte order mark stays in the
     * header's first field as read, and is written back with it.)
     */
    record Format(char delimiter, String lineEnd) {
      /** The format of the file at {@code path}: tab for {@code .tsv}, else comma. */
      static Format of(Path path) throws IOException {
        char delimiter = delimiterOf(path.getFileName().toString());
        char[] head = new char[1 << 16];
        int n;
        try (Reader reader = FilePreview.utf8Reader(path)) {
          n = Math.max(0, reader.read(head));
        }
        return new Format(delimiter, lineEnd(head, n));
      }

      private static String lineEnd(char[] text, int n) {
        boolean quoted = false;
        for (int i = 0; i < n; i++) {
          char c = text[i];
          if (c == '"') {
            quoted = !quoted;
          } else if (!quoted && c == '\n') {
            return "\n";
          } else if (!quoted && c == '\r') {
            return i + 1 < n && text[i + 1] == '\n' ? "\r\n" : "\r";
          }
        }
        return "\n";
      }
    }

    static char delimiterOf(String fileName) {
      return fileName.toLowerCase(Locale.ROOT).endsWith(".tsv") ? '\t' : ',';
    }

    /** The header names of the file at {@code path}, without a byte order mark. */
    static List<String> readHeader(Path path, Format format) throws IOException {
      try (Reader reader = FilePreview.utf8Reader(path)) {
        CsvParser parser = CsvParser.whole(reader, format.delimiter());
        return parser.next(true) ? header(parser.fields()) : List.of();
      }
    }

    static List<String> header(List<String> fields) {
      List<String> names = new ArrayList<>(fields);
      if (!names.isEmpty() && names.get(0).startsWith("\uFEFF")) {
        names.set(0, names.get(0).substring(1));
      }
      return List.copyOf(names);
    }

    /** The index of the column named exactly {@code name} (ignoring outer spaces), or -1. */
    static int exactColumn(List<String> header, String name) {
      for (int i = 0; i < header.size(); i++) {
        if (header.get(i).strip().equals(name)) return i;
      }
      return -1;
    }

    /** As {@link #exactColumn}, else the one column whose name matches ignoring case, or -1. */
    static int column(List<String> header, String name) {
      int exact = exactColumn(header, name);
      if (exact >= 0) return exact;
      int found = -1;
      for (int i = 0; i < header.size(); i++) {
        if (header.get(i).strip().equalsIgnoreCase(name)) {
          if (found >= 0) return -1;
          found = i;
        }
      }
      return found;
    }

    static Writer writer(Path path) throws IOException {
      return new BufferedWriter(
          new OutputStreamWriter(Files.newOutputStream(path), StandardCharsets.UTF_8), 1 << 16);
    }

    /** Writes a header record as read (a byte order mark in its first field stays). */
    static void writeHeader(Writer out, List<String> fields, Format format) throws IOException {
      write(out, fields, format);
    }

    static void write(Writer out, List<String> fields, Format format) throws IOException {
      out.write(line(fields, format.delimiter()));
      out.write(format.lineEnd());
    }

    /** One record as text, each field quoted only where it must be. */
    static String line(List<String> fields, char delimiter) {
      if (fields.size() == 1 && fields.get(0).isEmpty()) return "\"\"";
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < fields.size(); i++) {
        if (i > 0) line.append(delimiter);
        String field = fields.get(i);
        String bare = field.startsWith("\uFEFF") && i == 0 ? field.substring(1) : field;
        if (bare.indexOf(delimiter) >= 0
            || bare.indexOf('"') >= 0
            || bare.indexOf('\n') >= 0
            || bare.indexOf('\r') >= 0) {
          if (bare != field) line.append('\uFEFF');
          line.append('"').append(bare.replace("\"", "\"\"")).append('"');
        } else {
          line.append(field);
        }
      }
      return line.toString();
    }
  }
}
