package dev.aide.core.internal;

import dev.aide.core.internal.DataTree.FileNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A training file and a test file in one directory of the data, and the columns that are in the
 * training file but not in the test file: likely the columns to predict.
 *
 * <p>{@link #find} pairs, in each directory, the one CSV file whose name contains {@code train}
 * with the one whose name contains {@code test}; failing that, the two files where one's columns
 * are a subset of the other's and the overlap is largest. Either way the test file must repeat at
 * least half of its columns from the training file, and the training file's extra columns must be
 * fewer than the shared ones (so that a submission file with an id and the target is not taken for
 * the test file).
 *
 * @param train the training file
 * @param test the test file
 * @param trainOnly the columns of {@code train} that {@code test} lacks, in {@code train}'s order;
 *     never empty
 * @param sameColumns whether every column of {@code test} is one of {@code train}'s
 */
record TrainTestPair(FileNode train, FileNode test, List<String> trainOnly, boolean sameColumns) {

  /**
   * The pairs among {@code headers}, at most one per directory; files whose header was not read
   * whole take no part.
   */
  static List<TrainTestPair> find(Map<FileNode, CsvSummary.Header> headers) {
    Map<String, List<Map.Entry<FileNode, List<String>>>> byDir = new LinkedHashMap<>();
    for (Map.Entry<FileNode, CsvSummary.Header> e : headers.entrySet()) {
      CsvSummary.Header header = e.getValue();
      if (header.columnCount() > 0 && header.complete()) {
        String rel = e.getKey().rel();
        String dir = rel.contains("/") ? rel.substring(0, rel.lastIndexOf('/')) : "";
        byDir
            .computeIfAbsent(dir, d -> new ArrayList<>())
            .add(Map.entry(e.getKey(), header.names()));
      }
    }
    List<TrainTestPair> pairs = new ArrayList<>();
    for (List<Map.Entry<FileNode, List<String>>> files : byDir.values()) {
      TrainTestPair pair = byName(files);
      if (pair == null) {
        pair = byOverlap(files);
      }
      if (pair != null) {
        pairs.add(pair);
      }
    }
    return pairs;
  }

  private static @Nullable TrainTestPair byName(List<Map.Entry<FileNode, List<String>>> files) {
    List<Map.Entry<FileNode, List<String>>> trains = new ArrayList<>();
    List<Map.Entry<FileNode, List<String>>> tests = new ArrayList<>();
    for (Map.Entry<FileNode, List<String>> file : files) {
      String name = file.getKey().name().toLowerCase(Locale.ROOT);
      String base = name.contains(".") ? name.substring(0, name.lastIndexOf('.')) : name;
      if (base.contains("train")) {
        trains.add(file);
      } else if (base.contains("test")) {
        tests.add(file);
      }
    }
    if (trains.size() != 1 || tests.size() != 1) {
      return null;
    }
    return of(trains.get(0), tests.get(0), false);
  }

  private static @Nullable TrainTestPair byOverlap(List<Map.Entry<FileNode, List<String>>> files) {
    TrainTestPair best = null;
    int bestOverlap = 0;
    for (Map.Entry<FileNode, List<String>> train : files) {
      for (Map.Entry<FileNode, List<String>> test : files) {
        if (train == test) {
          continue;
        }
        TrainTestPair pair = of(train, test, true);
        if (pair != null) {
          int overlap = new LinkedHashSet<>(test.getValue()).size();
          if (overlap > bestOverlap) {
            best = pair;
            bestOverlap = overlap;
          }
        }
      }
    }
    return best;
  }

  private static @Nullable TrainTestPair of(
      Map.Entry<FileNode, List<String>> train,
      Map.Entry<FileNode, List<String>> test,
      boolean subsetOnly) {
    Set<String> trainNames = new LinkedHashSet<>(train.getValue());
    Set<String> testNames = new HashSet<>(test.getValue());
    List<String> trainOnly = new ArrayList<>();
    int shared = 0;
    for (String name : trainNames) {
      if (testNames.contains(name)) {
        shared++;
      } else {
        trainOnly.add(name);
      }
    }
    boolean sameColumns =
        trainNames.containsAll(testNames) && testNames.size() == test.getValue().size();
    if (trainOnly.isEmpty()
        || trainOnly.size() >= shared
        || shared * 2 < testNames.size()
        || (subsetOnly && !sameColumns)) {
      return null;
    }
    return new TrainTestPair(train.getKey(), test.getKey(), List.copyOf(trainOnly), sameColumns);
  }
}
