package io.codequery.project;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the project root the way git finds {@code .git}: walking up from a directory. */
public final class ProjectRoots {
  private ProjectRoots() {}

  /**
   * The nearest directory at or above {@code start} holding {@code .code-query/}; else the nearest
   * holding {@code .git} (a directory, or a file in a linked worktree); else {@code start} itself.
   */
  public static Path discover(Path start) {
    Path from = start.toAbsolutePath().normalize();
    for (Path p = from; p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve(ProjectLayout.DIR))) {
        return p;
      }
    }
    for (Path p = from; p != null; p = p.getParent()) {
      if (Files.exists(p.resolve(".git"))) {
        return p;
      }
    }
    return from;
  }
}
