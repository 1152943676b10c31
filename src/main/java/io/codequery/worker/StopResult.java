package io.codequery.worker;

import io.codequery.Detection;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/** What {@code worker stop} found or did. No signal is sent but in {@link Stopped}. */
public sealed interface StopResult
    permits StopResult.Stopped,
        StopResult.NotRunning,
        StopResult.GoneBeforeSignal,
        StopResult.Unverified,
        StopResult.Refused,
        StopResult.PermissionDenied,
        StopResult.StillRunning {

  /**
   * The worker exited after SIGTERM, or after SIGKILL once the timeout passed.
   *
   * @param took from the first signal until the worker was gone
   * @param killedAfter the timeout after which SIGKILL was sent; empty where SIGTERM sufficed
   */
  record Stopped(int pid, Duration took, Optional<Duration> killedAfter) implements StopResult {}

  /**
   * No worker runs. The detection says why; it may have removed a stale or invalid PID file ({@link
   * Detection#cleanedUp()}).
   */
  record NotRunning(Detection detection) implements StopResult {}

  /** The verified worker exited, or its PID changed hands, between the check and the signal. */
  record GoneBeforeSignal(int pid) implements StopResult {}

  /** The detector cannot tell whether a worker runs ({@code unknown}): nothing is signalled. */
  record Unverified(Detection.Unknown detection) implements StopResult {}

  /**
   * A worker runs, but the files that identify it could be forged or the process lacks the worker
   * marker: nothing is signalled.
   */
  record Refused(int pid, String reason) implements StopResult {}

  /**
   * The kernel refused the signal (EPERM): the worker belongs to another user.
   *
   * @param caller the name of the user who asked
   * @param workerUser the worker's user name, where the OS tells it
   * @param workerUid the worker's uid, where the OS tells it
   */
  record PermissionDenied(
      int pid, String caller, Optional<String> workerUser, OptionalInt workerUid)
      implements StopResult {}

  /** The worker was signalled but is still running after the timeout (and SIGKILL). */
  record StillRunning(int pid) implements StopResult {}
}
