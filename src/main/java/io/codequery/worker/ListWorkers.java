package io.codequery.worker;

import io.codequery.Detection;
import io.codequery.MinimalWorkerDetector;
import io.codequery.os.ProcessStatus;
import io.codequery.os.ProcessTable;
import io.codequery.process.HostId;
import io.codequery.store.WorkerRecord;
import io.codequery.store.WorkerRegistry;
import io.codequery.store.WorkerState;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * {@code worker list}: every worker life in the registry with the state a user is shown, the
 * registry's ages joined, for workers of this host, with what the local detectors see. Reads only:
 * nothing is written, nothing is signalled.
 */
public final class ListWorkers {
  /** What this host can tell of a registered worker's process. */
  public enum LocalVerdict {
    /** The worker ran on another host (or in another PID namespace): its PID means nothing here. */
    NOT_THIS_HOST,
    /** Its process runs, verified (the PID-file detector, or its PID with its start time). */
    ALIVE,
    /** Its process is gone (or this machine rebooted since), verified. */
    GONE,
    /** This host cannot tell (a process hidden from us, an unreadable PID file). */
    UNKNOWN
  }

  private ListWorkers() {}

  /** Every worker in {@code registry}, judged; {@code projectRoot} is this project's real root. */
  public static List<ListedWorker> list(WorkerRegistry registry, Path projectRoot) {
    HostId here = HostId.ofThisHost();
    List<WorkerRecord> rows = registry.workers();
    // One detection for the whole listing, and only where a row of this project could use it.
    Detection project = null;
    for (WorkerRecord w : rows) {
      if (project == null && isThisProject(w, projectRoot) && w.state().alive()) {
        project = new MinimalWorkerDetector(projectRoot).detect();
      }
    }
    Detection detected = project;
    return rows.stream()
        .map(
            w -> {
              LocalVerdict local = localVerdict(w, here, projectRoot, detected);
              return new ListedWorker(w, classify(w, local), local != LocalVerdict.NOT_THIS_HOST);
            })
        .toList();
  }

  /**
   * The state shown for {@code w} given what this host sees of it. Pure: tested on values.
   *
   * <p>Stopped and dead as the registry holds them; dead also where this host sees its process
   * gone; otherwise by heartbeat age: live within 1.5 intervals, late within 3, dead beyond —
   * except for a verified process of this host, which exists (frozen, stuck) and is shown hung. A
   * worker that beats but holds jobs with no slot progress for longer than a job may run is hung.
   */
  public static ListedState classify(WorkerRecord w, LocalVerdict local) {
    if (w.state() == WorkerState.STOPPED) {
      return ListedState.STOPPED;
    }
    if (w.state() == WorkerState.DEAD || local == LocalVerdict.GONE) {
      return ListedState.DEAD;
    }
    Duration age = w.heartbeatAge();
    Duration interval = w.heartbeatInterval();
    if (age.compareTo(interval.multipliedBy(3)) > 0) {
      return local == LocalVerdict.ALIVE ? ListedState.HUNG : ListedState.DEAD;
    }
    if (w.jobsRunning() > 0
        && !w.jobTimeout().isZero()
        && w.progressAge().compareTo(w.jobTimeout()) > 0) {
      return ListedState.HUNG;
    }
    return age.multipliedBy(2).compareTo(interval.multipliedBy(3)) <= 0
        ? ListedState.LIVE
        : ListedState.LATE;
  }

  /**
   * What this host sees of {@code w}: nothing where it ran elsewhere; for this project's worker,
   * the PID-file detector's verdict on that very PID; for another project's, its PID with its start
   * time.
   */
  static LocalVerdict localVerdict(
      WorkerRecord w, HostId here, Path projectRoot, Detection projectDetection) {
    Optional<HostId> theirs = HostId.parse(w.hostId());
    if (theirs.isEmpty()) {
      return LocalVerdict.NOT_THIS_HOST;
    }
    if (here.isEarlierBootOfThisMachine(theirs.get())) {
      return LocalVerdict.GONE;
    }
    if (!here.sharesPidsWith(theirs.get())) {
      return LocalVerdict.NOT_THIS_HOST;
    }
    if (!w.state().alive()) {
      return LocalVerdict.UNKNOWN; // ended in the registry; nothing to look at
    }
    if (projectDetection != null && isThisProject(w, projectRoot)) {
      if (projectDetection instanceof Detection.Running r) {
        return r.processId() == w.pid() ? LocalVerdict.ALIVE : LocalVerdict.GONE;
      }
      if (!(projectDetection instanceof Detection.Unknown)) {
        return LocalVerdict.GONE; // not running, stale, invalid: this project's worker is gone
      }
    }
    return processVerdict(w);
  }

  /** The PID with its start time: gone, or alive only while it is the process that registered. */
  private static LocalVerdict processVerdict(WorkerRecord w) {
    if (w.pid() <= 0 || w.pid() > Integer.MAX_VALUE) {
      return LocalVerdict.UNKNOWN;
    }
    ProcessStatus s = ProcessTable.system().status((int) w.pid());
    if (s.presence() == ProcessStatus.Presence.GONE
        || s.presence() == ProcessStatus.Presence.EXITED) {
      return LocalVerdict.GONE;
    }
    if (s.presence() != ProcessStatus.Presence.ALIVE
        || s.stat().isEmpty()
        || w.processStartTicks() < 0) {
      return LocalVerdict.UNKNOWN;
    }
    return s.stat().get().startTicks() == w.processStartTicks()
        ? LocalVerdict.ALIVE
        : LocalVerdict.GONE; // the PID was recycled
  }

  private static boolean isThisProject(WorkerRecord w, Path projectRoot) {
    try {
      return Path.of(w.root()).equals(projectRoot);
    } catch (InvalidPathException e) {
      return false; // a root from another host that is no path here
    }
  }
}
