package io.codequery.project;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the project root the way git finds {@code .git}: walking up from a directory. The first
 * directory that holds either {@code .code-query/} or {@code .git} decides:
 *
 * <ul>
 *   <li>it holds {@code .code-query/}: that is the project;
 *   <li>it holds only {@code .git}: the project is that repository's — the directory itself, or,
 *       for a linked worktree ({@code .git} is a file naming a git dir that has a {@code
 *       commondir}), the main worktree's root when that holds {@code .code-query/}: a linked
 *       worktree without a project of its own shares its main checkout's project (same repository,
 *       same documentation, same worker).
 * </ul>
 *
 * <p>So a {@code .code-query/} in a parent directory never captures a repository nested below it (a
 * submodule, a clone inside a project): the nearer {@code .git} decides first. With neither up to
 * the file-system root, the start directory itself is the answer.
 *
 * <p>Reads only small files ({@code .git}, {@code commondir}), starts no process, and uses {@code
 * java.base} only: plain {@code worker status} runs this on every call. The launcher ({@code
 * code-query}) and the git hook apply the same rule in {@code sh}; a test holds the three to one
 * table.
 */
public final class ProjectRoots {
  private static final String GIT = ".git";
  private static final int MAX_POINTER_BYTES = 4096;

  private ProjectRoots() {}

  /** The project root for a command started in {@code start} (see the class comment). */
  public static Path discover(Path start) {
    Path from = start.toAbsolutePath().normalize();
    for (Path p = from; p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve(ProjectLayout.DIR))) {
        return p;
      }
      if (Files.exists(p.resolve(GIT))) {
        return mainWorktreeProject(p).orElse(p);
      }
    }
    return from;
  }

  /**
   * For a linked worktree at {@code dir}: the main worktree's root, if it holds {@code
   * .code-query/}. Empty for a main worktree, a submodule (its git dir has no {@code commondir}),
   * or anything unreadable.
   */
  static Optional<Path> mainWorktreeProject(Path dir) {
    Path dotGit = dir.resolve(GIT);
    if (!Files.isRegularFile(dotGit)) {
      return Optional.empty();
    }
    Optional<String> pointer =
        firstLine(dotGit).filter(l -> l.startsWith("gitdir: ") && l.length() > "gitdir: ".length());
    if (pointer.isEmpty()) {
      return Optional.empty();
    }
    Path gitDir = dir.resolve(pointer.get().substring("gitdir: ".length()));
    Path commonDirFile = gitDir.resolve("commondir");
    if (!Files.isRegularFile(commonDirFile)) {
      return Optional.empty();
    }
    Optional<String> common = firstLine(commonDirFile).filter(l -> !l.isEmpty());
    if (common.isEmpty()) {
      return Optional.empty();
    }
    Path commonDir;
    try {
      commonDir = gitDir.resolve(common.get()).toRealPath();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
    Path name = commonDir.getFileName();
    Path main = commonDir.getParent();
    if (name == null || !name.toString().equals(GIT) || main == null) {
      return Optional.empty(); // a bare repository's worktree: no main checkout to share
    }
    return Files.isDirectory(main.resolve(ProjectLayout.DIR))
        ? Optional.of(main)
        : Optional.empty();
  }

  /** The first line of a small regular file, without its newline; empty if unreadable. */
  private static Optional<String> firstLine(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      String text = new String(in.readNBytes(MAX_POINTER_BYTES), StandardCharsets.UTF_8);
      int nl = text.indexOf('\n');
      return Optional.of(nl >= 0 ? text.substring(0, nl) : text);
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
