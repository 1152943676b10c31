package io.codequery.sqlstore;

import io.codequery.store.Beat;
import io.codequery.store.NewWorker;
import io.codequery.store.StopRequest;
import io.codequery.store.WorkerRecord;
import io.codequery.store.WorkerState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The worker registry's {@code workers} table, written once: a new life's row, its heartbeat, its
 * state and stop request, the rows as {@link WorkerRecord}s, forgetting ended lives. Each store
 * keeps what is its own: its transactions, how it finds the dead and frees their jobs' leases
 * (PostgreSQL adds a session lock per life and one reaper at a time), and its time, which it hands
 * in as SQL once per operation ({@code now()} on PostgreSQL, the clock's milliseconds on SQLite).
 */
public final class WorkerRows {
  /** Lives that ended longer ago than this are forgotten (every restart adds one). */
  public static final Duration FORGET_ENDED_AFTER = Duration.ofDays(1);

  /** A heartbeat older than this many intervals means dead. */
  public static final int DEAD_AFTER_INTERVALS = 3;

  private static final String COLUMNS =
      "worker_id, host, host_id, pid, process_start_ticks, root, version, claim_owner, state,"
          + " stop_requested, heartbeat_ms, job_timeout_ms, started_at, heartbeat_at, progress_at";

  /** The running jobs of a worker: those its claims hold (lease owner {@code claim_owner…}). */
  private static final String OWNS_JOB =
      "jobs.state = 'running' AND substr(jobs.lease_owner, 1, length(workers.claim_owner))"
          + " = workers.claim_owner";

  /** Binds the parameters of a {@link #select}'s condition. */
  @FunctionalInterface
  public interface Binding {
    /** Binds from parameter 1 on. */
    void bind(PreparedStatement ps) throws SQLException;
  }

  private final SqlDialect dialect;
  private final String shownState;
  private final String order;

  /**
   * @param shownState the state a reader is shown, as SQL over the row ({@code state}, or where a
   *     store knows a life dead before its row says so, an expression saying it)
   * @param order the order of the rows read, newest life first, as SQL after {@code ORDER BY}
   */
  public WorkerRows(SqlDialect dialect, String shownState, String order) {
    this.dialect = dialect;
    this.shownState = shownState;
    this.order = order;
  }

  /**
   * Inserts the row of a new life {@code id}, running, started and beaten at {@code at}, and
   * forgets the lives that ended long before (every restart adds one).
   */
  public void register(Connection c, String at, String id, NewWorker w) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO workers ("
                + COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'running', false, ?, ?, "
                + at
                + ", "
                + at
                + ", "
                + at
                + ")")) {
      ps.setString(1, id);
      ps.setString(2, dialect.text(w.host()));
      ps.setString(3, dialect.text(w.hostId()));
      ps.setLong(4, w.pid());
      ps.setLong(5, w.processStartTicks());
      ps.setString(6, dialect.text(w.root()));
      ps.setString(7, dialect.text(w.version()));
      ps.setString(8, dialect.text(w.claimOwner()));
      ps.setLong(9, w.heartbeatInterval().toMillis());
      ps.setLong(10, w.jobTimeout().toMillis());
      ps.executeUpdate();
    }
    forgetEnded(c, at);
  }

  /**
   * Records a heartbeat of a life still alive in its row, in one statement: a reaper marking the
   * life dead at the same instant either runs first (no row matches: the life has ended) or waits
   * for the row and then finds the renewed heartbeat too young to reap.
   */
  public Beat heartbeat(Connection c, String at, String workerId, boolean progressed)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE workers SET heartbeat_at = "
                + at
                + ", progress_at = CASE WHEN ? THEN "
                + at
                + " ELSE progress_at END WHERE worker_id = ? AND state IN ('running',"
                + " 'draining') RETURNING stop_requested")) {
      ps.setBoolean(1, progressed);
      ps.setString(2, workerId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? new Beat.Recorded(rs.getBoolean(1)) : new Beat.Ended();
      }
    }
  }

  /** Marks a running life draining (it finishes its jobs and claims no more); 1 where it was. */
  public int markDraining(Connection c, String workerId) throws SQLException {
    return setState(c, workerId, "'draining'", "state = 'running'");
  }

  /** Marks a life still alive in its row stopped at {@code at}; 1 where it was. */
  public int markStopped(Connection c, String at, String workerId) throws SQLException {
    return setState(c, workerId, "'stopped', ended_at = " + at, "state IN ('running', 'draining')");
  }

  private static int setState(Connection c, String workerId, String state, String from)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE workers SET state = " + state + " WHERE worker_id = ? AND " + from)) {
      ps.setString(1, workerId);
      return ps.executeUpdate();
    }
  }

  /** Asks a life still alive in its row to stop; else says whether the life was ever known. */
  public StopRequest requestStop(Connection c, String workerId) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE workers SET stop_requested = true WHERE worker_id = ? AND state IN"
                + " ('running', 'draining')")) {
      ps.setString(1, workerId);
      if (ps.executeUpdate() == 1) {
        return StopRequest.REQUESTED;
      }
    }
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM workers WHERE worker_id = ?")) {
      ps.setString(1, workerId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? StopRequest.NOT_RUNNING : StopRequest.UNKNOWN_WORKER;
      }
    }
  }

  /**
   * The condition, as SQL over a row, of a heartbeat older at {@code at} than {@link
   * #DEAD_AFTER_INTERVALS} of the life's intervals.
   */
  public String heartbeatOverdue(String at) {
    return "heartbeat_at < " + dialect.millisBefore(at, DEAD_AFTER_INTERVALS + " * heartbeat_ms");
  }

  /**
   * Deletes the rows of lives that ended more than {@link #FORGET_ENDED_AFTER} before {@code at}.
   */
  public void forgetEnded(Connection c, String at) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "DELETE FROM workers WHERE state IN ('stopped', 'dead') AND ended_at < "
                + dialect.millisBefore(at, "?"))) {
      ps.setLong(1, FORGET_ENDED_AFTER.toMillis());
      ps.executeUpdate();
    }
  }

  /**
   * The lives whose rows match {@code where} (SQL from {@code " WHERE …"} on, or empty for all),
   * newest first, with their ages at {@code at} and their running jobs counted.
   */
  public List<WorkerRecord> select(Connection c, String at, String where, Binding binding)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT "
                + COLUMNS.replace(" state,", " " + shownState + ",")
                + ", (SELECT COUNT(*) FROM jobs WHERE "
                + OWNS_JOB
                + "), "
                + dialect.millisSince(at, "heartbeat_at")
                + ", "
                + dialect.millisSince(at, "progress_at")
                + " FROM workers"
                + where
                + " ORDER BY "
                + order)) {
      binding.bind(ps);
      List<WorkerRecord> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(record(rs));
        }
      }
      return out;
    }
  }

  private WorkerRecord record(ResultSet rs) throws SQLException {
    return new WorkerRecord(
        rs.getString(1),
        rs.getString(2),
        rs.getString(3),
        rs.getLong(4),
        rs.getLong(5),
        rs.getString(6),
        rs.getString(7),
        rs.getString(8),
        WorkerState.of(rs.getString(9)),
        rs.getBoolean(10),
        Duration.ofMillis(rs.getLong(11)),
        Duration.ofMillis(rs.getLong(12)),
        dialect.instant(rs, "started_at"),
        Duration.ofMillis(rs.getLong(17)),
        Duration.ofMillis(rs.getLong(18)),
        rs.getLong(16));
  }
}
