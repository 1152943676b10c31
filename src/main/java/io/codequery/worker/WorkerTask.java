package io.codequery.worker;

import io.codequery.store.WorkerRegistry;
import java.util.List;
import java.util.Optional;

/**
 * The worker's work, as its loop drives it (the queue consumer plugs in here). The loop thread
 * calls {@link #ingest()} and {@link #offerWork}; jobs run on threads of the task's own (job
 * slots), so heartbeats and self-checks never wait for a job.
 */
public interface WorkerTask extends AutoCloseable {
  /**
   * Starts the job slots. {@code wakeLoop} wakes the worker's loop (e.g. when a slot ends during a
   * stop); safe to call from any thread.
   */
  void start(Runnable wakeLoop);

  /** Takes new work in (the hooks' spool into the queue); returns how many jobs were added. */
  int ingest();

  /** Asks idle slots to look for due jobs: all of them, or one. Returns at once. */
  void offerWork(boolean allSlots);

  /** The jobs running now, for the heartbeat (empty when idle). */
  List<String> currentJobs();

  /** The job most recently started, "" before the first. */
  String lastJob();

  /** Asks every slot to finish or hand back its job, then end. Returns at once. */
  void requestStop();

  /** True once every slot has ended (after {@link #requestStop()}). */
  boolean stopped();

  /**
   * The worker registry of the task's store, where the worker registers and beats; empty where the
   * task keeps none. Valid until {@link #close()}.
   */
  default Optional<WorkerRegistry> registry() {
    return Optional.empty();
  }

  /**
   * The name of the task's store where workers of other hosts claim from it too (see {@link
   * io.codequery.store.JobStore#sharedWithOtherHosts}); empty where the store is this clone's own.
   */
  default Optional<String> sharedWithOtherHosts() {
    return Optional.empty();
  }

  /**
   * Fences the task's job slots with {@code fence}: they claim nothing while it says so, and end a
   * running job's command where it must end (set before {@link #start}).
   */
  default void fenceWith(SelfFence fence) {}

  /** The lease-owner prefix the task's job slots claim with ("" where it claims nothing). */
  default String claimOwner() {
    return "";
  }

  @Override
  void close();
}
