package io.codequery;

import io.codequery.os.LockHolders;
import io.codequery.os.ProcessTable;
import io.codequery.pidfile.CachedRead;
import io.codequery.pidfile.PidFileRead;
import io.codequery.pidfile.PidFileReader;
import io.codequery.pidfile.PidParse;
import io.codequery.pidfile.PidParser;
import io.codequery.process.IdentityVerifier;
import io.codequery.process.ProjectRoot;
import io.codequery.process.Verdict;
import io.codequery.process.WorkerIdentity;
import io.codequery.project.ProjectLayout;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Supplier;

/**
 * The decision procedure both Java detectors share (and the shell detector mirrors): from the PID
 * file, the identity record and the holder of {@code worker.lock}, the outcome. It reads, never
 * writes. {@code java.base} only, so that {@link MinimalWorkerDetector} stays free of every
 * library.
 *
 * <p>The lock is the proof of life: the worker takes {@code worker.lock} (an {@code fcntl} lock)
 * before it writes its PID file and keeps it until it has removed it, and the kernel releases it
 * when the worker dies however it dies. So an outcome that says no worker runs ({@code
 * not_running}, {@code invalid}, {@code stale}) is checked against the lock's holders: a holder
 * that its identity record verifies is {@code running} (the PID file is missing or wrong, and the
 * worker rewrites it within a heartbeat); any other live holder makes the answer {@code unknown}
 * and nothing is removed. A running worker's PID file is judged without reading the lock at all.
 */
final class DecideOutcome {
  private DecideOutcome() {}

  /** One detection, plus the file identity of the PID file it judged (for safe cleanup). */
  record Result(Detection detection, Object fileKey) {}

  /**
   * How a detection reads the PID file and the identity record: afresh, or through a {@link
   * CachedRead} each that a detector keeps for its project.
   */
  record Reads(Supplier<PidFileRead> pidFile, Supplier<Optional<WorkerIdentity>> identity) {
    /** Both read afresh, as anything that removes or signals must decide. */
    static Reads fresh(ProjectLayout layout) {
      return new Reads(
          () -> PidFileReader.read(layout.pidFile()),
          () -> WorkerIdentity.read(layout.identityFile()));
    }

    /** Both through caches kept by the caller, for a detector that asks again and again. */
    static Reads cached(ProjectLayout layout) {
      CachedRead<PidFileRead> pid = new CachedRead<>(layout.pidFile(), PidFileReader::read);
      CachedRead<Optional<WorkerIdentity>> identity =
          new CachedRead<>(layout.identityFile(), WorkerIdentity::read);
      return new Reads(pid::get, identity::get);
    }
  }

  static Result decide(ProjectLayout layout) {
    return decide(layout, Reads.fresh(layout));
  }

  static Result decide(ProjectLayout layout, Reads reads) {
    ProcessTable os = ProcessTable.system();
    ProjectRoot root = ProjectRoot.of(layout.root());
    PidFileRead read = reads.pidFile().get();
    if (read instanceof PidFileRead.Absent) {
      return byLock(
          layout,
          reads,
          root,
          new Detection.NotRunning("no PID file at " + layout.pidFile()),
          "there is no PID file",
          null);
    }
    if (read instanceof PidFileRead.NotRegular n) {
      return new Result(
          new Detection.Unknown(
              OptionalInt.empty(),
              "PID file "
                  + layout.pidFile()
                  + " is "
                  + n.what()
                  + "; it was not read or removed. Remove it by hand if no worker runs"),
          null);
    }
    if (read instanceof PidFileRead.Unreadable u) {
      return new Result(
          new Detection.Unknown(
              OptionalInt.empty(), "cannot read PID file " + layout.pidFile() + ": " + u.reason()),
          null);
    }
    if (read instanceof PidFileRead.TooLarge t) {
      Detection invalid =
          new Detection.Invalid(
              "PID file is " + t.size() + " bytes, larger than any PID file a worker writes",
              false);
      return byLock(layout, reads, root, invalid, "the PID file is invalid", t.fileKey());
    }
    PidFileRead.Content content = (PidFileRead.Content) read;
    PidParse parse = PidParser.parse(content.bytes(), os.pidLimit());
    if (parse instanceof PidParse.Rejected r) {
      return byLock(
          layout,
          reads,
          root,
          new Detection.Invalid(r.reason(), false),
          "the PID file is invalid (" + r.reason() + ")",
          content.fileKey());
    }
    int pid = ((PidParse.Valid) parse).pid();
    Optional<WorkerIdentity> record = reads.identity().get();
    Verdict verdict = IdentityVerifier.verify(pid, record, root);
    if (verdict instanceof Verdict.Ours v) {
      return new Result(new Detection.Running(pid, v.reason()), content.fileKey());
    }
    if (verdict instanceof Verdict.Undetermined v) {
      return new Result(new Detection.Unknown(OptionalInt.of(pid), v.reason()), content.fileKey());
    }
    String why =
        verdict instanceof Verdict.Gone g ? g.reason() : ((Verdict.NotOurs) verdict).reason();
    return byLock(
        layout,
        reads,
        root,
        new Detection.Stale(pid, why, false),
        "the PID file names PID " + pid + " (" + why + ")",
        content.fileKey());
  }

  /**
   * {@code first} says no worker runs: the holders of {@code worker.lock} have the last word. Where
   * the OS does not list lock holders, {@code first} stands.
   */
  private static Result byLock(
      ProjectLayout layout,
      Reads reads,
      ProjectRoot root,
      Detection first,
      String pidFileSays,
      Object key) {
    LockHolders holders = ProcessTable.system().lockHolders(layout.instanceLockFile());
    if (!(holders instanceof LockHolders.Known known) || known.pids().isEmpty()) {
      return new Result(first, key);
    }
    Optional<WorkerIdentity> record = reads.identity().get();
    Detection unknown = null;
    for (int holder : known.pids()) {
      Verdict v = IdentityVerifier.verifyLockHolder(holder, record, root);
      if (v instanceof Verdict.Ours) {
        return new Result(
            new Detection.Running(
                holder,
                pidFileSays
                    + ", but PID "
                    + holder
                    + " holds "
                    + layout.instanceLockFile()
                    + " and its identity record verifies it as this project's worker; the"
                    + " worker rewrites its PID file within one heartbeat"),
            key);
      }
      if (v instanceof Verdict.Undetermined u && unknown == null) {
        unknown =
            new Detection.Unknown(
                OptionalInt.of(holder),
                pidFileSays
                    + ", but PID "
                    + holder
                    + " holds "
                    + layout.instanceLockFile()
                    + ", so a worker may be running: "
                    + u.reason()
                    + "; nothing was removed");
      }
      // Verdict.Gone: the holder exited since the lock list was read; its lock went with it.
    }
    return new Result(unknown != null ? unknown : first, key);
  }
}
