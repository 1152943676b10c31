package io.codequery.worker;

import io.codequery.store.WorkerRecord;
import java.time.Duration;
import java.util.List;

/** What {@code worker stop --worker ID} found or did. */
public sealed interface RegisteredStop {
  /**
   * The worker runs on this host: stopped through the verified signal path ({@link StopWorker}).
   */
  record Signalled(WorkerRecord worker, StopResult result) implements RegisteredStop {}

  /**
   * The worker runs on another host: a stop was requested through the registry (no signal crosses a
   * host).
   *
   * @param stopped the worker's life ended within the wait (it stopped, or was reaped)
   * @param waited how long this call waited for it
   */
  record Requested(WorkerRecord worker, boolean stopped, Duration waited)
      implements RegisteredStop {}

  /**
   * The worker's life has ended already: stopped or dead in the registry, or its process is gone
   * from this host.
   */
  record NotRunning(WorkerRecord worker, String reason) implements RegisteredStop {}

  /** No worker id starts with {@code id}. */
  record NoSuchWorker(String id) implements RegisteredStop {}

  /** Several worker ids start with {@code id}. */
  record Ambiguous(String id, List<String> matches) implements RegisteredStop {}
}
