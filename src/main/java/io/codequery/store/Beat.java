package io.codequery.store;

/** The registry's answer to a worker's heartbeat. */
public sealed interface Beat {
  /**
   * The heartbeat was recorded.
   *
   * @param stopRequested someone asked this worker to stop: it stops as on SIGTERM
   */
  record Recorded(boolean stopRequested) implements Beat {}

  /**
   * The registry holds this life as ended (a reaper marked it dead while it was frozen or cut off,
   * or the row is gone): the heartbeat was not recorded. Its jobs may run elsewhere already.
   */
  record Ended() implements Beat {}
}
