package dev.aide.examples.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The example source trees shipped as resources under {@code /dev/aide/examples/<name>/}: {@code
 * java-speedup} (a Maven project, package {@code demo}) and {@code python-speedup} (a Python
 * package with pytest tests).
 */
final class ExampleProjects {
  static final String JAVA_SPEEDUP = "java-speedup";
  static final String PYTHON_SPEEDUP = "python-speedup";

  /** The file whose resource marks each project's root. */
  private static final Map<String, String> MARKERS =
      Map.of(JAVA_SPEEDUP, "pom.xml", PYTHON_SPEEDUP, "bench.py");

  /** The java-speedup example's metric, run in its tree after the gate compiled it. */
  static final List<String> JAVA_SPEEDUP_EVAL =
      List.of("java", "-cp", "target/classes", "demo.Bench");

  /** The python-speedup example's gate, run in its tree. */
  static final String PYTHON_SPEEDUP_GATE = "python3 -m pytest -q -p no:cacheprovider";

  /** The python-speedup example's metric, run in its tree. */
  static final String PYTHON_SPEEDUP_EVAL = "python3 bench.py";

  private ExampleProjects() {}

  /**
   * Copies example project {@code name} into {@code target} (created; existing files are replaced)
   * and returns {@code target}, whether the resources are in a jar or a directory.
   *
   * @throws IllegalArgumentException for an unknown name
   * @throws UncheckedIOException when the files cannot be read or written
   */
  static Path unpack(String name, Path target) {
    String marker = MARKERS.get(name);
    if (marker == null) {
      throw new IllegalArgumentException(
          "unknown example project "
              + name
              + "; choose one of "
              + String.join(", ", MARKERS.keySet()));
    }
    URL url = ExampleProjects.class.getResource("/dev/aide/examples/" + name + "/" + marker);
    if (url == null) throw new IllegalStateException("missing resource of example " + name);
    return unpack(url, target);
  }

  /**
   * Copies the directory that holds resource {@code marker} (in a jar or a directory) into {@code
   * target} and returns {@code target}.
   */
  static Path unpack(URL marker, Path target) {
    try {
      URI uri = marker.toURI();
      if (uri.getScheme().equals("jar")) {
        FileSystem jar;
        boolean opened = false;
        try {
          jar = FileSystems.newFileSystem(uri, Map.of());
          opened = true;
        } catch (FileSystemAlreadyExistsException e) {
          jar = FileSystems.getFileSystem(uri);
        }
        try {
          copy(jar.provider().getPath(uri).getParent(), target);
        } finally {
          if (opened) jar.close();
        }
      } else {
        copy(Path.of(uri).getParent(), target);
      }
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot unpack " + marker + " to " + target, e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException("bad resource URL " + marker, e);
    }
  }

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path path : (Iterable<Path>) paths::iterator) {
        // by string: from may be in a jar's file system, to on the default one
        Path dest = to.resolve(from.relativize(path).toString());
        if (Files.isDirectory(path)) {
          Files.createDirectories(dest);
        } else {
          Files.copy(path, dest, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }
}
