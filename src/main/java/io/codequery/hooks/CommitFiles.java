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

  public static Listed of(Path root, String revision) {
    if (revision.startsWith("-")) {
      throw new CodeQueryException("commit " + revision + ": a revision cannot start with '-'");
    }
    Git.Result r = Git.run(root, "rev-parse", "-q", "--verify", revision + "^{commit}");
    if (r.status() != 0) {
      throw new CodeQueryException("commit " + revision + ": not a commit in " + root);
    }
    String commit = r.out().strip();
    boolean hasParent = Git.run(root, "rev-parse", "-q", "--verify", commit + "^1").status() == 0;
    Git.Result diff = hasParent
        ? Git.run(root, "diff-tree", "-r", "-z", "-M", "--no-commit-id", "--name-only", "--diff-filter=ACMRT", commit + "^1", commit, "--", ".", EXCLUDE)
        : Git.run(root, "diff-tree", "-r", "-z", "-M", "--no-commit-id", "--name-only", "--diff-filter=ACMRT", "--root", commit, "--", ".", EXCLUDE);
    if (diff.status() != 0) {
      throw new CodeQueryException("git diff-tree failed for " + commit + ": " + diff.err().strip());
    }
    List<String> files = new ArrayList<>();
    for (String f : diff.out().split("\0")) {
      if (!f.isEmpty()) {
        files.add(f);
      }
    }
    return new Listed(commit, files);
  }
}
