package io.codequery.queue;

import io.codequery.child.EndProcesses;
import io.codequery.os.ProcessStatus;
import io.codequery.os.ProcessTable;
import io.codequery.process.HostId;
import io.codequery.store.Job;
import io.codequery.store.RecordedRun;
import java.time.Duration;
import java.util.Optional;

/**
 * Ends what a dead worker's job left running, before that job runs again, so that a job never runs
 * twice at once. A process is ended only if its identity verifies as that very run (see {@link
 * ProcessTable#sessionMembers}): the recorded session, started no earlier than the recorded leader,
 * this host ({@link #ranOnThisHost}), and {@value JobRunner#JOB_MARKER}{@code
 * =<id>:<version>:<owner>} in its environment. An unrelated process — in another session, or a
 * recycled PID — is never signalled.
 */
public final class EndOrphanedRuns {
  /** Between SIGTERM and SIGKILL for a survivor. */
  static final Duration GRACE = Duration.ofSeconds(2);

  private EndOrphanedRuns() {}

  /**
   * Ends the survivors of {@code run}, the run of {@code job} as claimed (its version and lease
   * owner); true when none is left (or none can be: the run was before this boot).
   */
  public static boolean end(Job job, RecordedRun run) {
    if (!ranOnThisHost(run) || run.pid() <= 0 || run.pid() > Integer.MAX_VALUE) {
      return true; // a reboot ended it (or there is nothing that could be verified)
    }
    String marker = JobRunner.JOB_MARKER + "=" + JobRunner.markerValue(job);
    int session = (int) run.pid();
    EndProcesses.endSession(session, run.startTicks(), marker, GRACE);
    return !EndProcesses.sessionAlive(session, run.startTicks(), marker);
  }

  /**
   * True where {@code run}'s PID names a process of this host: it was recorded under this host's id
   * (machine, boot and PID namespace), or — recorded before host ids — under this boot. A run of
   * another container or namespaced host on the same machine (same boot, other PIDs) is not this
   * host's: it is never looked at, let alone signalled, and its job is left to its lease.
   */
  public static boolean ranOnThisHost(RecordedRun run) {
    String where = run.bootId();
    if (where.indexOf('/') >= 0) {
      return HostId.parse(where).map(HostId.thisHost()::equals).orElse(false);
    }
    return where.equals(ProcessTable.system().bootId());
  }

  /**
   * True where the worker named by lease owner {@code owner} ({@code pid-<pid>-<random>…}, see
   * {@link QueueTask#newOwner()}) is certainly gone: its PID names no live process, or names this
   * very process under another owner (a recycled PID). False where it may live, or the owner is not
   * of that form.
   */
  public static boolean ownerGone(String owner, String ownOwnerPrefix) {
    Optional<Long> pid = pidOf(owner);
    if (pid.isEmpty()) {
      return false;
    }
    if (pid.get() == ProcessHandle.current().pid()) {
      return !owner.startsWith(ownOwnerPrefix);
    }
    // A PID hidden from us (hidepid) may still run: only gone or exited counts as gone.
    ProcessStatus.Presence p = ProcessTable.system().status((int) (long) pid.get()).presence();
    return p == ProcessStatus.Presence.GONE || p == ProcessStatus.Presence.EXITED;
  }

  static Optional<Long> pidOf(String owner) {
    if (owner == null || !owner.startsWith("pid-")) {
      return Optional.empty();
    }
    int end = owner.indexOf('-', 4);
    try {
      return Optional.of(Long.parseLong(end < 0 ? owner.substring(4) : owner.substring(4, end)));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
