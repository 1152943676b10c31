package io.codequery.store;

import java.util.List;
import java.util.Optional;

/**
 * The worker registry: one row per worker life sharing a store, so that every worker — on this host
 * or another — can be listed, judged live or dead, and asked to stop. Every time is the store's
 * clock, never a host's (hosts' clocks drift). Thread-safe.
 *
 * <p><b>Lives.</b> A worker {@link #register registers} as it starts (state {@link
 * WorkerState#RUNNING}), {@link #heartbeat beats} every interval, turns {@link
 * WorkerState#DRAINING} as it stops and {@link WorkerState#STOPPED} once it exited gracefully. A
 * worker whose heartbeat is older than three of its intervals — or, where the store can tell, whose
 * session with it ended (PostgreSQL: a session lock per life) — is marked {@link WorkerState#DEAD}
 * by {@link #reap}, which any worker runs, and its running jobs become claimable at once under the
 * queue's own lease rules (the next claim counts the attempt and respects the retry budget, and
 * ends what their last run left running first).
 *
 * <p><b>Stops.</b> {@link #requestStop} records a request the worker sees in its next heartbeat's
 * answer: a cooperative stop, for workers of other hosts, where no signal may go.
 */
public interface WorkerRegistry {
  /** Records a new life, running, with a fresh random id; returns it as stored. */
  WorkerRecord register(NewWorker worker);

  /**
   * Renews {@code workerId}'s heartbeat, and its progress time where {@code progressed} (a slot
   * started or ended a job since the last beat, or the worker holds no job). Answers whether a stop
   * was asked for, or that this life has ended in the registry's eyes.
   */
  Beat heartbeat(String workerId, boolean progressed);

  /** The worker began a graceful stop: running becomes draining (an ended life is left as is). */
  void markDraining(String workerId);

  /** The worker exited gracefully: running or draining becomes stopped. */
  void markStopped(String workerId);

  /** Asks {@code workerId} to stop at its next heartbeat. */
  StopRequest requestStop(String workerId);

  /** Every worker life the registry holds, newest first. */
  List<WorkerRecord> workers();

  /** The life {@code workerId}, if the registry holds it. */
  default Optional<WorkerRecord> worker(String workerId) {
    return workers().stream().filter(w -> w.workerId().equals(workerId)).findFirst();
  }

  /**
   * Marks dead every running or draining life whose heartbeat is older than three of its intervals,
   * makes its running jobs claimable at once, and forgets lives that ended long ago; returns the
   * lives marked dead by this call (each exactly once, however many reapers run at the same time).
   */
  List<WorkerRecord> reap();
}
