package io.codequery.worker;

import io.codequery.Detection;
import io.codequery.MinimalWorkerDetector;
import io.codequery.WorkerDetector;
import io.codequery.os.LockHolders;
import io.codequery.os.ProcessTable;
import io.codequery.pidfile.Ownership;
import io.codequery.pidfile.PidFileTrust;
import io.codequery.process.IdentityVerifier;
import io.codequery.process.ProcessFacts;
import io.codequery.process.ProjectRoot;
import io.codequery.project.ProjectLayout;
import io.codequery.trust.TrustedRoots;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * {@code worker stop}: SIGTERM to the verified worker, wait, then SIGKILL. Identity is verified
 * again right before every signal, and the signal goes through a {@link ProcessHandle} taken before
 * that verification: the JDK refuses to signal a handle whose process start time changed, so a PID
 * recycled in between is never hit. A PID file naming a stranger never leads to a signal.
 */
public final class StopWorker {
  private final ProjectLayout layout;
  private final Duration timeout;

  public StopWorker(ProjectLayout layout, Duration timeout) {
    this.layout = layout;
    this.timeout = timeout;
  }

  public StopResult run() {
    WorkerDetector detector = new WorkerDetector(layout.root());
    Detection d = untilItVouchesForItself(detector, detector.detect());
    if (d instanceof Detection.Unknown u) {
      return new StopResult.Unverified(u);
    }
    if (!(d instanceof Detection.Running r)) {
      return new StopResult.NotRunning(d);
    }
    int pid = r.processId();
    // The files the verification read vouch for the worker (a missing PID file is skipped: with
    // it removed, the lock holder was verified by its record alone), and the process must carry
    // the worker marker: a record alone never earns a signal.
    OptionalInt processOwner = ProcessTable.system().ownerUid(pid);
    Optional<String> distrust =
        PidFileTrust.problemForSignal(
            List.of(layout.dir(), layout.pidFile(), layout.identityFile()),
            processOwner.orElse(-1),
            Ownership.effectiveUid(),
            () ->
                TrustedRoots.ofCurrentUser()
                    .map(t -> t.read().contains(layout.root()))
                    .orElse(false));
    if (distrust.isEmpty()) {
      distrust = IdentityVerifier.signalRefusal(pid, ProjectRoot.of(layout.root()));
    }
    if (distrust.isPresent()) {
      return new StopResult.Refused(pid, distrust.get());
    }
    long started = System.nanoTime();
    Optional<ProcessHandle> handle = verifiedHandle(pid);
    if (handle.isEmpty()) {
      return new StopResult.GoneBeforeSignal(pid);
    }
    // destroy() is kill(2): false where the process is gone, or where we may not signal it (EPERM:
    // another user's worker). Waiting for it to exit would then take the whole timeout for nothing.
    if (!handle.get().destroy() && handle.get().isAlive()) {
      return new StopResult.PermissionDenied(
          pid, Ownership.effectiveUserName(), handle.get().info().user(), processOwner);
    }
    boolean exited = awaitExit(handle.get(), timeout);
    Optional<Duration> killedAfter = Optional.empty();
    if (!exited) {
      Optional<ProcessHandle> again = verifiedHandle(pid);
      if (again.isPresent()) {
        again.get().destroyForcibly();
        awaitExit(again.get(), Duration.ofSeconds(10));
        killedAfter = Optional.of(timeout);
      }
    }
    // A worker killed with SIGKILL cannot remove its PID file; the detector does, once verified
    // stale.
    Detection after = detector.detect();
    if (after.isRunning()) {
      return new StopResult.StillRunning(after.pid().getAsInt());
    }
    return new StopResult.Stopped(pid, Duration.ofNanos(System.nanoTime() - started), killedAfter);
  }

  /**
   * {@code unknown} while a process holds {@code worker.lock}: a live worker whose PID file and
   * identity record were removed ({@code rm}, {@code git clean -fdX}) cannot be verified until it
   * rewrites them, which it does within a heartbeat. Asks again until then, within the stop
   * timeout; whatever still cannot be verified is refused as before, and with nobody holding the
   * lock there is no worker to wait for.
   */
  private Detection untilItVouchesForItself(WorkerDetector detector, Detection d) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (d instanceof Detection.Unknown
        && lockHeld()
        && System.nanoTime() < deadline
        && !Thread.currentThread().isInterrupted()) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      d = detector.detect();
    }
    return d;
  }

  private boolean lockHeld() {
    return ProcessTable.system().lockHolders(layout.instanceLockFile())
            instanceof LockHolders.Known known
        && !known.pids().isEmpty();
  }

  private static boolean isZombie(int pid) {
    return ProcessFacts.of(pid).exited();
  }

  /** A handle to {@code pid}, taken first and then verified as our worker; empty otherwise. */
  private Optional<ProcessHandle> verifiedHandle(int pid) {
    Optional<ProcessHandle> h = ProcessHandle.of(pid);
    if (h.isEmpty()) {
      return h;
    }
    Detection d = new MinimalWorkerDetector(layout.root()).detect();
    return d instanceof Detection.Running r
            && r.processId() == pid
            && IdentityVerifier.signalRefusal(pid, ProjectRoot.of(layout.root())).isEmpty()
        ? h
        : Optional.empty();
  }

  /**
   * Waits until the process has exited. A zombie has exited: an orphaned worker is reaped by
   * whatever adopted it, which may take its time (some init processes reap once a second).
   */
  private static boolean awaitExit(ProcessHandle h, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (h.isAlive() && !isZombie((int) h.pid())) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return !h.isAlive();
      }
    }
    return true;
  }
}
