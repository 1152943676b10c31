package io.codequery.pidfile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Whether {@code stop} may signal on the word of the files that verified the worker ({@code
 * .code-query/}, {@code worker.pid}, {@code worker.identity}). Identity verification already
 * guarantees the process is this project's worker; these files must in addition be writable by
 * nobody but root, the caller and the verified process's owner. As {@code start-stop-daemon}
 * refuses a PID file others can write: whoever can rewrite them could point a signal elsewhere
 * between the verification and the signal.
 *
 * <p>Files owned by someone else are accepted where the caller trusts the project explicitly
 * ({@code code-query trust}: it already lets that owner choose the command the caller's worker
 * runs); files that group or others can write are never accepted (a root-owned sticky directory, as
 * {@code /tmp}, excepted: others cannot replace the entries in it).
 */
public final class PidFileTrust {
  private PidFileTrust() {}

  /** The effective uid of this process, or -1 where unknown. See {@link Ownership}. */
  public static int effectiveUid() {
    return Ownership.effectiveUid();
  }

  /**
   * Why a signal must not be sent on the word of {@code files}; empty if it may.
   *
   * @param files the directory and files the verification read (a missing one is skipped: the
   *     verification that needs it fails on its own)
   * @param processOwner the uid of the verified process, or -1 where unknown
   * @param caller the effective uid of the caller
   * @param projectTrusted whether the caller trusts this project root explicitly (asked only where
   *     a file has another owner)
   */
  public static Optional<String> problemForSignal(
      List<Path> files, int processOwner, int caller, BooleanSupplier projectTrusted) {
    for (Path p : files) {
      Optional<Ownership> o;
      try {
        o = Ownership.of(p);
      } catch (IOException e) {
        return Optional.of("cannot check the owner and mode of " + p + ": " + e.getMessage());
      }
      if (o.isEmpty()) {
        continue;
      }
      Ownership own = o.get();
      if (own.attributes().isSymbolicLink()) {
        return Optional.of(
            p + " is a symbolic link; stop does not signal on the word of a link. Remove it.");
      }
      if (own.writableByGroupOrOthers()) {
        return Optional.of(
            p
                + " is writable by other users (mode "
                + own.octalMode()
                + "); stop does not signal on its word, as whoever can write it could point"
                + " the signal at another process. Fix it: chmod go-w "
                + StrictFiles.quote(p));
      }
      int uid = own.uid();
      if (uid != 0 && uid != caller && uid != processOwner && !projectTrusted.getAsBoolean()) {
        return Optional.of(
            p
                + " is owned by "
                + own.owner()
                + ", who could point it at another process; stop does not signal on its word."
                + " If you trust "
                + own.ownerName()
                + " with this project, run `code-query trust` in it; otherwise run stop as "
                + own.ownerName()
                + " or chown "
                + StrictFiles.quote(p));
      }
    }
    return Optional.empty();
  }
}
