package io.codequery.worker;

import io.codequery.log.WorkerLog;
import io.codequery.store.Beat;
import io.codequery.store.NewWorker;
import io.codequery.store.WorkerRecord;
import io.codequery.store.WorkerRegistry;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The worker's life in the {@link WorkerRegistry}: registered as it starts, a heartbeat through the
 * registry at every beat of its loop (which also reaps workers that went silent), draining as it
 * stops, stopped as it exits gracefully. A stop requested through the registry is handed to {@code
 * onStopRequested} (the worker then stops as on SIGTERM).
 *
 * <p>Registry writes run on a thread of their own: a store that is slow or locked for a while must
 * not hold up the loop, whose heartbeat file is what the local detectors read. A beat while the
 * previous one is still in flight is skipped, never queued behind it.
 *
 * <p>Every heartbeat and registration the store records is told to the worker's {@link SelfFence}
 * with the instant its call started: a worker whose heartbeats stop being recorded fences itself.
 */
public final class RegisterWorker implements AutoCloseable {
  private final WorkerRegistry registry;
  private final NewWorker self;
  private final WorkerLog log;
  private final Runnable onStopRequested;
  private final SelfFence fence;
  private final ExecutorService writer;
  private final AtomicBoolean inFlight = new AtomicBoolean();
  private final AtomicBoolean draining = new AtomicBoolean();
  private final AtomicBoolean stopHandedOn = new AtomicBoolean();
  private volatile String workerId;
  private volatile String lastRegisterFailure;

  public RegisterWorker(
      WorkerRegistry registry, NewWorker self, WorkerLog log, Runnable onStopRequested) {
    this(registry, self, log, onStopRequested, SelfFence.never());
  }

  /** As the other constructor, telling {@code fence} of every heartbeat the store records. */
  public RegisterWorker(
      WorkerRegistry registry,
      NewWorker self,
      WorkerLog log,
      Runnable onStopRequested,
      SelfFence fence) {
    this.fence = fence;
    this.registry = registry;
    this.self = self;
    this.log = log;
    this.onStopRequested = onStopRequested;
    this.writer =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "worker-registry");
              t.setDaemon(true);
              return t;
            });
  }

  /** Registers this life (on the caller's thread); a failure is logged and retried at beats. */
  public void start() {
    register("registered");
  }

  /** This life's id in the registry, null until registered. */
  public String workerId() {
    return workerId;
  }

  /**
   * Beats through the registry on its own thread: renews the heartbeat (and the progress time where
   * {@code progressed}), marks this life draining once {@code stopping}, then reaps.
   */
  public void beat(boolean stopping, boolean progressed) {
    if (!inFlight.compareAndSet(false, true)) {
      return;
    }
    try {
      writer.execute(
          () -> {
            try {
              beatNow(stopping, progressed);
            } catch (RuntimeException e) {
              log.tryAppend("worker", "registry heartbeat failed: " + e.getMessage());
            } finally {
              inFlight.set(false);
            }
          });
    } catch (RuntimeException e) {
      inFlight.set(false); // closed: the worker is exiting
    }
  }

  private void beatNow(boolean stopping, boolean progressed) {
    String id = workerId;
    if (id == null) {
      register("registered (late)");
      return;
    }
    if (stopping && !draining.getAndSet(true)) {
      registry.markDraining(id);
    }
    long started = fence.now();
    Beat beat = registry.heartbeat(id, progressed);
    if (beat instanceof Beat.Recorded
        && fence.now() - started > self.heartbeatInterval().toNanos()) {
      // A beat that waited long for the store (a connection while the server came back) was
      // recorded at an instant the fence cannot know, so it counts from the call's start: beat
      // again at once, so that the fence counts from a recent instant and is not raised anew.
      started = fence.now();
      beat = registry.heartbeat(id, progressed);
    }
    if (beat instanceof Beat.Ended) {
      fence.unregistered();
      // Reaped while this worker was frozen or cut off from the store: its jobs may be running
      // elsewhere now (its late results are fenced off). It lives on as a new life.
      log.tryAppend(
          "worker",
          "the registry holds worker " + id + " as ended (reaped while silent); registering again");
      register("registered again");
      return;
    }
    if (((Beat.Recorded) beat).stopRequested() && !stopHandedOn.getAndSet(true)) {
      log.tryAppend("worker", "stop requested through the registry; stopping as on SIGTERM");
      onStopRequested.run();
    }
    fence.beatRecorded(started);
    List<WorkerRecord> reaped = registry.reap();
    for (WorkerRecord w : reaped) {
      log.tryAppend(
          "worker",
          "reaped worker "
              + w.workerId()
              + " (host "
              + w.host()
              + ", pid "
              + w.pid()
              + "): no heartbeat for "
              + w.heartbeatAge().toMillis()
              + " ms (or its store session ended); its "
              + w.jobsRunning()
              + " running job(s) are claimable again");
    }
  }

  private void register(String what) {
    try {
      long started = fence.now();
      WorkerRecord r = registry.register(self);
      fence.beatRecorded(started);
      workerId = r.workerId();
      draining.set(false);
      lastRegisterFailure = null;
      log.tryAppend("worker", what + " as worker " + r.workerId() + " on " + self.host());
    } catch (RuntimeException e) {
      // Retried at every beat; logged once per distinct failure, not once a second.
      String why = String.valueOf(e.getMessage());
      if (!why.equals(lastRegisterFailure)) {
        lastRegisterFailure = why;
        log.tryAppend("worker", "not registered in the store (retried at each heartbeat): " + why);
      }
    }
  }

  /**
   * Marks this life stopped (the worker is exiting gracefully), waiting for a beat in flight first;
   * gives up after {@code timeoutMillis}.
   */
  public void stopped(long timeoutMillis) {
    Future<?> done =
        writer.submit(
            () -> {
              String id = workerId;
              if (id != null) {
                registry.markStopped(id);
                log.tryAppend("worker", "worker " + id + " marked stopped in the registry");
              }
            });
    try {
      done.get(timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      log.tryAppend("worker", "registry not told of the stop within " + timeoutMillis + " ms");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      log.tryAppend("worker", "registry not told of the stop: " + e.getMessage());
    }
  }

  @Override
  public void close() {
    writer.shutdownNow();
  }
}
