package io.codequery.store;

/** What {@link WorkerRegistry#requestStop} did. */
public enum StopRequest {
  /** The request is recorded; the worker honours it at its next heartbeat. */
  REQUESTED,
  /** The worker's life has ended already (stopped or dead): nothing to ask. */
  NOT_RUNNING,
  /** No worker has this id. */
  UNKNOWN_WORKER
}
