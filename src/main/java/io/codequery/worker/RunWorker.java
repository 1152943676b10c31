package io.codequery.worker;

import io.codequery.heartbeat.Heartbeat;
import io.codequery.log.WorkerLog;
import io.codequery.process.HostId;
import io.codequery.process.ProcessFacts;
import io.codequery.process.WorkerIdentity;
import io.codequery.process.WorkerMarker;
import io.codequery.project.ProjectLayout;
import io.codequery.store.NewWorker;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The worker in the foreground: takes the single-instance lock, publishes its identity and PID
 * file, runs its {@link WorkerLoop} (heartbeat, self-check, spool, job slots), and on SIGTERM or
 * SIGINT — or when another worker took over its lock file — withdraws its files and exits 0.
 */
public final class RunWorker {
  /** worker.log is rotated to worker.log.1 past this size. */
  public static final long LOG_MAX_BYTES = 10L * 1024 * 1024;

  /**
   * The status a launched worker process exits with when another worker already holds the lock for
   * this project ({@link RunResult.AlreadyRunning}); {@link StartWorker} reads it from the child it
   * launched. The protocol between the two processes, so it lives here; the CLI maps the result to
   * it.
   */
  public static final int EXIT_ALREADY_RUNNING = 75;

  /** What the worker tells whoever runs it, beside its log. */
  public interface Events {
    /** The worker holds its lock, has published its files and takes jobs from now on. */
    void ready(int pid);

    /**
     * The shutdown after SIGTERM or SIGINT is complete (files withdrawn, lock released). Called on
     * the shutdown hook's thread; the JVM then exits as it would after the signal unless the callee
     * ends it otherwise (the CLI halts with status 0: a clean stop).
     */
    void stoppedBySignal();
  }

  /** A spool change is ingested once the spool was quiet this long... */
  static final Duration SETTLE = Duration.ofMillis(200);

  /** ...or this long after the first change of a burst. */
  static final Duration SETTLE_CAP = Duration.ofSeconds(2);

  /** How long the shutdown waits for the loop beyond the stop timeout it enforces itself. */
  private static final Duration SHUTDOWN_SLACK = Duration.ofSeconds(5);

  private final ProjectLayout layout;
  private final Duration heartbeat;
  private final Duration stopTimeout;
  private final Duration jobTimeout;
  private final String version;
  private final Clock clock;
  private final Events events;
  private final WorkerLog log;
  private final AtomicBoolean shutDownStarted = new AtomicBoolean();
  private final CountDownLatch loopDone = new CountDownLatch(1);
  private final CountDownLatch shutDownDone = new CountDownLatch(1);
  private volatile WorkerLoop.Exit exit = WorkerLoop.Exit.STOPPED;
  private volatile boolean stopRequestedInRegistry;
  private volatile Optional<RegisterWorker> registration = Optional.empty();

  /**
   * @param jobTimeout how long one job may run (the registry judges a worker hung by it)
   * @param version the code-query version, as the worker registers it
   */
  public RunWorker(
      ProjectLayout layout,
      Duration heartbeat,
      Duration stopTimeout,
      Duration jobTimeout,
      String version,
      Clock clock,
      Events events) {
    this.layout = layout;
    this.heartbeat = heartbeat;
    this.stopTimeout = stopTimeout;
    this.jobTimeout = jobTimeout;
    this.version = version;
    this.clock = clock;
    this.events = events;
    this.log = new WorkerLog(layout.logFile(), clock);
  }

  /**
   * Runs until SIGTERM/SIGINT (then {@link Events#stoppedBySignal()} is told once the shutdown is
   * complete, and this method never returns), until another worker holds the lock ({@link
   * RunResult.StoodDown}) or until a stop is requested through the worker registry ({@link
   * RunResult.StoppedOnRequest}); returns another result where the worker could not start. The task
   * is created only once this worker holds the lock (a worker that loses the race touches nothing
   * but the lock file).
   */
  public RunResult run(Supplier<WorkerTask> taskFactory) throws IOException {
    String root = layout.root().toString();
    List<String> ownArgs =
        ProcessFacts.of((int) ProcessHandle.current().pid()).args().orElse(List.of());
    if (!WorkerMarker.rootIn(ownArgs).equals(Optional.of(root))) {
      return new RunResult.MissingMarker(WorkerMarker.forRoot(root));
    }
    layout.ensureDir();
    Optional<InstanceLock> acquired = InstanceLock.tryAcquire(layout.instanceLockFile());
    if (acquired.isEmpty()) {
      return new RunResult.AlreadyRunning(layout.root(), layout.instanceLockFile());
    }
    AtomicReference<InstanceLock> lock = new AtomicReference<>(acquired.get());
    WorkerTask task = taskFactory.get();
    WorkerIdentity identity = ProcessFacts.identityOfSelf(root);
    WorkerFiles files = new WorkerFiles(layout, identity);
    KeepWorkerFiles duties = new KeepWorkerFiles(files, identity, lock);
    WorkerLoop loop =
        new WorkerLoop(
            Ticker.system(),
            Waiter.create(),
            heartbeat,
            stopTimeout,
            SETTLE,
            SETTLE_CAP,
            duties,
            task);
    WatchWorkerDir watch = new WatchWorkerDir(layout, log);
    // Before the PID file appears: whoever sees the worker running sees it fully set up — its
    // watch started and its first heartbeat written (health right after a start is healthy; the
    // registration below opens the store and must not come between the two files).
    watch.start(loop);
    duties.beat(new WorkerStatus("idle", List.of(), ""));
    // The shutdown hook before the PID file: `worker start` returns, and `stop` may signal, as
    // soon as the PID file appears. A SIGTERM in the moment between the two (while the store
    // registers this worker) once ended the JVM with no hook, leaving a stale PID file and a log
    // without a word from this worker (a `worker restart` under load saw exactly that).
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  shutDown(loop, task, watch, files, identity, lock);
                  events.stoppedBySignal();
                },
                "worker-shutdown"));
    files.publish();
    // On a shared store, a worker cut off from it for too long fences itself (its slots claim
    // nothing and end their commands) before other hosts' workers may take its jobs over.
    SelfFence fence =
        task.sharedWithOtherHosts()
            .map(store -> SelfFence.onSharedStore(store, heartbeat, log))
            .orElse(SelfFence.never());
    task.fenceWith(fence);
    registration =
        task.registry()
            .map(
                registry ->
                    new RegisterWorker(
                        registry,
                        new NewWorker(
                            HostId.hostName(),
                            HostId.ofThisHost().format(),
                            identity.pid(),
                            identity.startTicks(),
                            root,
                            version,
                            task.claimOwner(),
                            heartbeat,
                            jobTimeout),
                        log,
                        () -> {
                          stopRequestedInRegistry = true;
                          loop.requestStop();
                        },
                        fence));
    registration.ifPresent(RegisterWorker::start);
    log.tryAppend(
        "worker",
        "started pid="
            + identity.pid()
            + " root="
            + root
            + " heartbeat="
            + heartbeat.toSeconds()
            + "s");
    events.ready(identity.pid());
    if (!shutDownStarted.get()) {
      // A stop that came during the start-up waits for the loop: it ends at once, no job begun.
      task.start(loop::nudge);
    }
    try {
      exit = loop.run();
    } finally {
      loopDone.countDown();
    }
    // The loop returns by itself only when another worker holds the lock now (stand down), or
    // when a stop was asked for through the registry (stop as on SIGTERM).
    shutDown(loop, task, watch, files, identity, lock);
    return exit != WorkerLoop.Exit.LOCK_LOST && stopRequestedInRegistry
        ? new RunResult.StoppedOnRequest()
        : new RunResult.StoodDown();
  }

  /**
   * Stops the loop (which stops the slots within the stop timeout), closes the task, withdraws the
   * worker's files if they still name it, and releases the lock. Runs once, from the shutdown hook
   * or after the loop returned by itself; a second caller waits for the first.
   */
  private void shutDown(
      WorkerLoop loop,
      WorkerTask task,
      WatchWorkerDir watch,
      WorkerFiles files,
      WorkerIdentity identity,
      AtomicReference<InstanceLock> lock) {
    if (shutDownStarted.getAndSet(true)) {
      awaitQuietly(shutDownDone, stopTimeout.plus(SHUTDOWN_SLACK).multipliedBy(2));
      return;
    }
    try {
      loop.requestStop();
      boolean loopEnded = awaitQuietly(loopDone, stopTimeout.plus(SHUTDOWN_SLACK));
      watch.close();
      // Before the task closes the store the registry lives in.
      registration.ifPresent(
          r -> {
            r.stopped(SHUTDOWN_SLACK.toMillis());
            r.close();
          });
      try {
        task.close();
      } catch (RuntimeException e) {
        log.tryAppend("worker", "task did not close cleanly: " + e);
      }
      String why =
          switch (exit) {
            case LOCK_LOST -> " (another worker holds the lock now; this one stood down)";
            case STOP_TIMED_OUT -> " (a job did not end within " + stopTimeout.toSeconds() + "s)";
            case STOPPED -> loopEnded ? "" : " (the loop did not end in time)";
          };
      try {
        boolean removed = files.withdraw();
        log.tryAppend(
            "worker",
            "stopped pid="
                + identity.pid()
                + why
                + (removed ? "" : " (the PID file no longer named this worker; left as it was)"));
      } catch (IOException | RuntimeException e) {
        log.tryAppend(
            "worker",
            "stopped pid=" + identity.pid() + why + "; PID file not removed: " + e.getMessage());
      }
      try {
        lock.get().close();
      } catch (IOException ignored) {
        // the kernel releases it at exit anyway
      }
    } finally {
      shutDownDone.countDown();
    }
  }

  private static boolean awaitQuietly(CountDownLatch latch, Duration timeout) {
    try {
      return latch.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The loop's duties: the heartbeat, the lock and PID-file checks, log rotation. */
  private final class KeepWorkerFiles implements WorkerLoop.Duties {
    private final WorkerFiles files;
    private final WorkerIdentity identity;
    private final AtomicReference<InstanceLock> lock;
    private List<String> jobsAtLastBeat = List.of();
    private String lastJobAtLastBeat = "";

    KeepWorkerFiles(
        WorkerFiles files, WorkerIdentity identity, AtomicReference<InstanceLock> lock) {
      this.files = files;
      this.identity = identity;
      this.lock = lock;
    }

    @Override
    public void beat(WorkerStatus status) {
      try {
        files.beat(
            new Heartbeat(
                identity.pid(),
                clock.millis(),
                heartbeat.toMillis(),
                status.state(),
                String.join(", ", status.currentJobs()),
                status.lastJob()));
      } catch (IOException | RuntimeException e) {
        log.tryAppend("worker", "heartbeat not written: " + e.getMessage());
      }
      // A slot progressed where the worker holds no job, or its jobs changed since the last beat
      // (one ended, another started): a worker holding the same jobs for longer than a job may
      // run is hung.
      boolean progressed =
          status.currentJobs().isEmpty()
              || !status.currentJobs().equals(jobsAtLastBeat)
              || !status.lastJob().equals(lastJobAtLastBeat);
      jobsAtLastBeat = List.copyOf(status.currentJobs());
      lastJobAtLastBeat = status.lastJob();
      registration.ifPresent(r -> r.beat("stopping".equals(status.state()), progressed));
    }

    @Override
    public void repairFiles() {
      try {
        files
            .repairIfNeeded()
            .ifPresent(
                why -> log.tryAppend("worker", "rewrote PID file and identity record: " + why));
      } catch (IOException | RuntimeException e) {
        log.tryAppend("worker", "self-check failed: " + e.getMessage());
      }
    }

    @Override
    public void failed(String what, RuntimeException e) {
      log.tryAppend("worker", what + " failed: " + e);
    }

    /**
     * Re-establishes a single instance when {@code worker.lock} was removed or replaced: takes the
     * lock on the file the path names now, or, where another worker holds that one, says so
     * (false). The loop repairs the PID file only after this: a worker that lost its lock must not
     * write it.
     */
    @Override
    public boolean holdsLock() {
      InstanceLock held = lock.get();
      InstanceLock.PathState state = held.pathState();
      if (state == InstanceLock.PathState.HELD || state == InstanceLock.PathState.UNKNOWN) {
        return true;
      }
      try {
        Optional<InstanceLock> fresh = InstanceLock.tryAcquire(held.file());
        if (fresh.isEmpty()) {
          log.tryAppend(
              "worker",
              held.file()
                  + " was "
                  + (state == InstanceLock.PathState.GONE ? "removed" : "replaced")
                  + " and another worker holds the new one; releasing jobs and standing down");
          return false;
        }
        lock.set(fresh.get());
        try {
          held.close();
        } catch (IOException ignored) {
          // the old file is unlinked; its lock protects nothing any more
        }
        log.tryAppend(
            "worker",
            held.file()
                + " was "
                + (state == InstanceLock.PathState.GONE ? "removed" : "replaced")
                + "; locked the new file (one worker again)");
        return true;
      } catch (IOException | RuntimeException e) {
        log.tryAppend("worker", "cannot lock " + held.file() + " again: " + e.getMessage());
        return true;
      }
    }

    @Override
    public void rotateLog() {
      try {
        log.rotateIfLarger(LOG_MAX_BYTES);
      } catch (IOException | RuntimeException e) {
        log.tryAppend("worker", "log not rotated: " + e.getMessage());
      }
    }
  }
}
