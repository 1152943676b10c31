package io.codequery.worker;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The worker's main loop: heartbeat, self-check and log rotation every heartbeat interval; the
 * spool swept every interval and ingested when its watch reports a change; idle job slots offered
 * work; and, on a stop request, the slots' end awaited for at most the stop timeout while the
 * heartbeat goes on.
 *
 * <p>Everything is scheduled on a {@link Ticker} (monotonic) and waited for with a {@link Waiter}:
 * wall time appears only in what the duties write, so a wall-clock step can neither stall the
 * heartbeat nor fire it in a burst, and a test drives the loop with a settable ticker in
 * milliseconds. Jobs run elsewhere (the task's slots), so a long job never delays a heartbeat.
 *
 * <p>Spool changes are coalesced: ingestion waits until the spool has been quiet for {@code
 * settle}, or {@code settleCap} after the first change, so a burst of commits (a rebase) is
 * ingested with one wake-up of the slots instead of one per commit.
 *
 * <p>The methods that report events ({@link #spoolChanged()}, {@link #filesChanged()}, {@link
 * #workAdded()}, {@link #requestStop()}) are safe from any thread; {@link #run()} runs on one.
 */
public final class WorkerLoop {
  /** What the loop does at each heartbeat, on its own thread. */
  public interface Duties {
    /** Writes the heartbeat (time-stamped with wall time) with what the worker is doing. */
    void beat(WorkerStatus status);

    /**
     * Checks that the worker still holds the lock on the file its lock path names, taking the lock
     * again where the file was removed or replaced; false where another worker now holds it (this
     * one must stand down).
     */
    boolean holdsLock();

    /** Checks that the PID file and identity record still name the worker; rewrites them if not. */
    void repairFiles();

    /** Rotates the log if it grew too large. */
    void rotateLog();

    /** A duty or the task failed; the loop goes on (it never dies of one failure). */
    void failed(String what, RuntimeException e);
  }

  /** Why {@link #run()} returned. */
  public enum Exit {
    /** A stop was requested and every slot ended in time. */
    STOPPED,
    /** A stop was requested and some slot did not end within the stop timeout. */
    STOP_TIMED_OUT,
    /** Another worker holds the lock now; this one released its jobs and stood down. */
    LOCK_LOST
  }

  private final Ticker ticker;
  private final Waiter waiter;
  private final long heartbeat;
  private final long stopTimeout;
  private final long settle;
  private final long settleCap;
  private final Duties duties;
  private final WorkerTask task;

  private final AtomicBoolean spoolChanged = new AtomicBoolean();
  private final AtomicBoolean filesChanged = new AtomicBoolean();
  private final AtomicBoolean workAdded = new AtomicBoolean();
  private final AtomicBoolean stopRequested = new AtomicBoolean();

  public WorkerLoop(
      Ticker ticker,
      Waiter waiter,
      Duration heartbeat,
      Duration stopTimeout,
      Duration settle,
      Duration settleCap,
      Duties duties,
      WorkerTask task) {
    if (heartbeat.isZero() || heartbeat.isNegative()) {
      throw new IllegalArgumentException("heartbeat must be positive, was " + heartbeat);
    }
    this.ticker = ticker;
    this.waiter = waiter;
    this.heartbeat = heartbeat.toNanos();
    this.stopTimeout = stopTimeout.toNanos();
    this.settle = settle.toNanos();
    this.settleCap = Math.max(settle.toNanos(), settleCap.toNanos());
    this.duties = duties;
    this.task = task;
  }

  /** The spool changed (a commit was recorded, or a wake-up was asked for). */
  public void spoolChanged() {
    spoolChanged.set(true);
    waiter.wake();
  }

  /** The lock file changed under the worker: check it now. */
  public void filesChanged() {
    filesChanged.set(true);
    waiter.wake();
  }

  /** Jobs were added to the queue by someone else: offer them to the slots now. */
  public void workAdded() {
    workAdded.set(true);
    waiter.wake();
  }

  /** Wakes the loop to look at its slots again (one of them ended, say). */
  public void nudge() {
    waiter.wake();
  }

  /** Asks the loop to stop its slots and return; idempotent. */
  public void requestStop() {
    stopRequested.set(true);
    waiter.wake();
  }

  /** Runs until stopped (or the lock is lost); returns why. */
  public Exit run() {
    long now = ticker.nanos();
    long nextBeat = now + heartbeat;
    long nextSweep = now; // a first sweep at once: records left from before this worker started
    long burstStart = 0;
    long lastChange = 0;
    boolean inBurst = false;
    boolean stopping = false;
    long stopDeadline = 0;
    Exit exit = Exit.STOPPED;
    while (true) {
      now = ticker.nanos();
      if (!stopping && stopRequested.get()) {
        stopping = true;
        stopDeadline = now + stopTimeout;
        attempt("the stop request", () -> run(task::requestStop), null);
        beat(true); // say "stopping" at once, not at the next beat
      }
      if (stopping) {
        if (attempt("asking the slots", task::stopped, true)) {
          return exit;
        }
        if (now - stopDeadline >= 0) {
          return exit == Exit.STOPPED ? Exit.STOP_TIMED_OUT : exit;
        }
      } else {
        if (spoolChanged.getAndSet(false)) {
          if (!inBurst) {
            inBurst = true;
            burstStart = now;
          }
          lastChange = now;
        }
        boolean settled = inBurst && (now - lastChange >= settle || now - burstStart >= settleCap);
        if (settled || now - nextSweep >= 0) {
          inBurst = false;
          nextSweep = now + heartbeat;
          int added = attempt("ingesting the spool", task::ingest, 0);
          // After a change, offer work even when nothing was ingested: the change may have been a
          // wake-up from `queue add` or `queue retry`, whose jobs are already in the queue.
          if (settled || added > 0) {
            offerWork(true);
          }
        }
        if (workAdded.getAndSet(false)) {
          offerWork(true);
        }
        if (filesChanged.getAndSet(false) && !attempt("the lock check", duties::holdsLock, true)) {
          exit = Exit.LOCK_LOST;
          stopRequested.set(true);
          continue;
        }
      }
      if (now - nextBeat >= 0) {
        beat(stopping);
        if (!stopping) {
          if (!attempt("the lock check", duties::holdsLock, true)) {
            exit = Exit.LOCK_LOST;
            stopRequested.set(true);
            continue;
          }
          attempt("the PID-file check", () -> run(duties::repairFiles), null);
          attempt("log rotation", () -> run(duties::rotateLog), null);
          offerWork(false); // retries whose delay has passed, leases that expired
        }
        nextBeat += heartbeat;
        if (now - nextBeat >= 0) {
          // The loop was held up (the process stopped, a slow disk): beat again one full interval
          // from now rather than several times in a row to catch up.
          nextBeat = now + heartbeat;
        }
      }
      long until = nextBeat;
      if (stopping) {
        until = earlier(until, stopDeadline);
      } else {
        until = earlier(until, nextSweep);
        if (inBurst) {
          until = earlier(until, earlier(lastChange + settle, burstStart + settleCap));
        }
      }
      try {
        waiter.await(Math.max(0, until - ticker.nanos()));
      } catch (InterruptedException e) {
        // Nobody interrupts the loop but a shutdown: the interrupt is answered here, by stopping
        // (the flag stays cleared so that the heartbeat can go on while the slots end).
        stopRequested.set(true);
      }
    }
  }

  private void beat(boolean stopping) {
    attempt("the heartbeat", () -> run(() -> duties.beat(status(stopping))), null);
  }

  private void offerWork(boolean allSlots) {
    attempt("offering work", () -> run(() -> task.offerWork(allSlots)), null);
  }

  /** {@code what}'s answer, or {@code otherwise} where it failed (reported, never thrown). */
  private <T> T attempt(String what, Supplier<T> work, T otherwise) {
    try {
      return work.get();
    } catch (RuntimeException e) {
      // The loop never dies: a full disk, a locked database, a bug in one duty must not stop the
      // heartbeat (a dead loop would leave a live worker that looks hung, then a removed PID file).
      try {
        duties.failed(what, e);
      } catch (RuntimeException ignored) {
        // reporting failed too; nothing left to tell
      }
      return otherwise;
    }
  }

  private static <T> T run(Runnable r) {
    r.run();
    return null;
  }

  private WorkerStatus status(boolean stopping) {
    List<String> current = task.currentJobs();
    String state = stopping ? "stopping" : current.isEmpty() ? "idle" : "processing";
    return new WorkerStatus(state, current, task.lastJob());
  }

  private static long earlier(long a, long b) {
    return a - b <= 0 ? a : b;
  }
}
