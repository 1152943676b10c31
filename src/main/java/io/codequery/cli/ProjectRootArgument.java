package io.codequery.cli;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What is wrong with a {@code --project-root} a user typed, if anything: it must name a directory
 * that exists and that the caller may enter. A typo must not read as "not running", nor make {@code
 * worker start} create a directory and start a worker there. Uses {@code java.base} only: the fast
 * status path checks it too.
 */
final class ProjectRootArgument {
  private ProjectRootArgument() {}

  /** One line saying what is wrong with {@code dir} and what to do; empty where it is usable. */
  static Optional<String> problem(String typed, Path dir) {
    if (typed.isEmpty()) {
      return Optional.of(
          "--project-root is empty; give the project's root directory, or leave the option out to"
              + " find it from the current directory");
    }
    String what = "--project-root " + typed + ": ";
    if (!Files.exists(dir)) {
      return Optional.of(
          what
              + (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)
                  ? "a symbolic link to nothing"
                  : "no such directory")
              + "; give the project's root directory (the one holding .code-query/ or .git), or"
              + " leave the option out to find it from the current directory");
    }
    if (!Files.isDirectory(dir)) {
      return Optional.of(
          what
              + "not a directory; give the project's root directory (the one holding"
              + " .code-query/ or .git), not a file in it");
    }
    // Search permission is what every look inside needs; without it each file would read as
    // absent or unknown, and the answer would be a wrong one rather than an error.
    if (!Files.isExecutable(dir)) {
      return Optional.of(
          what
              + "permission denied (you may not enter this directory); ask its owner, or run"
              + " as a user who may");
    }
    return Optional.empty();
  }
}
