package io.codequery.process;

import io.codequery.os.ProcessStatus;
import io.codequery.os.ProcessTable;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Decides whether a PID is this project's worker. No shortcut for any PID: 1, the caller's own and
 * its parent's are verified like every other (a container may run the worker as PID 1, and a
 * leftover PID file may name the caller itself).
 *
 * <p>A live process is ours only if (a) its command line carries the worker marker for this root,
 * and (b) it is the process that recorded {@code worker.identity}: same PID, same boot, same root,
 * same start time. (a) alone would accept a process that forges its argv; (b) alone would trust a
 * record copied from elsewhere.
 */
public final class IdentityVerifier {
  /**
   * Tolerance for comparing start times from ProcessHandle, used only where the exact clock-tick
   * start time is unavailable. The JDK derives it from boot time, which can drift by a second.
   */
  static final Duration MILLIS_TOLERANCE = Duration.ofMillis(1500);

  private IdentityVerifier() {}

  /**
   * @param pid the PID the PID file names
   * @param record the identity record beside the PID file, if one could be read and parsed
   * @param root this project's root, real path
   */
  public static Verdict verify(int pid, Optional<WorkerIdentity> record, String root) {
    ProcessFacts facts = ProcessFacts.of(pid);
    if (facts.presence() == ProcessStatus.Presence.HIDDEN) {
      // The specification removes the PID file when a process is not accessible, orphaning a live
      // worker. Under hidepid another user's live worker looks exactly like a gone one.
      return new Verdict.Undetermined(
          "PID "
              + pid
              + " is not visible: /proc hides other users' processes (hidepid),"
              + " so it may still run");
    }
    if (!facts.alive()) {
      return new Verdict.Gone(
          facts.exited() ? "process exited (zombie, not yet reaped)" : "process gone");
    }
    Optional<WorkerIdentity> own = record.filter(r -> r.pid() == pid);
    if (own.isPresent() && !own.get().bootId().equals(ProcessTable.system().bootId())) {
      return new Verdict.NotOurs(
          "PID file was written before the last reboot; PID " + pid + " is now another process");
    }
    if (own.isPresent()) {
      Optional<String> mismatch = startMismatch(own.get(), facts);
      if (mismatch.isPresent()) {
        return new Verdict.NotOurs(
            "PID "
                + pid
                + " was reused by another process ("
                + describe(facts)
                + "): "
                + mismatch.get());
      }
    }
    if (facts.args().isEmpty()) {
      // There is a race: the process may have exited since its status was read.
      if (!ProcessTable.system().status(pid).isAlive()) {
        return new Verdict.Gone("process exited during the check");
      }
      return new Verdict.Undetermined(
          "cannot read the command line of PID " + pid + " (permission denied or hidden)");
    }
    Optional<String> markedRoot = WorkerMarker.rootIn(facts.args().get());
    if (markedRoot.isEmpty()) {
      return new Verdict.NotOurs(
          "PID " + pid + " belongs to another process (" + describe(facts) + ")");
    }
    if (!markedRoot.get().equals(root)) {
      return new Verdict.NotOurs(
          "PID " + pid + " is the worker of another project (" + markedRoot.get() + ")");
    }
    if (own.isEmpty()) {
      return new Verdict.Undetermined(
          "PID "
              + pid
              + " looks like this project's worker, but its identity record is missing or does not"
              + " name it");
    }
    if (!own.get().root().equals(root)) {
      // Same PID, boot and start time, and our marker: this is the process that should have written
      // the record, so the record itself is damaged. Removing the PID file could orphan a live
      // worker; the worker's self-check rewrites the record within a heartbeat.
      return new Verdict.Undetermined(
          "PID "
              + pid
              + " carries this project's marker, but its identity record names "
              + own.get().root()
              + " (damaged record?)");
    }
    if (!startComparable(own.get(), facts)) {
      return new Verdict.Undetermined(
          "the start time of PID " + pid + " cannot be compared with its identity record");
    }
    return new Verdict.Ours("PID " + pid + " is this project's worker");
  }

  private static boolean startComparable(WorkerIdentity rec, ProcessFacts facts) {
    return (rec.startTicks() >= 0 && facts.stat().isPresent())
        || (rec.startMillis() >= 0 && facts.startInstant().isPresent());
  }

  /** Empty when the start times agree or cannot be compared; else what differs. */
  private static Optional<String> startMismatch(WorkerIdentity rec, ProcessFacts facts) {
    if (rec.startTicks() >= 0 && facts.stat().isPresent()) {
      long actual = facts.stat().get().startTicks();
      return actual == rec.startTicks()
          ? Optional.empty()
          : Optional.of(
              "it started at tick " + actual + ", the worker at tick " + rec.startTicks());
    }
    if (rec.startMillis() >= 0 && facts.startInstant().isPresent()) {
      Instant actual = facts.startInstant().get();
      long diff = Math.abs(actual.toEpochMilli() - rec.startMillis());
      return diff <= MILLIS_TOLERANCE.toMillis()
          ? Optional.empty()
          : Optional.of(
              "it started at "
                  + actual
                  + ", the worker at "
                  + Instant.ofEpochMilli(rec.startMillis()));
    }
    return Optional.empty();
  }

  private static String describe(ProcessFacts facts) {
    List<String> args = facts.args().orElse(List.of());
    StringBuilder s = new StringBuilder(facts.command());
    for (int i = 0; i < args.size() && s.length() < 80; i++) {
      s.append(' ').append(args.get(i));
    }
    String shown = s.length() > 80 ? s.substring(0, 77) + "..." : s.toString();
    // A hostile process picks its own argv: keep terminal escapes and newlines out of our messages.
    return shown
        .codePoints()
        .map(c -> Character.isISOControl(c) ? '?' : c)
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
        .toString();
  }
}
