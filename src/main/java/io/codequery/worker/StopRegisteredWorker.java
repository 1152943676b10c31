package io.codequery.worker;

import io.codequery.Detection;
import io.codequery.MinimalWorkerDetector;
import io.codequery.process.HostId;
import io.codequery.project.ProjectLayout;
import io.codequery.store.StopRequest;
import io.codequery.store.WorkerRecord;
import io.codequery.store.WorkerRegistry;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * {@code worker stop --worker ID}: stops one worker named by its registry id (or a unique prefix of
 * it). A worker of this host goes through the verified signal path ({@link StopWorker}), and only
 * where this host's detector verifies that very PID as the worker of its root; a worker of another
 * host gets a stop request it honours at its next heartbeat. A PID read from the registry is never
 * signalled on the registry's word.
 */
public final class StopRegisteredWorker {
  private static final Duration POLL = Duration.ofMillis(100);

  private final WorkerRegistry registry;
  private final Duration timeout;

  /**
   * @param timeout for a local worker, the SIGTERM-to-SIGKILL wait; for a remote one, how long to
   *     wait for its life to end after the request
   */
  public StopRegisteredWorker(WorkerRegistry registry, Duration timeout) {
    this.registry = registry;
    this.timeout = timeout;
  }

  public RegisteredStop run(String id) {
    List<WorkerRecord> matches =
        registry.workers().stream().filter(w -> w.workerId().startsWith(id)).toList();
    Optional<WorkerRecord> exact =
        matches.stream().filter(w -> w.workerId().equals(id)).findFirst();
    if (matches.isEmpty() || id.isEmpty()) {
      return new RegisteredStop.NoSuchWorker(id);
    }
    if (exact.isEmpty() && matches.size() > 1) {
      return new RegisteredStop.Ambiguous(
          id, matches.stream().map(WorkerRecord::workerId).toList());
    }
    WorkerRecord w = exact.orElse(matches.get(0));
    if (!w.state().alive()) {
      return new RegisteredStop.NotRunning(w, "its life ended: " + w.state().id());
    }
    HostId here = HostId.ofThisHost();
    Optional<HostId> theirs = HostId.parse(w.hostId());
    if (theirs.isPresent() && here.isEarlierBootOfThisMachine(theirs.get())) {
      return new RegisteredStop.NotRunning(w, "it ran before this machine's last reboot");
    }
    if (theirs.isPresent() && here.sharesPidsWith(theirs.get())) {
      return stopLocal(w);
    }
    return requestStop(w);
  }

  private RegisteredStop stopLocal(WorkerRecord w) {
    Path root;
    try {
      root = Path.of(w.root());
    } catch (InvalidPathException e) {
      return new RegisteredStop.NotRunning(w, "its root is not a path here: " + e.getMessage());
    }
    // The PID-file detector must vouch for this very PID as its root's worker; StopWorker then
    // verifies again before every signal.
    Detection d = new MinimalWorkerDetector(root).detect();
    if (d instanceof Detection.Running r && r.processId() != w.pid()) {
      return new RegisteredStop.NotRunning(
          w, "the worker of " + root + " is another life now (PID " + r.processId() + ")");
    }
    if (d instanceof Detection.NotRunning
        || d instanceof Detection.Stale
        || d instanceof Detection.Invalid) {
      return new RegisteredStop.NotRunning(w, "its process is gone: " + d.reason());
    }
    return new RegisteredStop.Signalled(w, new StopWorker(ProjectLayout.of(root), timeout).run());
  }

  private RegisteredStop requestStop(WorkerRecord w) {
    StopRequest asked = registry.requestStop(w.workerId());
    if (asked != StopRequest.REQUESTED) {
      return new RegisteredStop.NotRunning(w, "its life ended before the request");
    }
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    while (true) {
      Optional<WorkerRecord> now = registry.worker(w.workerId());
      Duration waited = Duration.ofNanos(System.nanoTime() - start);
      if (now.isEmpty() || !now.get().state().alive()) {
        return new RegisteredStop.Requested(now.orElse(w), true, waited);
      }
      if (System.nanoTime() - deadline >= 0) {
        return new RegisteredStop.Requested(now.get(), false, waited);
      }
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new RegisteredStop.Requested(now.get(), false, waited);
      }
    }
  }
}
