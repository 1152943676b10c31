package io.codequery.queue;

import io.codequery.CodeQueryException;
import io.codequery.hooks.GitObjects;
import io.codequery.project.RepoPath;

/**
 * One file of a commit to queue: its path (git's bytes) and the blob id of its content at that
 * commit, or null when only the name is known.
 */
public record JobFile(RepoPath path, String blob) {
  public JobFile {
    JobPaths.checkFile(path);
    if (blob != null && !GitObjects.isObjectId(blob)) {
      throw new CodeQueryException(
          "blob id of " + path.display() + " must be 40 or 64 lower-case hex digits: " + blob);
    }
  }

  /** A file known by its UTF-8 name alone. */
  public static JobFile named(String path) {
    return new JobFile(RepoPath.of(JobPaths.checkFile(path)), null);
  }
}
