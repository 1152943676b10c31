package io.codequery.queue;

import io.codequery.sqlstore.WorkerRows;
import io.codequery.store.Beat;
import io.codequery.store.NewWorker;
import io.codequery.store.StopRequest;
import io.codequery.store.WorkerRecord;
import io.codequery.store.WorkerRegistry;
import io.codequery.store.WorkerState;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.util.List;
import java.util.UUID;

/**
 * The {@link WorkerRegistry} on SQLite: the {@code workers} table of the project's queue database
 * (schema step 5), beside the jobs whose leases it frees. Times come from the queue's clock.
 */
final class SqliteWorkerRegistry implements WorkerRegistry {
  /** The table's protocol, written once: a row's state is its column, the newest life first. */
  private static final WorkerRows ROWS =
      new WorkerRows(SqliteDialect.SQLITE, "state", "started_at DESC, rowid DESC");

  private final SqliteDatabase db;
  private final Clock clock;

  SqliteWorkerRegistry(SqliteDatabase db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  @Override
  public WorkerRecord register(NewWorker w) {
    String id = UUID.randomUUID().toString();
    String at = now();
    db.inTransaction(
        c -> {
          ROWS.register(c, at, id, w);
          return null;
        });
    return worker(id).orElseThrow(() -> new IllegalStateException("registered row vanished"));
  }

  @Override
  public Beat heartbeat(String workerId, boolean progressed) {
    String at = now();
    return db.inTransaction(c -> ROWS.heartbeat(c, at, workerId, progressed));
  }

  @Override
  public void markDraining(String workerId) {
    db.withConnection(c -> ROWS.markDraining(c, workerId));
  }

  @Override
  public void markStopped(String workerId) {
    String at = now();
    db.withConnection(c -> ROWS.markStopped(c, at, workerId));
  }

  @Override
  public StopRequest requestStop(String workerId) {
    return db.inTransaction(c -> ROWS.requestStop(c, workerId));
  }

  @Override
  public List<WorkerRecord> workers() {
    String at = now();
    return db.withConnection(c -> ROWS.select(c, at, "", ps -> {}));
  }

  @Override
  public List<WorkerRecord> reap() {
    long now = clock.millis();
    String at = SqliteDialect.time(now);
    return db.inTransaction(
        c -> {
          // Under the write lock (BEGIN IMMEDIATE): two reapers at once mark each life once.
          List<WorkerRecord> dead =
              ROWS.select(
                  c,
                  at,
                  " WHERE state IN ('running', 'draining') AND " + ROWS.heartbeatOverdue(at),
                  ps -> {});
          for (WorkerRecord w : dead) {
            try (PreparedStatement ps =
                c.prepareStatement(
                    "UPDATE workers SET state = 'dead', ended_at = ? WHERE worker_id = ?")) {
              JobRows.JOBS.bind(ps, now, w.workerId());
              ps.executeUpdate();
            }
            // Its jobs' leases expire now rather than when their renewal would have stopped: the
            // next claim takes them under the queue's rules (attempt counted, retry budget, and
            // what their last run left running is ended first, so none runs twice at once). The
            // version is left alone: the claim bumps it, which fences a frozen owner's late result.
            try (PreparedStatement ps =
                c.prepareStatement(
                    "UPDATE jobs SET lease_until = ?, updated_at = ? WHERE state = 'running' AND"
                        + " lease_until >= ? AND substr(lease_owner, 1, ?) = ?")) {
              JobRows.JOBS.bind(ps, now - 1, now, now, w.claimOwner().length(), w.claimOwner());
              ps.executeUpdate();
            }
          }
          ROWS.forgetEnded(c, at);
          return dead.stream().map(w -> withState(w, WorkerState.DEAD)).toList();
        });
  }

  /** The clock's time as the SQL the rows are written with. */
  private String now() {
    return SqliteDialect.time(clock.millis());
  }

  private static WorkerRecord withState(WorkerRecord w, WorkerState state) {
    return new WorkerRecord(
        w.workerId(),
        w.host(),
        w.hostId(),
        w.pid(),
        w.processStartTicks(),
        w.root(),
        w.version(),
        w.claimOwner(),
        state,
        w.stopRequested(),
        w.heartbeatInterval(),
        w.jobTimeout(),
        w.startedAt(),
        w.heartbeatAge(),
        w.progressAge(),
        w.jobsRunning());
  }
}
