package io.codequery.child;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds a program as {@code execvp} would, so that a missing or non-executable program is reported
 * as such even when the child is started through a wrapper ({@code setsid}) that would otherwise
 * turn the failure into an exit status.
 */
final class Programs {
  private static final Path SETSID = Path.of("/usr/bin/setsid");
  private static final Path SETPRIV = Path.of("/usr/bin/setpriv");

  private Programs() {}

  /** util-linux {@code setsid}, where installed. */
  static Optional<Path> setsid() {
    return Files.isExecutable(SETSID) ? Optional.of(SETSID) : Optional.empty();
  }

  /** util-linux {@code setpriv}, where installed. */
  static Optional<Path> setpriv() {
    return Files.isExecutable(SETPRIV) ? Optional.of(SETPRIV) : Optional.empty();
  }

  /**
   * Why {@code program} cannot be run from {@code directory} with {@code path} as PATH: errno 2
   * (not found) or 13 (not executable); 0 where it can.
   */
  static int problem(String program, Path directory, String path) {
    try {
      if (program.contains("/")) {
        return check(directory.resolve(program));
      }
      boolean sawDenied = false;
      for (String dir : (path == null ? "/usr/local/bin:/usr/bin:/bin" : path).split(":", -1)) {
        Path candidate = (dir.isEmpty() ? directory : directory.resolve(dir)).resolve(program);
        int p = check(candidate);
        if (p == 0) {
          return 0;
        }
        sawDenied |= p == 13;
      }
      return sawDenied ? 13 : 2;
    } catch (InvalidPathException e) {
      return 2;
    }
  }

  private static int check(Path p) {
    if (!Files.exists(p)) {
      return 2;
    }
    return Files.isRegularFile(p) && Files.isExecutable(p) ? 0 : 13;
  }
}
