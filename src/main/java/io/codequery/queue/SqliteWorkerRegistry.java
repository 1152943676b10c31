package io.codequery.queue;

import io.codequery.store.Beat;
import io.codequery.store.NewWorker;
import io.codequery.store.StopRequest;
import io.codequery.store.WorkerRecord;
import io.codequery.store.WorkerRegistry;
import io.codequery.store.WorkerState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The {@link WorkerRegistry} on SQLite: the {@code workers} table of the project's queue database
 * (schema step 5), beside the jobs whose leases it frees. Times come from the queue's clock.
 */
final class SqliteWorkerRegistry implements WorkerRegistry {
  /** Lives that ended longer ago than this are forgotten (every restart adds one). */
  static final Duration FORGET_ENDED_AFTER = Duration.ofDays(1);

  /** A heartbeat older than this many intervals means dead. */
  static final int DEAD_AFTER_INTERVALS = 3;

  private static final String COLUMNS =
      "worker_id, host, host_id, pid, process_start_ticks, root, version, claim_owner, state,"
          + " stop_requested, heartbeat_ms, job_timeout_ms, started_at, heartbeat_at, progress_at";

  /** The running jobs of a worker: those its claims hold (lease owner {@code claim_owner…}). */
  private static final String OWNS_JOB =
      "jobs.state = 'running' AND substr(jobs.lease_owner, 1, length(workers.claim_owner))"
          + " = workers.claim_owner";

  private final SqliteDatabase db;
  private final Clock clock;

  SqliteWorkerRegistry(SqliteDatabase db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  @Override
  public WorkerRecord register(NewWorker w) {
    String id = UUID.randomUUID().toString();
    long now = clock.millis();
    db.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO workers ("
                      + COLUMNS
                      + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'running', 0, ?, ?, ?, ?, ?)")) {
            JobRows.bind(
                ps,
                id,
                w.host(),
                w.hostId(),
                w.pid(),
                w.processStartTicks(),
                w.root(),
                w.version(),
                w.claimOwner(),
                w.heartbeatInterval().toMillis(),
                w.jobTimeout().toMillis(),
                now,
                now,
                now);
            ps.executeUpdate();
          }
          forgetEnded(c, now);
          return null;
        });
    return worker(id).orElseThrow(() -> new IllegalStateException("registered row vanished"));
  }

  @Override
  public Beat heartbeat(String workerId, boolean progressed) {
    long now = clock.millis();
    return db.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE workers SET heartbeat_at = ?, progress_at = CASE WHEN ? THEN ? ELSE"
                      + " progress_at END WHERE worker_id = ? AND state IN ('running',"
                      + " 'draining')")) {
            JobRows.bind(ps, now, progressed ? 1 : 0, now, workerId);
            if (ps.executeUpdate() == 0) {
              return new Beat.Ended();
            }
          }
          try (PreparedStatement ps =
              c.prepareStatement("SELECT stop_requested FROM workers WHERE worker_id = ?")) {
            ps.setString(1, workerId);
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              return new Beat.Recorded(rs.getInt(1) != 0);
            }
          }
        });
  }

  @Override
  public void markDraining(String workerId) {
    setState(workerId, "'draining'", "state = 'running'");
  }

  @Override
  public void markStopped(String workerId) {
    setState(workerId, "'stopped', ended_at = ?", "state IN ('running', 'draining')");
  }

  private void setState(String workerId, String state, String from) {
    long now = clock.millis();
    db.withConnection(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE workers SET state = " + state + " WHERE worker_id = ? AND " + from)) {
            if (state.contains("?")) {
              JobRows.bind(ps, now, workerId);
            } else {
              ps.setString(1, workerId);
            }
            return ps.executeUpdate();
          }
        });
  }

  @Override
  public StopRequest requestStop(String workerId) {
    return db.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE workers SET stop_requested = 1 WHERE worker_id = ? AND state IN"
                      + " ('running', 'draining')")) {
            ps.setString(1, workerId);
            if (ps.executeUpdate() == 1) {
              return StopRequest.REQUESTED;
            }
          }
          try (PreparedStatement ps =
              c.prepareStatement("SELECT 1 FROM workers WHERE worker_id = ?")) {
            ps.setString(1, workerId);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? StopRequest.NOT_RUNNING : StopRequest.UNKNOWN_WORKER;
            }
          }
        });
  }

  @Override
  public List<WorkerRecord> workers() {
    long now = clock.millis();
    return db.withConnection(c -> select(c, now, "", List.of()));
  }

  @Override
  public List<WorkerRecord> reap() {
    long now = clock.millis();
    return db.inTransaction(
        c -> {
          // Under the write lock (BEGIN IMMEDIATE): two reapers at once mark each life once.
          List<WorkerRecord> dead =
              select(
                  c,
                  now,
                  " WHERE workers.state IN ('running', 'draining') AND workers.heartbeat_at < ? - "
                      + DEAD_AFTER_INTERVALS
                      + " * workers.heartbeat_ms",
                  List.of(now));
          for (WorkerRecord w : dead) {
            try (PreparedStatement ps =
                c.prepareStatement(
                    "UPDATE workers SET state = 'dead', ended_at = ? WHERE worker_id = ?")) {
              JobRows.bind(ps, now, w.workerId());
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
              JobRows.bind(ps, now - 1, now, now, w.claimOwner().length(), w.claimOwner());
              ps.executeUpdate();
            }
          }
          forgetEnded(c, now);
          return dead.stream().map(w -> withState(w, WorkerState.DEAD)).toList();
        });
  }

  private static void forgetEnded(Connection c, long now) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "DELETE FROM workers WHERE state IN ('stopped', 'dead') AND ended_at < ?")) {
      ps.setLong(1, now - FORGET_ENDED_AFTER.toMillis());
      ps.executeUpdate();
    }
  }

  private static List<WorkerRecord> select(
      Connection c, long now, String where, List<Object> values) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT "
                + COLUMNS
                + ", (SELECT COUNT(*) FROM jobs WHERE "
                + OWNS_JOB
                + ") FROM workers"
                + where
                + " ORDER BY started_at DESC, rowid DESC")) {
      JobRows.bind(ps, values.toArray());
      List<WorkerRecord> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(
              new WorkerRecord(
                  rs.getString(1),
                  rs.getString(2),
                  rs.getString(3),
                  rs.getLong(4),
                  rs.getLong(5),
                  rs.getString(6),
                  rs.getString(7),
                  rs.getString(8),
                  WorkerState.of(rs.getString(9)),
                  rs.getInt(10) != 0,
                  Duration.ofMillis(rs.getLong(11)),
                  Duration.ofMillis(rs.getLong(12)),
                  Instant.ofEpochMilli(rs.getLong(13)),
                  age(now, rs.getLong(14)),
                  age(now, rs.getLong(15)),
                  rs.getLong(16)));
        }
      }
      return out;
    }
  }

  private static Duration age(long now, long then) {
    return Duration.ofMillis(Math.max(0, now - then));
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
