package dev.aide.examples.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/** Finds a Python interpreter that has the packages a task needs. */
final class Pythons {
  static final String CHECK = "import numpy, pandas, sklearn";

  /** What the chosen Python must be able to do. */
  enum Need {
    /** Run the standard library only, as the speed-up example does. */
    STANDARD_LIBRARY("import sys", "cannot run Python code"),
    /** Import numpy, pandas and scikit-learn, as tasks with data do. */
    SCIENTIFIC(CHECK, "lacks numpy, pandas or scikit-learn"),
    /** Import pytest, as the python-speedup example's gate does. */
    PYTEST("import pytest", "lacks pytest");

    final String check;
    final String problem;

    Need(String check, String problem) {
      this.check = check;
      this.problem = problem;
    }
  }

  private Pythons() {}

  /**
   * Returns the first candidate that meets {@code need}: {@code named} when given (and then only
   * it), else {@code recorded} (the Python a resumed run used), {@code $AIDE_PYTHON}, {@code
   * python3} and {@code python} on PATH, and {@code /usr/bin/python3}.
   *
   * @throws IllegalStateException saying what was tried and how to get such a Python
   */
  static String find(
      @Nullable String named, @Nullable String recorded, Map<String, String> env, Need need) {
    Set<String> candidates = new LinkedHashSet<>();
    if (named != null) {
      candidates.add(named);
    } else {
      if (recorded != null) candidates.add(recorded);
      String fromEnv = env.get("AIDE_PYTHON");
      if (fromEnv != null && !fromEnv.isBlank()) candidates.add(fromEnv);
      for (String name : List.of("python3", "python")) {
        Path onPath = onPath(name, env.getOrDefault("PATH", ""));
        if (onPath != null) candidates.add(onPath.toString());
      }
      candidates.add("/usr/bin/python3");
    }
    List<String> tried = new ArrayList<>();
    for (String candidate : candidates) {
      String problem = check(candidate, need);
      if (problem == null) return candidate;
      tried.add(candidate + " (" + problem + ")");
    }
    if (need == Need.PYTEST) {
      throw new IllegalStateException(
          "No Python with pytest was found. Tried: "
              + String.join(", ", tried)
              + ".\nInstall it, e.g. `sudo apt-get install python3-pytest` on Debian or Ubuntu, or"
              + " `pip install pytest`, then run again or pass --python /path/to/python.");
    }
    if (need == Need.STANDARD_LIBRARY) {
      throw new IllegalStateException(
          "No Python was found. Tried: "
              + String.join(", ", tried)
              + ".\nInstall Python 3, e.g. `sudo apt-get install python3`, then run again or pass"
              + " --python /path/to/python.");
    }
    throw new IllegalStateException(
        "No Python with numpy, pandas and scikit-learn was found. Tried: "
            + String.join(", ", tried)
            + ".\nInstall them, e.g. `sudo apt-get install python3-sklearn python3-pandas` on"
            + " Debian or Ubuntu, or `pip install numpy pandas scikit-learn`, then run again or"
            + " pass --python /path/to/python.");
  }

  /** Returns null when {@code python} imports numpy, pandas and scikit-learn, else the problem. */
  static @Nullable String check(String python) {
    return check(python, Need.SCIENTIFIC);
  }

  /** Returns null when {@code python} meets {@code need}, else what went wrong. */
  static @Nullable String check(String python, Need need) {
    try {
      Process process =
          new ProcessBuilder(python, "-c", need.check)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return "did not answer within 60 s";
      }
      return process.exitValue() == 0 ? null : need.problem;
    } catch (IOException e) {
      return "cannot be run";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  private static @Nullable Path onPath(String name, String path) {
    for (String dir : path.split(java.io.File.pathSeparator)) {
      if (dir.isEmpty()) continue;
      Path candidate = Path.of(dir, name);
      if (Files.isExecutable(candidate)) return candidate;
    }
    return null;
  }
}
