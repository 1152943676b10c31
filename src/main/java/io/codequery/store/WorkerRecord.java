package io.codequery.store;

import java.time.Duration;
import java.time.Instant;

/**
 * One worker life as the registry holds it, read at one instant of the store's clock.
 *
 * @param workerId random, one per life (a restart is a new life)
 * @param state as stored — but dead where the store knows the worker's session ended (PostgreSQL:
 *     its session lock is gone); what a user is shown is derived from it and the ages ({@code
 *     worker list})
 * @param stopRequested someone asked this worker to stop ({@link WorkerRegistry#requestStop})
 * @param startedAt when it registered (store clock)
 * @param heartbeatAge how long since its last heartbeat, on the store's clock at the read
 * @param progressAge how long since a job slot of it last made progress (or it was idle)
 * @param jobsRunning jobs running under its claims now (its lease owner)
 */
public record WorkerRecord(
    String workerId,
    String host,
    String hostId,
    long pid,
    long processStartTicks,
    String root,
    String version,
    String claimOwner,
    WorkerState state,
    boolean stopRequested,
    Duration heartbeatInterval,
    Duration jobTimeout,
    Instant startedAt,
    Duration heartbeatAge,
    Duration progressAge,
    long jobsRunning) {}
