package io.codequery.queue;

import io.codequery.CodeQueryException;
import io.codequery.hooks.GitObjects;
import io.codequery.log.WorkerLog;
import io.codequery.project.RepoPath;
import io.codequery.store.Job;
import io.codequery.store.PathRules;
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
  private JobPaths() {}

  /**
   * Returns {@code file} if it is a safe project-relative path; throws a clear exception if not.
   */
  public static String checkFile(String file) {
    if (file == null || file.isEmpty()) {
      throw new CodeQueryException("a job's file must be a non-empty project-relative path");
    }
    checkFile(RepoPath.of(file));
    return file;
  }

  /**
   * Returns {@code file} if it is a safe project-relative path; throws a clear exception if not.
   * The rules are on bytes: a name need not be UTF-8 (git's names are bytes). See {@link
   * PathRules#checkPath}.
   */
  public static RepoPath checkFile(RepoPath file) {
    return PathRules.checkPath(file);
  }

  /**
   * Returns {@code commit} if it can be handed to a command as one argument: non-blank, no control
   * characters, and not starting with '-' (it must never read as an option).
   */
  public static String checkCommit(String commit) {
    return PathRules.checkCommit(commit);
  }

  /** What a job's command is given to read, checked. */
  public sealed interface Resolved {
    /**
     * The content to document.
     *
     * @param realPath where to read it: the working-tree file (its real path, inside the root), or
     *     a read-only temporary copy of the committed content
     * @param argument what {@code {file}} becomes: the path relative to the project root (a name
     *     starting with '-' gets a leading "./")
     * @param temporaryDir the directory of a temporary copy, removed by {@link #close()}; null for
     *     the working-tree file
     */
    record Inside(Path realPath, String argument, Path temporaryDir)
        implements Resolved, AutoCloseable {
      /** Removes the temporary copy, if any. */
      @Override
      public void close() {
        if (temporaryDir != null) {
          CommittedCopy.remove(temporaryDir);
        }
      }
    }

    /** The file is not there (deleted since the commit, or never a file). */
    record Missing(String reason) implements Resolved {}

    /**
     * The job's blob is not in this clone's object store: its commit was made and queued on another
     * host (a shared store) and has not been fetched here.
     */
    record NotInClone(String objectId, String reason) implements Resolved {}

    /** The file leads out of the project (a symbolic link pointing elsewhere), or is not a file. */
    record Refused(String reason) implements Resolved {}
  }

  /**
   * What {@code job} documents. With the blob id the listing recorded: the working-tree file when
   * it holds exactly that blob (and is a regular file inside the root), else a read-only temporary
   * copy of the committed content ({@code git cat-file blob}) under a name that is the file's
   * escaped display form — so a commit made in a linked worktree, a file changed or deleted since
   * its commit, and a name that is not UTF-8 are all documented as committed, never as whatever
   * another file holds. Without a blob id (jobs queued by name alone): the working-tree file, as
   * {@link #resolve(Path, String)}.
   *
   * @param realRoot the project root in its real form (as {@link
   *     io.codequery.project.ProjectLayout#root()} holds it)
   */
  public static Resolved resolve(Path realRoot, Job job) {
    RepoPath file = checkFile(job.file());
    String blob = job.blob();
    if (blob == null) {
      return file.text()
          .map(text -> resolve(realRoot, text))
          .orElseGet(
              () ->
                  new Resolved.Refused(
                      "file name "
                          + file.display()
                          + " is not UTF-8 and its job records no blob id to read the committed"
                          + " content from (queued by an older code-query); queue the commit"
                          + " again: code-query queue add "
                          + job.commit()));
    }
    if (file.isUtf8()) {
      Resolved working = resolve(realRoot, file.text().orElseThrow());
      if (working instanceof Resolved.Inside inside && holdsBlob(inside.realPath(), blob)) {
        return inside;
      }
    }
    return CommittedCopy.create(realRoot, file, blob);
  }

  private static boolean holdsBlob(Path file, String blob) {
    try {
      return GitObjects.blobIdOf(file, blob).map(blob::equals).orElse(false);
    } catch (IOException e) {
      return false; // unreadable or swapped for a link since: the committed copy is the answer
    }
  }

  /**
   * Resolves {@code file} against {@code realRoot} (the project root in its real form), following
   * symbolic links, and checks the result stays inside the root and is a regular file.
   */
  public static Resolved resolve(Path realRoot, String file) {
    checkFile(file);
    String shown = WorkerLog.escape(file);
    Path candidate = realRoot.resolve(file);
    if (!Files.exists(candidate, LinkOption.NOFOLLOW_LINKS)) {
      return new Resolved.Missing("file " + shown + " does not exist (deleted since the commit?)");
    }
    Path real;
    try {
      real = candidate.toRealPath();
    } catch (NoSuchFileException e) {
      return new Resolved.Missing(
          "file " + shown + " is a symbolic link to nothing (" + e.getFile() + " does not exist)");
    } catch (IOException e) {
      return new Resolved.Refused("file " + shown + " cannot be resolved: " + e);
    }
    if (!real.startsWith(realRoot)) {
      return new Resolved.Refused(
          "file " + shown + " leads out of the project root (to " + real + "), refused");
    }
    if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
      return new Resolved.Refused("file " + shown + " is not a regular file");
    }
    return new Resolved.Inside(real, JobRunner.asArgument(file), null);
  }
}
