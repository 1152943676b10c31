package io.codequery.queue;

import io.codequery.CodeQueryException;
import io.codequery.child.ChildCommand;
import io.codequery.config.Config;
import io.codequery.log.WorkerLog;
import io.codequery.process.HostId;
import io.codequery.project.ProjectLayout;
import io.codequery.store.CompletedAndNext;
import io.codequery.store.Job;
import io.codequery.store.JobResult;
import io.codequery.store.JobState;
import io.codequery.store.Outcome;
import io.codequery.store.RecordedRun;
import io.codequery.store.Skip;
import io.codequery.store.Store;
import io.codequery.worker.SelfFence;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The worker's queue consumer: each {@link #runOnce} claims one due job, records it done at once
 * where running it is not needed (its content is documented already by this processor, or a newer
 * change of its path came: {@link Store#skipIfUnneeded}), else runs it with the {@link JobRunner}
 * while a background thread extends its lease, and records the outcome with its document.
 *
 * <p>{@link #requestStop()} (from the shutdown thread) lets a running job finish for a while
 * ({@link #finishWithin}: the stop timeout minus the time a kill may take), then kills the command
 * and releases the job back to pending without counting the attempt, so the worker's own stop
 * timeout is respected. A job whose lease is lost (another worker reclaimed it) is abandoned the
 * same way; its late result would be refused anyway. A job whose commit is not in this clone and
 * cannot be fetched ({@link JobOutcome.NotHere}) is released for a while, uncounted, for a host
 * that has it — on a store other clones share; on the project's own store it fails, since no other
 * clone will ever run it.
 *
 * <p>On a shared store the task is {@linkplain #fenceWith fenced}: cut off from the store for too
 * long, it claims nothing and ends its running job's command (its whole tree) before another worker
 * may take the job over; a job it could not hand back then is handed back once the store answers.
 */
public final class QueueTask implements AutoCloseable {
  /** How long a claim lasts without renewal: how soon a job of a dead worker is claimable again. */
  public static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);

  /** How often a slot waiting for its run to be recorded looks whether it must end the job. */
  private static final Duration RECORD_POLL = Duration.ofMillis(100);

  /**
   * Records runs, so that a slot never waits on the store unwatched: one daemon thread that lives
   * as long as the task (an SQLite store keeps a connection per thread until it closes, so threads
   * that came and went would each leave one behind), and another only while a call abandoned
   * earlier still hangs.
   */
  private final ExecutorService recorder =
      new ThreadPoolExecutor(
          1,
          Integer.MAX_VALUE,
          1,
          TimeUnit.MINUTES,
          new SynchronousQueue<>(),
          r -> {
            Thread t = new Thread(r, "queue-run-recorder");
            t.setDaemon(true);
            return t;
          });

  private final Store queue;
  private final JobRunner runner;
  private final WorkerLog log;
  private final String owner;
  private final Duration lease;
  private final Duration finishWithin;
  private final ScheduledExecutorService renewer;
  private final AtomicBoolean stopping = new AtomicBoolean();
  private volatile long stopRequestedAt;
  private volatile boolean leaseLost;
  private volatile SelfFence fence = SelfFence.never();

  /** When the call that claimed the running job, or last renewed its lease, started (monotonic). */
  private volatile long leaseRenewedNanos;

  /** The running job's command is being ended by the fence. */
  private volatile boolean fencedOff;

  /** A job ended by the fence that could not be handed back yet (the store did not answer). */
  private volatile Optional<Job> unreleased = Optional.empty();

  /**
   * A job's outcome the store did not take (it did not answer, or was restarting); recorded before
   * this slot claims again. The claim's token still holds the job until another worker claims it,
   * so a result recorded late is kept, not redone; once another worker has it, the token refuses
   * this one and it is discarded.
   */
  private volatile Optional<Unrecorded> unrecorded = Optional.empty();

  private record Unrecorded(Job job, JobOutcome outcome) {}

  private final boolean ownsQueueAndRenewer;
  private volatile String current = "";
  private volatile String lastStarted = "";
  private volatile long lastStartedNanos;
  private volatile String lastRecorded = "";
  private volatile Optional<Job> lastRecordedJob = Optional.empty();

  /** Whether a completion claims this consumer's next job in the same breath (job slots). */
  private volatile boolean chainClaims;

  /**
   * The job claimed with the last completion, to run next; touched only by the thread that runs
   * {@link #runOnce} (and {@link #handBackNext} on that thread once it stops running jobs).
   */
  private Optional<Job> next = Optional.empty();

  /**
   * @param owner names this consumer in leases (unique per process; see {@link #newOwner()})
   * @param stopTimeout how long the worker waits for the task after {@link #requestStop()}
   */
  public QueueTask(
      Store queue,
      JobRunner runner,
      WorkerLog log,
      String owner,
      Duration lease,
      Duration stopTimeout) {
    this(queue, runner, log, owner, lease, stopTimeout, newRenewer(), true);
  }

  /**
   * A consumer sharing {@code queue} and {@code renewer} with others (job slots); closing it closes
   * neither.
   */
  QueueTask(
      Store queue,
      JobRunner runner,
      WorkerLog log,
      String owner,
      Duration lease,
      Duration stopTimeout,
      ScheduledExecutorService renewer,
      boolean ownsQueueAndRenewer) {
    this.queue = queue;
    this.runner = runner;
    this.log = log;
    this.owner = owner;
    this.lease = lease;
    this.finishWithin = finishWithin(stopTimeout);
    this.renewer = renewer;
    this.ownsQueueAndRenewer = ownsQueueAndRenewer;
  }

  /** One daemon thread that extends the leases of running jobs. */
  static ScheduledExecutorService newRenewer() {
    return Executors.newSingleThreadScheduledExecutor(
        r -> {
          Thread t = new Thread(r, "queue-lease-renewer");
          t.setDaemon(true);
          return t;
        });
  }

  /** The project's queue consumer, configured from {@code config}. */
  public static QueueTask open(ProjectLayout layout, Config config, Clock clock) {
    return open(JobQueue.open(layout, config, clock), layout, config, clock);
  }

  /** The project's queue consumer on an open {@code queue}. */
  public static QueueTask open(Store queue, ProjectLayout layout, Config config, Clock clock) {
    return new QueueTask(
        queue,
        JobRunner.of(layout, config),
        new WorkerLog(layout.logFile(), clock),
        newOwner(),
        DEFAULT_LEASE,
        Duration.ofSeconds(config.stopTimeoutSeconds()));
  }

  /** {@code pid-<pid>-<random>}: unique across processes and across restarts that reuse a PID. */
  public static String newOwner() {
    byte[] random = new byte[4];
    ThreadLocalRandom.current().nextBytes(random);
    return "pid-" + ProcessHandle.current().pid() + "-" + HexFormat.of().formatHex(random);
  }

  /**
   * Time a running job is given after a stop request: the stop timeout less two kill graces and 1
   * s.
   */
  static Duration finishWithin(Duration stopTimeout) {
    Duration d = stopTimeout.minus(JobRunner.KILL_GRACE.multipliedBy(2)).minusSeconds(1);
    return d.isNegative() ? Duration.ZERO : d;
  }

  /**
   * Fences this consumer with {@code fence} (a worker on a shared store): no claim while it says
   * so, and a running job's command ended where it must end.
   */
  public void fenceWith(SelfFence fence) {
    this.fence = fence;
  }

  /** Claims one due job and runs it to its end; false when none was due (or stopping). */
  public boolean runOnce() {
    return runOnce(job -> {});
  }

  /**
   * As {@link #runOnce()}, and tells {@code onClaimed} which job it is about to run (for a progress
   * display; called on this thread, before the job runs).
   */
  public boolean runOnce(Consumer<Job> onClaimed) {
    if (stopping.get()) {
      handBackNext();
      return false;
    }
    if (!fence.mayClaim() || !handBackUnreleased() || !recordUnrecorded()) {
      // Cut off from the store: a job the last completion claimed is not started either; its
      // lease runs out and another worker takes it (this one too, once the store answers again).
      next = Optional.empty();
      return false;
    }
    long claimStarted = fence.now();
    Optional<Job> claimed = next.isPresent() ? next : queue.claim(owner, lease);
    next = Optional.empty();
    if (claimed.isEmpty()) {
      return false;
    }
    Job job = claimed.get();
    onClaimed.accept(job);
    Skip skip = queue.skipIfUnneeded(job, runner.processor());
    if (skip instanceof Skip.Skipped skipped) {
      String line = "skipped " + job.describe() + ": " + skipped.job().note();
      log.tryAppend("queue", line);
      lastRecorded = line;
      lastRecordedJob = Optional.of(skipped.job());
      return true;
    }
    if (skip instanceof Skip.Lost) {
      lastRecorded = "discarded " + job.describe() + ": its lease was lost to another worker";
      log.tryAppend("queue", lastRecorded);
      lastRecordedJob = Optional.empty();
      return true;
    }
    current = job.describe();
    lastStarted = current;
    lastStartedNanos = System.nanoTime() | 1; // never 0, which means "none yet"
    leaseLost = false;
    fencedOff = false;
    leaseRenewedNanos = claimStarted;
    long period = Math.max(1, lease.toMillis() / 3);
    ScheduledFuture<?> renewal =
        renewer.scheduleWithFixedDelay(() -> renew(job), period, period, TimeUnit.MILLISECONDS);
    JobOutcome outcome;
    try {
      outcome = runner.run(job, this::abandonNow, started -> recordRun(job, started));
    } catch (RuntimeException e) {
      outcome =
          new JobOutcome.Failed(
              "internal error while running the job: " + e, false, new JobResult(null, 0, ""));
    } finally {
      renewal.cancel(false);
      current = "";
    }
    recordOrKeep(job, outcome);
    return true;
  }

  /**
   * Records {@code outcome}; where the store does not take it, keeps it to record before this
   * slot's next claim ({@link #recordUnrecorded}) and says so by throwing: a completion lost to a
   * store restart would otherwise wait out the job's lease and the job would run again.
   */
  private void recordOrKeep(Job job, JobOutcome outcome) {
    try {
      record(job, outcome);
    } catch (RuntimeException e) {
      unrecorded = Optional.of(new Unrecorded(job, outcome));
      String line =
          "the result of "
              + job.describe()
              + " is not recorded yet; it is kept and recorded before this slot claims again: "
              + e.getMessage();
      lastRecorded = line;
      lastRecordedJob = Optional.empty();
      throw new CodeQueryException(line, e);
    }
  }

  /**
   * Records the outcome the store did not take last time; true once there is none left. Throws
   * while the store does not answer, the outcome kept for the next try.
   */
  private boolean recordUnrecorded() {
    Optional<Unrecorded> left = unrecorded;
    if (left.isEmpty()) {
      return true;
    }
    unrecorded = Optional.empty();
    recordOrKeep(left.get().job(), left.get().outcome());
    return true;
  }

  /**
   * Records where the job's command runs; the command waits at its start gate meanwhile. The store
   * call runs on a thread of its own while this one watches {@link #abandonNow}: a link that drops
   * during the call would hold it until the socket times out (a minute), and the fence must end the
   * job before then. Abandoned, the command never starts (its gate closes unopened).
   */
  private void recordRun(Job job, ChildCommand.Started started) {
    if (started.startTicks() <= 0) {
      return;
    }
    RecordedRun run =
        new RecordedRun(started.pid(), started.startTicks(), HostId.thisHost().format());
    Future<?> call = recorder.submit(() -> queue.recordRun(job, run));
    try {
      while (true) {
        try {
          call.get(RECORD_POLL.toMillis(), TimeUnit.MILLISECONDS);
          return;
        } catch (TimeoutException e) {
          if (abandonNow()) {
            log.tryAppend(
                "queue", "run of " + job.describe() + " not recorded yet; the job is ended first");
            return;
          }
        }
      }
    } catch (ExecutionException e) {
      // Without the record a later worker cannot end this run's leftovers should this worker die;
      // the parent-death signal still ends the command itself. Not a reason to stop the job.
      log.tryAppend(
          "queue", "run of " + job.describe() + " not recorded: " + e.getCause().getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private boolean abandonNow() {
    if (leaseLost || fencedOff) {
      return true;
    }
    if (fence.mustEnd(leaseRenewedNanos, lease)) {
      fencedOff = true;
      return true;
    }
    long asked = stopRequestedAt;
    return asked != 0 && System.nanoTime() - asked >= finishWithin.toNanos();
  }

  private void renew(Job job) {
    try {
      long started = fence.now();
      if (queue.extendLease(job, lease)) {
        leaseRenewedNanos = started;
      } else {
        leaseLost = true;
        log.tryAppend(
            "queue",
            "lease lost for " + job.describe() + " (claimed by another worker); abandoning it");
      }
    } catch (RuntimeException e) {
      // A busy database now and then is survivable: the lease has two more periods to go.
      log.tryAppend("queue", "lease of " + job.describe() + " not extended: " + e.getMessage());
    }
  }

  private void record(Job job, JobOutcome outcome) {
    String what = job.describe();
    JobResult r = outcome.result();
    Optional<Job> recorded;
    String line;
    if (outcome instanceof JobOutcome.Succeeded) {
      if (chainClaims && !stopping.get()) {
        CompletedAndNext both = queue.completeAndClaim(job, r, owner, lease);
        recorded = both.completed();
        next = both.next();
      } else {
        recorded = queue.complete(job, r);
      }
      line =
          "done "
              + what
              + " in "
              + r.durationMs()
              + " ms"
              + recorded
                  .filter(j -> j.outcome() == Outcome.NOT_STORED)
                  .map(j -> "; " + j.note())
                  .orElse("");
    } else if (outcome instanceof JobOutcome.Failed f) {
      recorded = queue.fail(job, f.reason(), f.retryable(), r);
      line =
          recorded
                  .map(j -> j.state() == JobState.PENDING ? "will retry " : "failed ")
                  .orElse("failed ")
              + what
              + " (attempt "
              + job.attempts()
              + "): "
              + f.reason();
    } else if (outcome instanceof JobOutcome.NotHere n && queue.sharedWithOtherHosts().isEmpty()) {
      // Only this clone runs the store's jobs: a commit the fetch did not bring will not come.
      recorded = queue.fail(job, n.reason(), false, r);
      line = "failed " + what + " (attempt " + job.attempts() + "): " + n.reason();
    } else if (outcome instanceof JobOutcome.NotHere n) {
      // Not logged per job (FetchMissing says once per commit what to do): a backfill of a commit
      // no remote has would write thousands of lines every half minute.
      recorded = queue.release(job, n.retryAfter());
      lastRecorded =
          recorded.isEmpty()
              ? "discarded " + what + ": its lease was lost to another worker"
              : "left "
                  + what
                  + " for a host that has its commit (again in "
                  + n.retryAfter().toSeconds()
                  + " s): "
                  + n.reason();
      lastRecordedJob = recorded;
      return;
    } else {
      String reason = ((JobOutcome.Abandoned) outcome).reason();
      if (fencedOff) {
        reason += " (fenced: the store did not renew its lease or the worker's heartbeat)";
      }
      try {
        recorded = queue.release(job);
      } catch (RuntimeException e) {
        // Cut off from the store: the job stays ours until its lease runs out, or until it is
        // handed back before this slot's next claim, once the store answers again.
        unreleased = Optional.of(job);
        line = "ended " + what + " (" + reason + "); not handed back yet: " + e.getMessage();
        log.tryAppend("queue", line);
        lastRecorded = line;
        lastRecordedJob = Optional.empty();
        return;
      }
      line = "released " + what + " back to pending: " + reason;
    }
    if (recorded.isEmpty()) {
      line =
          "discarded the result of "
              + what
              + ": its lease was lost to another worker ("
              + line
              + ")";
    }
    log.tryAppend("queue", line);
    lastRecorded = line;
    lastRecordedJob = recorded;
  }

  /**
   * Hands back the job the fence ended while the store did not answer; true once there is none left
   * (handed back, or claimed by another worker meanwhile: the release is fenced by its lease).
   */
  private boolean handBackUnreleased() {
    Optional<Job> left = unreleased;
    if (left.isEmpty()) {
      return true;
    }
    Optional<Job> released = queue.release(left.get()); // throws while the store is unreachable
    unreleased = Optional.empty();
    log.tryAppend(
        "queue",
        released.isPresent()
            ? "released " + left.get().describe() + " back to pending (ended while fenced)"
            : "left " + left.get().describe() + " to the worker that took it over meanwhile");
    return true;
  }

  /**
   * The log line of the last job this task recorded ("done …", "skipped …", "will retry …", "failed
   * …", or "left …" for a job whose commit is not in this clone: that one is not logged per job).
   */
  public String lastRecorded() {
    return lastRecorded;
  }

  /**
   * The row of the last job this task recorded, as recorded: {@code done}, {@code failed}, or
   * {@code pending} again (to be retried, or released); empty before the first, and where the
   * result was discarded (its lease was lost to another worker).
   */
  public Optional<Job> lastRecordedJob() {
    return lastRecordedJob;
  }

  /** The job running now ({@code commit:file}), "" when none. */
  public String current() {
    return current;
  }

  /** The job this consumer started last, "" before the first. */
  String lastStarted() {
    return lastStarted;
  }

  /** When {@link #lastStarted()} started ({@link System#nanoTime()}), 0 before the first. */
  long lastStartedNanos() {
    return lastStartedNanos;
  }

  /**
   * From now on a successful job's completion claims the next job in the same breath ({@link
   * Store#completeAndClaim}: one transaction on PostgreSQL), which the next {@link #runOnce} runs.
   * Whoever loops on {@link #runOnce} must call {@link #handBackNext} on that thread when it stops,
   * or a job claimed last waits for its lease to expire instead of going back to pending at once.
   */
  void chainClaims() {
    chainClaims = true;
  }

  /**
   * Records a result the store did not take yet, and releases the job claimed with the last
   * completion and not run yet (pending again, due at once, the attempt not counted); on the thread
   * that runs {@link #runOnce}. Throws where the store does not answer: the leases of those jobs
   * then run out and other claims take them, as at least once requires.
   */
  void handBackNext() {
    recordUnrecorded();
    Optional<Job> claimed = next;
    next = Optional.empty();
    if (claimed.isPresent()) {
      Optional<Job> released = queue.release(claimed.get());
      log.tryAppend(
          "queue",
          (released.isPresent() ? "released " : "gave up ")
              + claimed.get().describe()
              + " unstarted: the worker stops");
    }
  }

  /** Asks a running {@link #runOnce} to finish or hand back its job; from any thread. */
  public void requestStop() {
    if (!stopping.getAndSet(true)) {
      stopRequestedAt = System.nanoTime() | 1; // never 0, which means "not asked"
    }
  }

  @Override
  public void close() {
    requestStop();
    recorder.shutdown();
    try {
      recordUnrecorded(); // one last try: a run of `queue process` ends with its loop
    } catch (RuntimeException e) {
      log.tryAppend("queue", e.getMessage());
    }
    if (ownsQueueAndRenewer) {
      renewer.shutdownNow();
      queue.close();
    }
  }
}
