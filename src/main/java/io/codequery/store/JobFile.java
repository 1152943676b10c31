package io.codequery.store;

import io.codequery.CodeQueryException;
import io.codequery.project.RepoPath;

/**
 * One file of a commit to queue: its path (git's bytes) and the blob id of its content at that
 * commit, or null when only the name is known.
 */
public record JobFile(RepoPath path, String blob) {
  public JobFile {
    PathRules.checkPath(path);
    if (blob != null && !PathRules.isObjectId(blob)) {
      throw new CodeQueryException(
          "blob id of " + path.display() + " must be 40 or 64 lower-case hex digits: " + blob);
    }
  }

  /** A file known by its UTF-8 name alone. */
  public static JobFile named(String path) {
    return new JobFile(RepoPath.of(path == null ? "" : path), null);
  }
}
