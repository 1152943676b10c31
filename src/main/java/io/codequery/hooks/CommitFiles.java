package io.codequery.hooks;

import io.codequery.CodeQueryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The files a commit added, copied, modified, renamed or re-typed — the hook's rule, in Java. */
public final class CommitFiles {
  /** code-query's own files (config, ignore file) are never documented. */
  static final String EXCLUDE = ":(exclude).code-query";

  private CommitFiles() {}

  public record Listed(String commit, List<String> files) {}

  /** The files of {@code revision} against its first parent (a root commit: all its files). */
  public static Listed of(Path root, String revision) {
    return between(root, null, revision);
  }

  /**
   * The files that changed from {@code base} to {@code revision} (a merge or fast-forward, as the
   * post-merge hook records it); with a null base, as {@link #of}.
   */
  public static Listed between(Path root, String base, String revision) {
    String commit = resolve(root, revision);
    String from = base == null ? null : resolve(root, base);
    if (from == null && Git.run(root, "rev-parse", "-q", "--verify", commit + "^1").status() == 0) {
      from = commit + "^1";
    }
    Git.Result diff =
        from != null
            ? Git.run(
                root,
                "diff-tree",
                "-r",
                "-z",
                "-M",
                "--no-commit-id",
                "--name-only",
                "--diff-filter=ACMRT",
                from,
                commit,
                "--",
                ".",
                EXCLUDE)
            : Git.run(
                root,
                "diff-tree",
                "-r",
                "-z",
                "-M",
                "--no-commit-id",
                "--name-only",
                "--diff-filter=ACMRT",
                "--root",
                commit,
                "--",
                ".",
                EXCLUDE);
    if (diff.status() != 0) {
      throw new CodeQueryException(
          "git diff-tree failed for " + commit + ": " + diff.err().strip());
    }
    List<String> files = new ArrayList<>();
    for (String f : diff.out().split("\0")) {
      if (!f.isEmpty()) {
        files.add(f);
      }
    }
    return new Listed(commit, files);
  }

  private static String resolve(Path root, String revision) {
    if (revision.startsWith("-")) {
      throw new CodeQueryException("commit " + revision + ": a revision cannot start with '-'");
    }
    Git.Result r = Git.run(root, "rev-parse", "-q", "--verify", revision + "^{commit}");
    if (r.status() != 0) {
      throw new CodeQueryException("commit " + revision + ": not a commit in " + root);
    }
    return r.out().strip();
  }
}
