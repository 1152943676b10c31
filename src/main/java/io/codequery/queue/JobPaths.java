package io.codequery.queue;

import io.codequery.CodeQueryException;
import io.codequery.log.WorkerLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The rules for what a job may name. A job's file is a project-relative, '/'-separated path that
 * cannot leave the project: not absolute, no {@code ..} segment, no NUL (other control characters,
 * newlines included, are legal file-name bytes and kept). At run time the file is also resolved
 * through symbolic links and refused if it lands outside the project root.
 */
public final class JobPaths {
  private static final int MAX_PATH_CHARS = 4096;
  private static final int MAX_COMMIT_CHARS = 256;

  private JobPaths() {}

  /**
   * Returns {@code file} if it is a safe project-relative path; throws a clear exception if not.
   */
  public static String checkFile(String file) {
    if (file == null || file.isEmpty()) {
      throw new CodeQueryException("a job's file must be a non-empty project-relative path");
    }
    String shown = WorkerLog.escape(file);
    if (file.length() > MAX_PATH_CHARS) {
      throw new CodeQueryException(
          "file path longer than "
              + MAX_PATH_CHARS
              + " characters refused: "
              + shown.substring(0, 80)
              + "…");
    }
    if (file.indexOf('\0') >= 0) {
      throw new CodeQueryException("file path contains a NUL character, refused: " + shown);
    }
    if (file.startsWith("/")) {
      throw new CodeQueryException(
          "file path is absolute, refused (jobs name files relative to the project root): "
              + shown);
    }
    for (String segment : file.split("/", -1)) {
      if (segment.equals("..")) {
        throw new CodeQueryException(
            "file path has a \"..\" segment, refused (it could leave the project): " + shown);
      }
    }
    // Newlines and other control characters are legal in POSIX names and are kept: every log line,
    // heartbeat and message escapes them (WorkerLog.escape), so they cannot forge a line.
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

  /** Where a project file is on disk, checked. */
  public sealed interface Resolved {
    /** The file exists, is a regular file, and its real path lies inside the root. */
    record Inside(Path realPath) implements Resolved {}

    /** The file is not there (deleted since the commit, or never a file). */
    record Missing(String reason) implements Resolved {}

    /** The file leads out of the project (a symbolic link pointing elsewhere), or is not a file. */
    record Refused(String reason) implements Resolved {}
  }

  /**
   * Resolves {@code file} against {@code realRoot} (the project root in its real form), following
   * symbolic links, and checks the result stays inside the root and is a regular file.
   */
  public static Resolved resolve(Path realRoot, String file) {
    checkFile(file);
    Path candidate = realRoot.resolve(file);
    if (!Files.exists(candidate, LinkOption.NOFOLLOW_LINKS)) {
      return new Resolved.Missing("file " + file + " does not exist (deleted since the commit?)");
    }
    Path real;
    try {
      real = candidate.toRealPath();
    } catch (NoSuchFileException e) {
      return new Resolved.Missing(
          "file " + file + " is a symbolic link to nothing (" + e.getFile() + " does not exist)");
    } catch (IOException e) {
      return new Resolved.Refused("file " + file + " cannot be resolved: " + e);
    }
    if (!real.startsWith(realRoot)) {
      return new Resolved.Refused(
          "file " + file + " leads out of the project root (to " + real + "), refused");
    }
    if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
      return new Resolved.Refused("file " + file + " is not a regular file");
    }
    return new Resolved.Inside(real);
  }
}
