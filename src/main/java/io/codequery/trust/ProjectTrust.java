package io.codequery.trust;

import io.codequery.CodeQueryException;
import io.codequery.pidfile.Ownership;
import io.codequery.pidfile.StrictFiles;
import io.codequery.project.ProjectLayout;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Whose command would run. A project's {@code .code-query/config.json} chooses {@code
 * processing.command}, which the worker and {@code queue process} run as the user who started them;
 * so, as git refuses a repository another user owns, code-query runs it only where {@code
 * .code-query/} and {@code config.json} belong to that user (or to root) and nobody else may write
 * them, or where the user has trusted the project root explicitly ({@link TrustedRoots}, {@code
 * code-query trust}). Trust covers both another owner and files that group or others may write (a
 * shared checkout); the refusal for a writable file offers {@code chmod go-w} first.
 *
 * <p>Commands that only read (status, health, queue status and list) need no trust.
 */
public final class ProjectTrust {
  private ProjectTrust() {}

  /** What the check found. */
  public sealed interface Verdict permits Trusted, Untrusted {}

  /**
   * The command may run.
   *
   * @param explicitly true where it is only because the root is on the user's trusted list
   */
  public record Trusted(boolean explicitly) implements Verdict {}

  /**
   * The command must not run.
   *
   * @param root the project root
   * @param problems one line per file at fault: owner, mode, and what to do
   * @param listIgnored why the user's trusted list was not believed, if it was not
   */
  public record Untrusted(Path root, List<String> problems, Optional<String> listIgnored)
      implements Verdict {
    /** One message: the files at fault, then how to trust the project explicitly. */
    public String message() {
      StringBuilder m =
          new StringBuilder("not running the documentation command of ")
              .append(root)
              .append(": someone else could choose it.");
      problems.forEach(p -> m.append("\n  ").append(p));
      listIgnored.ifPresent(
          why -> m.append("\n  (your list of trusted roots: ").append(why).append(')'));
      m.append("\n  If you trust whoever can write them with this project, run: code-query trust")
          .append(" --project-root ")
          .append(StrictFiles.quote(root));
      return m.toString();
    }
  }

  /**
   * Refuses (throws) unless the command of {@code layout}'s project may run for this process's
   * user.
   *
   * @throws UntrustedProjectException naming the files at fault and how to trust the project
   * @throws CodeQueryException where {@code .code-query} or {@code config.json} is a link or not
   *     what it must be
   */
  public static void require(ProjectLayout layout) {
    if (check(layout, Ownership.effectiveUid(), TrustedRoots.ofCurrentUser())
        instanceof Untrusted u) {
      throw new UntrustedProjectException(u);
    }
  }

  /**
   * Judges {@code .code-query/} and {@code config.json} for the user {@code uid}; {@code trusted}
   * is that user's list (read only where a file is at fault).
   */
  public static Verdict check(ProjectLayout layout, int uid, Optional<TrustedRoots> trusted) {
    List<String> problems = new ArrayList<>();
    judge(layout.dir(), true, uid, problems);
    judge(layout.configFile(), false, uid, problems);
    if (problems.isEmpty()) {
      return new Trusted(false);
    }
    Optional<String> ignored = Optional.empty();
    if (trusted.isPresent()) {
      TrustedRoots.Listing listing = trusted.get().read();
      if (listing.contains(layout.root())) {
        return new Trusted(true);
      }
      ignored = listing.ignored();
    }
    return new Untrusted(layout.root(), List.copyOf(problems), ignored);
  }

  private static void judge(Path p, boolean directory, int uid, List<String> problems) {
    Optional<Ownership> found;
    try {
      found = Ownership.of(p);
    } catch (IOException e) {
      throw new CodeQueryException("cannot check who owns " + p + ": " + e.getMessage(), e);
    }
    if (found.isEmpty()) {
      return; // nothing there yet: what this user creates is theirs
    }
    Ownership o = found.get();
    boolean right = directory ? o.attributes().isDirectory() : o.attributes().isRegularFile();
    if (!right || o.attributes().isSymbolicLink()) {
      // Never judged by the link's own owner and mode: refused as every strict open refuses it.
      throw new CodeQueryException(
          (directory
                  ? StrictFiles.notDirectory(p, o.attributes())
                  : StrictFiles.notRegular(p, o.attributes()))
              .getMessage());
    }
    boolean foreign = o.uid() != uid && o.uid() != 0;
    if (foreign) {
      problems.add(
          p
              + " is owned by "
              + o.owner()
              + ", mode "
              + o.octalMode()
              + ", not by you ("
              + Ownership.effectiveUserName()
              + ", uid "
              + uid
              + "): its owner chooses the command that would run as you.");
    }
    if (o.writableByGroupOrOthers()) {
      boolean canFix = o.uid() == uid || uid == 0;
      problems.add(
          p
              + " is writable by group or others (mode "
              + o.octalMode()
              + ", owner "
              + o.owner()
              + "): anyone who may write it chooses the command that would run as you."
              + (canFix ? " Fix it: " : " Ask " + o.ownerName() + " to run: ")
              + "chmod go-w "
              + StrictFiles.quote(p));
    }
  }
}
