package io.codequery.store;

import java.time.Duration;

/**
 * What a worker tells the registry about itself as it starts.
 *
 * @param host the host's name, for people (host names collide; {@code hostId} does not)
 * @param hostId which machine, boot and PID namespace the worker runs in (see {@code
 *     io.codequery.process.HostId}): a PID means something only where this matches
 * @param pid the worker's process id on its host (shown, never a key: PIDs collide across hosts)
 * @param processStartTicks the process's start time in clock ticks since boot, -1 where unknown
 * @param root the project root the worker serves
 * @param version the code-query version the worker runs
 * @param claimOwner the prefix of the lease owner its job slots claim with: the registry counts and
 *     frees that worker's jobs by it
 * @param heartbeatInterval how often the worker beats (its states are judged against it)
 * @param jobTimeout how long one job may run (a worker holding jobs longer without progress hangs)
 */
public record NewWorker(
    String host,
    String hostId,
    long pid,
    long processStartTicks,
    String root,
    String version,
    String claimOwner,
    Duration heartbeatInterval,
    Duration jobTimeout) {
  public NewWorker {
    if (claimOwner == null || claimOwner.isBlank()) {
      throw new IllegalArgumentException("a worker needs the lease owner its claims carry");
    }
    if (heartbeatInterval.isZero() || heartbeatInterval.isNegative()) {
      throw new IllegalArgumentException(
          "heartbeat interval must be positive: " + heartbeatInterval);
    }
    if (jobTimeout.isNegative()) {
      throw new IllegalArgumentException("job timeout must not be negative: " + jobTimeout);
    }
  }
}
