package io.codequery.store;

import io.codequery.project.RepoPath;

/**
 * One change of one path in a commit, as the store ingests it. Paths are checked by {@link
 * PathRules}.
 */
public sealed interface PathChange {
  /** The path whose order this change takes. */
  RepoPath path();

  /**
   * The file at {@code path} holds {@code blob} now (added, modified, copied, re-typed to a file):
   * its document is to be made.
   *
   * @param blob the content's blob id; null when only the name is known
   */
  record Document(RepoPath path, String blob) implements PathChange {
    public Document {
      new JobFile(path, blob); // the same checks, the same messages
    }
  }

  /** The file at {@code path} left git (deleted, or now a link or a submodule). */
  record Remove(RepoPath path) implements PathChange {
    public Remove {
      PathRules.checkPath(path);
    }
  }

  /**
   * The file at {@code from} was renamed to {@code path}, holding {@code blob}: its document moves
   * along, and is made again only if the content changed.
   */
  record Move(RepoPath from, RepoPath path, String blob) implements PathChange {
    public Move {
      PathRules.checkPath(from);
      new JobFile(path, blob);
    }
  }
}
