package dev.aide.examples.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
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

  /**
   * Where a Python really is: its interpreter and the directories it imports from.
   *
   * @param executable the interpreter itself ({@code sys.executable}), not a shim or a link to it:
   *     a pyenv shim needs pyenv's variables and home, which a sandboxed program has not
   * @param paths its installation ({@code sys.base_prefix}, {@code sys.prefix}) and the existing
   *     directories of {@code sys.path}, for a sandbox to show when they lie in a home
   */
  record Located(String executable, List<Path> paths) {}

  private static final String LOCATE =
      "import os, sys\n"
          + "print(sys.executable)\n"
          + "for p in [sys.base_prefix, sys.prefix] + sys.path:\n"
          + "    if p and os.path.isdir(p): print(os.path.realpath(p))\n";

  /**
   * Asks {@code python} where it is. A program that runs the Python by its path from a script (a
   * repository task's gate), not as the executor's interpreter, needs this: the executor shows the
   * installation of the programs it starts, not of those a script names.
   *
   * @throws IllegalStateException when {@code python} cannot be run or does not answer
   */
  static Located locate(String python) {
    try {
      Process process =
          new ProcessBuilder(python, "-c", LOCATE)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(python + " did not say where it is within 60 s");
      }
      List<String> lines = output.lines().filter(l -> !l.isBlank()).toList();
      if (process.exitValue() != 0 || lines.isEmpty() || !lines.get(0).startsWith("/")) {
        throw new IllegalStateException(
            python + " did not say where it is (exit " + process.exitValue() + ")");
      }
      Set<Path> paths = new LinkedHashSet<>();
      Path executable = Path.of(lines.get(0));
      paths.add(executable.getParent()); // a venv's bin/, whose python links elsewhere
      paths.add(executable.toRealPath().getParent());
      for (String line : lines.subList(1, lines.size())) paths.add(Path.of(line));
      return new Located(executable.toString(), List.copyOf(paths));
    } catch (IOException e) {
      throw new IllegalStateException(python + " cannot be run: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while asking " + python + " where it is", e);
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
