package io.codequery.faults;

import io.codequery.testing.ClassDirs;
import io.codequery.testing.RealWorker;
import io.codequery.testing.SecondUser;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code code-query} run as user nobody through {@code setpriv --reuid=65534 --regid=65534
 * --clear-groups}, from world-readable copies of the class path. Available as root only; without it
 * the unprivileged fault is left out of the draw.
 */
final class UnprivilegedCaller {
  private final Bounded commands;
  private final boolean available;
  private final List<Path> copies = new ArrayList<>();
  private String classPath;

  UnprivilegedCaller(Bounded commands) {
    this.commands = commands;
    this.available = SecondUser.available();
  }

  boolean available() {
    return available;
  }

  /** Copies the class path where nobody can read it, once per run. */
  void prepare() throws IOException {
    if (classPath == null) {
      Path dir = ClassDirs.worldReadableDir("cq-faults-cp-");
      copies.add(dir);
      classPath = copyClassPath(dir);
    }
  }

  /** {@code code-query args} as nobody, in a separate JVM, bounded ({@link #prepare} first). */
  Bounded.Result run(String... args) {
    List<String> cmd = SecondUser.cliCommand(classPath, List.of(args));
    return commands.await(
        commands.command(cmd, "[nobody] code-query " + String.join(" ", args)), "nobody");
  }

  void close() throws IOException {
    for (Path dir : copies) {
      Project.deleteTree(dir);
    }
  }

  /** Copies this run's class path (dirs and jars) into {@code dir}, readable by all. */
  private static String copyClassPath(Path dir) throws IOException {
    List<String> entries = new ArrayList<>();
    int i = 0;
    for (String e : RealWorker.classPath().split(File.pathSeparator)) {
      Path src = Path.of(e);
      if (!Files.exists(src)) {
        continue;
      }
      Path dst = dir.resolve((i++) + "-" + src.getFileName());
      if (Files.isDirectory(src)) {
        try (Stream<Path> s = Files.walk(src)) {
          for (Path p : s.toList()) {
            Path t = dst.resolve(src.relativize(p).toString());
            if (Files.isDirectory(p)) {
              Files.createDirectories(t);
            } else {
              Files.copy(p, t);
            }
          }
        }
      } else {
        Files.copy(src, dst);
      }
      entries.add(dst.toString());
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.toList()) {
        Files.setPosixFilePermissions(
            p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
      }
    }
    return String.join(":", entries);
  }
}
