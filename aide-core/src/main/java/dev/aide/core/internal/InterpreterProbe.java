package dev.aide.core.internal;

import dev.aide.core.Language;
import dev.aide.core.exec.ExecutionRequest;
import dev.aide.core.exec.ExecutionResult;
import dev.aide.core.exec.Executor;
import dev.aide.core.exec.ExecutorException;
import dev.aide.core.exec.Redactor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds out which common Python packages the run's interpreter can import, once per run: a small
 * probe program run through the run's {@link Executor} (the interpreter, sandbox and environment
 * the nodes get), in its own workspace under the run directory, its answer kept in {@link #FILE} so
 * that a resumed run does not probe again.
 *
 * <p>Only for {@link Language#PYTHON}. A probe that fails, times out or prints nothing readable
 * gives {@code null} and one warning; it never ends the run. Stateless; safe to share.
 */
final class InterpreterProbe {
  private static final Logger log = LoggerFactory.getLogger(InterpreterProbe.class);

  /** The file in the run directory that keeps the probe's answer. */
  static final String FILE = "python-packages.txt";

  /** The probe's workspace, under the run's workspaces directory beside the nodes'. */
  static final String WORKSPACE = "probe";

  /** The probe program's file name in its workspace. */
  static final String PROGRAM_FILE = "aide_probe.py";

  /** The longest the probe may take: importing torch or tensorflow takes several seconds. */
  static final Duration TIMEOUT = Duration.ofSeconds(60);

  /** The prefix of the lines the probe prints, so that what imports print is ignored. */
  private static final String PREFIX = "aide-probe ";

  /** The packages looked for, as {distribution name, module name}, in the order listed. */
  static final List<Map.Entry<String, String>> PACKAGES =
      List.of(
          Map.entry("numpy", "numpy"),
          Map.entry("pandas", "pandas"),
          Map.entry("scipy", "scipy"),
          Map.entry("scikit-learn", "sklearn"),
          Map.entry("xgboost", "xgboost"),
          Map.entry("lightgbm", "lightgbm"),
          Map.entry("catboost", "catboost"),
          Map.entry("statsmodels", "statsmodels"),
          Map.entry("torch", "torch"),
          Map.entry("tensorflow", "tensorflow"),
          Map.entry("polars", "polars"),
          Map.entry("pyarrow", "pyarrow"),
          Map.entry("optuna", "optuna"),
          Map.entry("matplotlib", "matplotlib"));

  /** The probe program: one line per package, installed with its version or missing. */
  static final String PROGRAM = program();

  private InterpreterProbe() {}

  /**
   * What the interpreter has.
   *
   * @param python the interpreter's version, e.g. {@code 3.11.2}
   * @param installed the packages that imported, with their versions (empty when unknown), in the
   *     order of {@link #PACKAGES}
   * @param missing the packages that did not import
   */
  record Packages(String python, List<Installed> installed, List<String> missing) {
    Packages {
      installed = List.copyOf(installed);
      missing = List.copyOf(missing);
    }

    /** The probe's lines for this answer, as {@link #parse} reads them. */
    String lines() {
      StringBuilder out = new StringBuilder();
      out.append(PREFIX).append("python ").append(python).append('\n');
      for (Installed p : installed) {
        out.append(PREFIX).append("installed ").append(p.name());
        if (!p.version().isEmpty()) out.append(' ').append(p.version());
        out.append('\n');
      }
      for (String name : missing) out.append(PREFIX).append("missing ").append(name).append('\n');
      return out.toString();
    }
  }

  /** A package that imported, with its version ("" when it has none). */
  record Installed(String name, String version) {}

  /**
   * Returns the packages of the interpreter {@code executor} runs: read from {@code runDir}'s
   * {@link #FILE} when it is there, else probed and written there. Returns null, after logging a
   * warning, when the probe failed.
   */
  static @Nullable Packages load(Path runDir, Executor executor, Redactor redactor) {
    Path file = runDir.resolve(FILE);
    try {
      Packages cached = parse(Files.readString(file, StandardCharsets.UTF_8));
      log.debug("The interpreter's packages, as probed before, are in {}", file);
      return cached;
    } catch (NoSuchFileException e) {
      // Not probed yet.
    } catch (IOException | IllegalArgumentException e) {
      log.warn("Cannot read {} ({}); probing the interpreter again", file, e.getMessage());
    }
    Packages probed = probe(runDir, executor, redactor);
    if (probed != null) write(file, probed);
    return probed;
  }

  private static @Nullable Packages probe(Path runDir, Executor executor, Redactor redactor) {
    Language python = Language.PYTHON;
    List<String> command =
        python.command().stream()
            .map(part -> part.equals(python.fileName()) ? PROGRAM_FILE : part)
            .toList();
    String problem;
    try {
      Path workspace = runDir.resolve(RunStore.WORKSPACES_DIR).resolve(WORKSPACE);
      Files.createDirectories(workspace.resolve("input"));
      Files.createDirectories(workspace.resolve("working"));
      ExecutionResult result =
          redactor.redact(
              executor.execute(
                  new ExecutionRequest(
                      PROGRAM, PROGRAM_FILE, command, workspace, TIMEOUT, Map.of())));
      if (result.timedOut()) {
        problem = "it did not finish within " + Text.roughDuration(TIMEOUT);
      } else if (result.exitCode() != 0) {
        problem =
            "it exited with code "
                + result.exitCode()
                + ": "
                + Text.abbreviate(result.output().strip(), 300);
      } else {
        try {
          Packages packages = parse(result.output());
          log.info("The interpreter has {}", Prompts.describePackages(packages));
          return packages;
        } catch (IllegalArgumentException e) {
          problem = e.getMessage();
        }
      }
    } catch (IOException | RuntimeException e) { // ExecutorException included: never fatal here
      problem =
          (e instanceof ExecutorException ? "" : e.getClass().getSimpleName() + ": ")
              + e.getMessage();
      problem = redactor.redact(Text.abbreviate(problem, 300));
    }
    log.warn(
        "Could not find out which Python packages are installed ({}); the prompts will not name"
            + " any",
        problem);
    return null;
  }

  /**
   * Reads the probe's output.
   *
   * @throws IllegalArgumentException if it holds no line naming the interpreter's version
   */
  static Packages parse(String output) {
    String python = null;
    List<Installed> installed = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    for (String line : output.split("\n", -1)) {
      if (!line.startsWith(PREFIX)) continue;
      String[] words = line.substring(PREFIX.length()).strip().split("\\s+");
      switch (words[0]) {
        case "python" -> {
          if (words.length > 1) python = words[1];
        }
        case "installed" -> {
          if (words.length > 1)
            installed.add(new Installed(words[1], words.length > 2 ? words[2] : ""));
        }
        case "missing" -> {
          if (words.length > 1) missing.add(words[1]);
        }
        default -> {}
      }
    }
    if (python == null) {
      throw new IllegalArgumentException(
          "the probe printed no '"
              + PREFIX
              + "python' line; it printed: "
              + Text.abbreviate(output.strip(), 300));
    }
    return new Packages(python, installed, missing);
  }

  private static void write(Path file, Packages packages) {
    try {
      RunStore.writeAtomically(file, packages.lines());
    } catch (IOException e) {
      log.warn("Could not write {}; a resumed run will probe again", file, e);
    }
  }

  private static String program() {
    StringBuilder packages = new StringBuilder();
    for (Map.Entry<String, String> p : PACKAGES) {
      packages.append("    (\"").append(p.getKey()).append("\", \"").append(p.getValue());
      packages.append("\"),\n");
    }
    return """
        import importlib
        import sys

        try:
            from importlib import metadata
        except ImportError:
            metadata = None

        PACKAGES = [
        %s]

        print("%spython %%d.%%d.%%d" %% sys.version_info[:3], flush=True)
        for dist, module in PACKAGES:
            try:
                imported = importlib.import_module(module)
            except BaseException:
                print("%smissing " + dist, flush=True)
                continue
            version = ""
            try:
                version = metadata.version(dist) if metadata else ""
            except Exception:
                pass
            if not version:
                version = str(getattr(imported, "__version__", ""))
            print("%sinstalled " + dist + " " + "".join(version.split()), flush=True)
        """
        .formatted(packages, PREFIX, PREFIX, PREFIX);
  }
}
