package io.codequery.store;

import io.codequery.CodeQueryException;
import io.codequery.log.WorkerLog;
import io.codequery.project.RepoPath;
import java.util.regex.Pattern;

/**
 * What the store accepts as a file's path, a commit and an object id. A path is project-relative,
 * '/'-separated, and cannot leave the project: not absolute, no {@code ..} segment, no NUL (other
 * control characters, newlines included, are legal file-name bytes and kept). The rules are on
 * bytes: a name need not be UTF-8 (git's names are bytes).
 */
public final class PathRules {
  private static final int MAX_PATH_BYTES = 4096;
  private static final int MAX_COMMIT_CHARS = 256;
  private static final Pattern OBJECT_ID = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");

  private PathRules() {}

  /** True for a full object id: 40 hex digits (SHA-1) or 64 (SHA-256), lower case. */
  public static boolean isObjectId(String id) {
    return id != null && OBJECT_ID.matcher(id).matches();
  }

  /**
   * Returns {@code file} if it is a safe project-relative path; throws a clear exception if not.
   */
  public static RepoPath checkPath(RepoPath file) {
    if (file == null || file.length() == 0) {
      throw new CodeQueryException("a job's file must be a non-empty project-relative path");
    }
    byte[] b = file.bytes();
    if (b.length > MAX_PATH_BYTES) {
      String shown = file.display();
      throw new CodeQueryException(
          "file path longer than "
              + MAX_PATH_BYTES
              + " bytes refused: "
              + shown.substring(0, Math.min(80, shown.length()))
              + "…");
    }
    int segmentStart = 0;
    for (int i = 0; i <= b.length; i++) {
      if (i < b.length && b[i] == 0) {
        throw new CodeQueryException(
            "file path contains a NUL character, refused: " + file.display());
      }
      if (i == b.length || b[i] == '/') {
        if (i - segmentStart == 2 && b[segmentStart] == '.' && b[segmentStart + 1] == '.') {
          throw new CodeQueryException(
              "file path has a \"..\" segment, refused (it could leave the project): "
                  + file.display());
        }
        segmentStart = i + 1;
      }
    }
    if (b[0] == '/') {
      throw new CodeQueryException(
          "file path is absolute, refused (jobs name files relative to the project root): "
              + file.display());
    }
    // Newlines and other control characters are legal in POSIX names and are kept: every log line,
    // heartbeat and message shows the display form, which escapes them.
    return file;
  }

  /**
   * Returns {@code commit} if it can be handed to a command as one argument: non-blank, no control
   * characters, and not starting with '-' (it must never read as an option).
   */
  public static String checkCommit(String commit) {
    if (commit == null || commit.isBlank()) {
      throw new CodeQueryException(
          "a job's commit must be a non-empty revision (e.g. a commit SHA)");
    }
    String shown = WorkerLog.escape(commit);
    if (commit.length() > MAX_COMMIT_CHARS) {
      throw new CodeQueryException(
          "commit longer than " + MAX_COMMIT_CHARS + " characters refused");
    }
    for (int i = 0; i < commit.length(); i++) {
      char c = commit.charAt(i);
      if (Character.isISOControl(c) || Character.isWhitespace(c)) {
        throw new CodeQueryException(
            "commit contains whitespace or a control character, refused: " + shown);
      }
    }
    if (commit.startsWith("-")) {
      throw new CodeQueryException(
          "commit starts with '-', refused (it would read as an option): " + shown);
    }
    return commit;
  }
}
