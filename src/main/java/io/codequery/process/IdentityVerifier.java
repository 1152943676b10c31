package io.codequery.process;

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
 * <p>A live process is this project's worker when the identity record beside the PID file ({@code
 * worker.identity}, written by the worker about itself) names it: the same PID, the same boot, the
 * same start time and this project's root. PID, boot and start time pin one process for good: a
 * recycled PID starts later, and a PID file from before a reboot names another boot. Only someone
 * who can write {@code .code-query/} can forge a record, and whoever can do that can equally start
 * a process of their own that carries the worker marker; so the marker adds nothing to this answer,
 * and it is not read on this path (which lets the shell detector give the same answer without a
 * process of its own). The marker is still checked before a signal is sent ({@link
 * #signalRefusal}): a forged record must not make {@code stop} signal a process that is not a
 * worker.
 *
 * <p>Where no record describes a live process, its command line decides between "another process"
 * (no worker marker for this root: stale) and "cannot tell" (the marker names this root: unknown).
 */
public final class IdentityVerifier {
  /**
   * Tolerance for comparing start times from ProcessHandle, used only where the exact clock-tick
   * start time is unavailable. The JDK derives it from boot time, which can drift by a second.
   */
  static final Duration MILLIS_TOLERANCE = Duration.ofMillis(1500);

  private IdentityVerifier() {}

  /**
   * The verdict on the PID a PID file names.
   *
   * @param pid the PID the PID file names
   * @param record the identity record beside the PID file, if one could be read and parsed
   * @param root this project's root
   */
  public static Verdict verify(int pid, Optional<WorkerIdentity> record, ProjectRoot root) {
    ProcessFacts facts = ProcessFacts.of(pid);
    Optional<Verdict> absent = absence(facts);
    if (absent.isPresent()) {
      return absent.get();
    }
    Optional<WorkerIdentity> own = record.filter(r -> r.pid() == pid);
    if (own.isEmpty()) {
      return byMarker(facts, root, Optional.empty());
    }
    Optional<String> mismatch = mismatch(own.get(), facts);
    if (mismatch.isPresent()) {
      return new Verdict.NotOurs(mismatch.get());
    }
    if (!startComparable(own.get(), facts)) {
      return new Verdict.Undetermined(
          "the start time of PID " + pid + " cannot be compared with its identity record");
    }
    if (!root.matches(own.get().root())) {
      return byMarker(facts, root, own);
    }
    return new Verdict.Ours("PID " + pid + " is this project's worker");
  }

  /**
   * The verdict on a process that holds this project's {@code worker.lock}: a live holder is never
   * {@link Verdict.NotOurs} (whatever it is, the lock says it may be the worker), only {@link
   * Verdict.Ours}, {@link Verdict.Undetermined}, or {@link Verdict.Gone} where it exited since.
   */
  public static Verdict verifyLockHolder(
      int holder, Optional<WorkerIdentity> record, ProjectRoot root) {
    ProcessFacts facts = ProcessFacts.of(holder);
    Optional<Verdict> absent = absence(facts);
    if (absent.isPresent()) {
      return absent.get();
    }
    Optional<WorkerIdentity> own = record.filter(r -> r.pid() == holder);
    if (own.isEmpty()) {
      return new Verdict.Undetermined(
          "the identity record is missing or names another PID (a starting worker writes it right"
              + " after taking the lock)");
    }
    Optional<String> mismatch = mismatch(own.get(), facts);
    if (mismatch.isPresent()) {
      return new Verdict.Undetermined(
          "its identity record does not describe it: " + mismatch.get());
    }
    if (!startComparable(own.get(), facts)) {
      return new Verdict.Undetermined("its start time cannot be compared with its identity record");
    }
    if (!root.matches(own.get().root())) {
      return new Verdict.Undetermined(
          "its identity record names " + own.get().root() + " (the project was moved?)");
    }
    return new Verdict.Ours("PID " + holder + " is this project's worker");
  }

  /**
   * Why a signal must not be sent to {@code pid}, which detection verified: its command line does
   * not carry the worker marker for this root (a record naming it was forged), or cannot be read.
   * Empty where it may be signalled.
   */
  public static Optional<String> signalRefusal(int pid, ProjectRoot root) {
    ProcessFacts facts = ProcessFacts.of(pid);
    Optional<List<String>> args = facts.args();
    if (args.isEmpty()) {
      return Optional.of("cannot read the command line of PID " + pid + " to confirm it");
    }
    Optional<String> marked = WorkerMarker.rootIn(args.get());
    if (marked.isEmpty() || !root.matches(marked.get())) {
      return Optional.of(
          "PID "
              + pid
              + " does not carry this project's worker marker ("
              + describe(facts)
              + "), though worker.identity names it: was the record forged?");
    }
    return Optional.empty();
  }

  private static Optional<Verdict> absence(ProcessFacts facts) {
    int pid = facts.pid();
    switch (facts.presence()) {
      case HIDDEN:
        // The specification removes the PID file when a process is not accessible, orphaning a
        // live worker. Under hidepid another user's live worker looks exactly like a gone one.
        return Optional.of(
            new Verdict.Undetermined(
                "PID "
                    + pid
                    + " is not visible: /proc hides other users' processes (hidepid),"
                    + " so it may still run"));
      case GONE:
        return Optional.of(new Verdict.Gone("process gone"));
      case EXITED:
        return Optional.of(new Verdict.Gone("process exited (zombie, not yet reaped)"));
      default:
        return Optional.empty();
    }
  }

  /**
   * Where no record describes the live process (or it names another root), its command line tells
   * another process (stale) from what may be this project's worker (cannot tell).
   */
  private static Verdict byMarker(
      ProcessFacts facts, ProjectRoot root, Optional<WorkerIdentity> pinnedElsewhere) {
    int pid = facts.pid();
    Optional<List<String>> args = facts.args();
    if (args.isEmpty()) {
      // There is a race: the process may have exited since its status was read.
      if (!ProcessTable.system().status(pid).isAlive()) {
        return new Verdict.Gone("process exited during the check");
      }
      return new Verdict.Undetermined(
          "cannot read the command line of PID " + pid + " (permission denied or hidden)");
    }
    Optional<String> marked = WorkerMarker.rootIn(args.get());
    if (marked.isEmpty()) {
      // An exiting process and a kernel thread show no command line: no marker either.
      return new Verdict.NotOurs(
          "PID " + pid + " belongs to another process (" + describe(facts) + ")");
    }
    if (!root.matches(marked.get())) {
      return new Verdict.NotOurs(
          "PID " + pid + " is the worker of another project (" + marked.get() + ")");
    }
    if (pinnedElsewhere.isPresent()) {
      // Same PID, boot and start time, and our marker: this is the process that should have written
      // the record, so the record itself is damaged. Removing the PID file could orphan a live
      // worker; the worker's self-check rewrites the record within a heartbeat.
      return new Verdict.Undetermined(
          "PID "
              + pid
              + " carries this project's marker, but its identity record names "
              + pinnedElsewhere.get().root()
              + " (damaged record?)");
    }
    return new Verdict.Undetermined(
        "PID "
            + pid
            + " looks like this project's worker, but its identity record is missing or does not"
            + " name it");
  }

  /** What tells the process from the one the record describes: another boot or start; or empty. */
  private static Optional<String> mismatch(WorkerIdentity rec, ProcessFacts facts) {
    int pid = facts.pid();
    if (!rec.bootId().equals(ProcessTable.system().bootId())) {
      return Optional.of(
          "PID file was written before the last reboot; PID " + pid + " is now another process");
    }
    return startMismatch(rec, facts)
        .map(
            why ->
                "PID " + pid + " was reused by another process (" + describe(facts) + "): " + why);
  }

  /**
   * Where the OS keeps start ticks ({@code /proc}), they alone are compared: exact, and what the
   * shell detector compares too. Elsewhere the start instant, within {@link #MILLIS_TOLERANCE}.
   */
  private static boolean startComparable(WorkerIdentity rec, ProcessFacts facts) {
    if (facts.stat().isPresent()) {
      return rec.startTicks() >= 0;
    }
    return rec.startMillis() >= 0 && facts.startInstant().isPresent();
  }

  /** Empty when the start times agree or cannot be compared; else what differs. */
  private static Optional<String> startMismatch(WorkerIdentity rec, ProcessFacts facts) {
    if (facts.stat().isPresent()) {
      long actual = facts.stat().get().startTicks();
      return rec.startTicks() < 0 || actual == rec.startTicks()
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
