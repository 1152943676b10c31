package io.codequery.worker;

import io.codequery.heartbeat.Heartbeat;
import io.codequery.log.WorkerLog;
import io.codequery.process.ProcessFacts;
import io.codequery.process.WorkerIdentity;
import io.codequery.process.WorkerMarker;
import io.codequery.project.ProjectLayout;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The worker in the foreground: takes the single-instance lock, publishes its identity and PID
 * file, heartbeats, re-checks that the PID file still names it, runs its task, and on SIGTERM or
 * SIGINT withdraws its files and exits 0.
 */
public final class RunWorker {
  /** worker.log is rotated to worker.log.1 past this size. */
  public static final long LOG_MAX_BYTES = 10L * 1024 * 1024;

  /** Exit status when another worker already holds the lock for this project. */
  public static final int EXIT_ALREADY_RUNNING = 75;

  private final ProjectLayout layout;
  private final Duration heartbeat;
  private final Duration stopTimeout;
  private final Clock clock;
  private final PrintStream out;
  private final PrintStream err;
  private final WorkerLog log;
  private final AtomicBoolean stopping = new AtomicBoolean();

  /** Permits wake the loop early: new work, or a stop request. */
  private final Semaphore wake = new Semaphore(0);

  private final CountDownLatch loopDone = new CountDownLatch(1);

  public RunWorker(
      ProjectLayout layout,
      Duration heartbeat,
      Duration stopTimeout,
      Clock clock,
      PrintStream out,
      PrintStream err) {
    this.layout = layout;
    this.heartbeat = heartbeat;
    this.stopTimeout = stopTimeout;
    this.clock = clock;
    this.out = out;
    this.err = err;
    this.log = new WorkerLog(layout.logFile(), clock);
  }

  /**
   * Runs until SIGTERM/SIGINT; returns an exit status only where the worker could not start. The
   * task is created only once this worker holds the lock (a worker that loses the race touches
   * nothing but the lock file).
   */
  public int run(Supplier<WorkerTask> taskFactory) throws IOException {
    String root = layout.root().toString();
    List<String> ownArgs =
        ProcessFacts.of((int) ProcessHandle.current().pid()).args().orElse(List.of());
    if (!WorkerMarker.rootIn(ownArgs).equals(Optional.of(root))) {
      err.println(
          "✗ this JVM lacks the worker marker "
              + WorkerMarker.forRoot(root)
              + " among its first arguments; detectors could not verify it.\n"
              + "  Start the worker with `code-query worker start` or `code-query worker run`.");
      return 2;
    }
    layout.ensureDir();
    Optional<InstanceLock> lock = InstanceLock.tryAcquire(layout.instanceLockFile());
    if (lock.isEmpty()) {
      err.println(
          "✗ another worker already runs for "
              + root
              + " (it holds "
              + layout.instanceLockFile()
              + ")");
      return EXIT_ALREADY_RUNNING;
    }
    WorkerTask task = taskFactory.get();
    // Before the PID file appears: whoever sees the worker running sees it fully set up.
    task.attach(wake::release);
    WorkerIdentity identity = ProcessFacts.identityOfSelf(root);
    WorkerFiles files = new WorkerFiles(layout, identity);
    files.publish();
    beat(files, identity, task, "idle");
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> shutDown(files, identity, task, lock.get()), "worker-shutdown"));
    log.tryAppend(
        "worker",
        "started pid="
            + identity.pid()
            + " root="
            + root
            + " heartbeat="
            + heartbeat.toSeconds()
            + "s");
    out.println("ready pid=" + identity.pid());
    out.flush();
    try {
      loop(files, identity, task);
    } finally {
      loopDone.countDown();
    }
    return 0;
  }

  private void loop(WorkerFiles files, WorkerIdentity identity, WorkerTask task) {
    long nextBeat = clock.millis() + heartbeat.toMillis();
    while (!stopping.get()) {
      boolean worked = false;
      try {
        worked = task.runOnce();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Exception | LinkageError e) {
        // The loop never dies: a failing task is logged and retried after the next heartbeat.
        log.tryAppend("worker", "task failed: " + e);
      }
      if (Thread.interrupted() && stopping.get()) {
        break;
      }
      long now = clock.millis();
      if (now >= nextBeat) {
        beat(files, identity, task, task.current().isEmpty() ? "idle" : "processing");
        selfCheck(files);
        rotateLog();
        nextBeat = now + heartbeat.toMillis();
      }
      if (!worked) {
        try {
          if (wake.tryAcquire(Math.max(1, nextBeat - clock.millis()), TimeUnit.MILLISECONDS)) {
            wake.drainPermits();
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          if (stopping.get()) {
            break;
          }
        }
      }
    }
  }

  private void beat(WorkerFiles files, WorkerIdentity identity, WorkerTask task, String state) {
    try {
      files.beat(
          new Heartbeat(
              identity.pid(), clock.millis(), heartbeat.toMillis(), state, task.current()));
    } catch (IOException | RuntimeException e) {
      log.tryAppend("worker", "heartbeat not written: " + e.getMessage());
    }
  }

  private void selfCheck(WorkerFiles files) {
    try {
      files
          .repairIfNeeded()
          .ifPresent(
              why -> log.tryAppend("worker", "rewrote PID file and identity record: " + why));
    } catch (IOException | RuntimeException e) {
      log.tryAppend("worker", "self-check failed: " + e.getMessage());
    }
  }

  private void rotateLog() {
    try {
      log.rotateIfLarger(LOG_MAX_BYTES);
    } catch (IOException | RuntimeException e) {
      log.tryAppend("worker", "log not rotated: " + e.getMessage());
    }
  }

  private void shutDown(
      WorkerFiles files, WorkerIdentity identity, WorkerTask task, InstanceLock lock) {
    if (stopping.getAndSet(true)) {
      return;
    }
    task.requestStop();
    wake.release();
    boolean finished;
    try {
      finished = loopDone.await(stopTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      finished = false;
    }
    try {
      task.close();
    } catch (Exception e) {
      log.tryAppend("worker", "task did not close cleanly: " + e);
    }
    try {
      boolean removed = files.withdraw();
      log.tryAppend(
          "worker",
          "stopped pid="
              + identity.pid()
              + (finished
                  ? ""
                  : " (work loop did not finish within " + stopTimeout.toSeconds() + "s)")
              + (removed ? "" : " (the PID file no longer named this worker; left as it was)"));
    } catch (IOException | RuntimeException e) {
      log.tryAppend(
          "worker", "stopped pid=" + identity.pid() + "; PID file not removed: " + e.getMessage());
    }
    try {
      lock.close();
    } catch (IOException ignored) {
      // the kernel releases it at exit anyway
    }
    out.flush();
    err.flush();
    // A JVM ends with status 143 on SIGTERM; a clean stop is status 0.
    Runtime.getRuntime().halt(0);
  }
}
