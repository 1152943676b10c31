package io.codequery.worker;

/**
 * One unit of the worker's work, run between heartbeats on the worker's main thread (the queue
 * consumer plugs in here). Implementations must return promptly when there is nothing to do.
 */
public interface WorkerTask extends AutoCloseable {
  /** Does one piece of work if there is one; true if it did (the loop then asks again at once). */
  boolean runOnce() throws Exception;

  /**
   * Called once before the loop starts with a callback that wakes the loop early (e.g. when new
   * work arrives), instead of at the next heartbeat.
   */
  default void attach(Runnable wakeWorker) {}

  /** What the task is doing now, for the heartbeat ("" when idle). */
  default String current() {
    return "";
  }

  /**
   * Asks a running {@link #runOnce} to finish or hand back its work; called from another thread.
   */
  default void requestStop() {}

  @Override
  default void close() throws Exception {}
}
