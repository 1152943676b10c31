package io.codequery.pgstore;

import io.codequery.sqlstore.WorkerRows;
import io.codequery.store.Beat;
import io.codequery.store.NewWorker;
import io.codequery.store.StopRequest;
import io.codequery.store.WorkerRecord;
import io.codequery.store.WorkerRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The {@link WorkerRegistry} on PostgreSQL: the {@code workers} table (schema step 2), shared by
 * the workers of every host. Every time it stores or compares is the database's clock (the hosts
 * sharing the store need not agree on the time); an age is computed by the database at the read.
 *
 * <p><b>Dead at once.</b> Each life registered here holds a session advisory lock of its own
 * ({@code lock_key}) on a connection outside the pool that stays idle (GoodJob's method). A worker
 * killed outright loses its socket with its process, the server ends the session, and the lock goes
 * with it: a life whose lock, taken since the server last started, is no longer held is dead at
 * once, for {@link #workers} and {@link #reap} alike. A lock taken before a server restart proves
 * nothing (every lock went with the restart); such a life is judged by its heartbeat until it takes
 * its lock again, which it does at its next heartbeat. A partitioned host's session may hold its
 * lock for a long time: the heartbeat's age still marks it dead after three intervals.
 */
final class PgWorkerRegistry implements WorkerRegistry, AutoCloseable {
  /** The advisory lock key of the reaper ("cq-reapr" in ASCII). */
  static final long REAP_LOCK = 0x63712d7265617072L;

  /**
   * True where the life's lock, taken since the server started, is held by no session any more: its
   * worker's session ended (the process died, or its connection broke).
   */
  private static final String LOCK_GONE =
      "(workers.locked_at >= pg_postmaster_start_time() AND NOT EXISTS (SELECT 1 FROM pg_locks"
          + " WHERE pg_locks.locktype = 'advisory' AND pg_locks.database = (SELECT oid FROM"
          + " pg_database WHERE datname = current_database()) AND pg_locks.classid ="
          + " (workers.lock_key >> 32)::oid AND pg_locks.objid = (workers.lock_key &"
          + " 4294967295)::oid AND pg_locks.objsubid = 1 AND pg_locks.granted))";

  /** The state a reader is shown: a life still alive in its row whose lock is gone is dead. */
  private static final String SHOWN_STATE =
      "CASE WHEN state IN ('running', 'draining') AND " + LOCK_GONE + " THEN 'dead' ELSE state END";

  /** The table's protocol, written once: the state shown, the newest life first. */
  private static final WorkerRows ROWS =
      new WorkerRows(PgDialect.POSTGRESQL, SHOWN_STATE, "life DESC");

  /** How long a check that a life's lock connection still works may take. */
  private static final int LOCK_CHECK_SECONDS = 2;

  private final PgDatabase db;
  private final Supplier<String> now;

  /** The lock session of each life registered through this registry and not yet ended. */
  private final Map<String, Connection> lockSessions = new ConcurrentHashMap<>();

  /**
   * @param now the database's "now" as SQL (with the tests' shift), read once per call
   */
  PgWorkerRegistry(PgDatabase db, Supplier<String> now) {
    this.db = db;
    this.now = now;
  }

  @Override
  public WorkerRecord register(NewWorker w) {
    String id = UUID.randomUUID().toString();
    String at = now.get();
    db.inTransaction(
        c -> {
          ROWS.register(c, at, id, w);
          return null;
        });
    holdLockQuietly(id);
    return worker(id).orElseThrow(() -> new IllegalStateException("registered row vanished"));
  }

  /**
   * Makes sure this life holds its lock on a working session of its own: takes it on a new one
   * where there is none yet, or where the one it had broke (a server restart, a connection cut). A
   * failure leaves the life to its heartbeat (the slow path) and is tried again at the next beat.
   */
  private void holdLockQuietly(String workerId) {
    try {
      holdLock(workerId);
    } catch (SQLException | RuntimeException e) {
      releaseLock(workerId);
    }
  }

  private void holdLock(String workerId) throws SQLException {
    Connection held = lockSessions.get(workerId);
    if (held != null && held.isValid(LOCK_CHECK_SECONDS)) {
      return;
    }
    if (held != null) {
      // The session looks broken, but may merely be slow: between closing it and locking again
      // the key is free, and a reaper must not read that gap as this worker's death. Without a
      // locked_at, the life is judged by its heartbeat until the lock is taken again.
      db.withConnection(
          c -> {
            try (PreparedStatement ps =
                c.prepareStatement("UPDATE workers SET locked_at = NULL WHERE worker_id = ?")) {
              ps.setString(1, workerId);
              return ps.executeUpdate();
            }
          });
    }
    releaseLock(workerId);
    Connection c = db.openUnpooled();
    try {
      // The session waits idle by design: a server's idle_session_timeout (PostgreSQL 14 and
      // later) must not end it, which would read as this worker's death.
      try (Statement st = c.createStatement()) {
        st.execute("SET idle_session_timeout = 0");
      } catch (SQLException e) {
        // an older server: it has no such timeout
      }
      // Autocommit: the lock is the session's, and the session then waits idle in no transaction.
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT pg_try_advisory_lock(lock_key) FROM workers WHERE worker_id = ?")) {
        ps.setString(1, workerId);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next() || !rs.getBoolean(1)) {
            // The row is gone, or another session holds the key (the sequence wrapped around
            // onto a life that still runs): no lock, the heartbeat alone judges this life.
            c.close();
            return;
          }
        }
      }
      try (PreparedStatement ps =
          c.prepareStatement("UPDATE workers SET locked_at = now() WHERE worker_id = ?")) {
        ps.setString(1, workerId);
        ps.executeUpdate();
      }
    } catch (SQLException | RuntimeException e) {
      c.close();
      throw e;
    }
    lockSessions.put(workerId, c);
  }

  /** Ends this life's lock session, if this registry holds one; the lock goes with it. */
  private void releaseLock(String workerId) {
    Connection c = lockSessions.remove(workerId);
    if (c != null) {
      try {
        c.close();
      } catch (SQLException e) {
        // the session is broken already: its lock is gone with it
      }
    }
  }

  @Override
  public Beat heartbeat(String workerId, boolean progressed) {
    String at = now.get();
    // Out of a transaction: the update is one statement (WorkerRows#heartbeat says why).
    Beat beat = db.withConnection(c -> ROWS.heartbeat(c, at, workerId, progressed));
    if (beat instanceof Beat.Recorded) {
      // Takes the lock again where its session broke: after a server restart, the lock is gone
      // while the worker lives on, and without it a later kill would be seen only by the age.
      holdLockQuietly(workerId);
    } else {
      releaseLock(workerId);
    }
    return beat;
  }

  @Override
  public void markDraining(String workerId) {
    db.withConnection(c -> ROWS.markDraining(c, workerId));
  }

  @Override
  public void markStopped(String workerId) {
    String at = now.get();
    db.withConnection(c -> ROWS.markStopped(c, at, workerId));
    releaseLock(workerId);
  }

  @Override
  public StopRequest requestStop(String workerId) {
    return db.inTransaction(c -> ROWS.requestStop(c, workerId));
  }

  @Override
  public List<WorkerRecord> workers() {
    String at = now.get();
    return db.withConnection(c -> ROWS.select(c, at, "", ps -> {}));
  }

  @Override
  public List<WorkerRecord> reap() {
    String at = now.get();
    return db.inTransaction(
        c -> {
          // One reaper at a time, whatever the host: the others find the lock taken and leave the
          // work to it (what it misses, the next round's reaper sees). Each life is marked once
          // anyway, as the UPDATE below takes only rows still alive.
          try (Statement st = c.createStatement();
              ResultSet rs =
                  st.executeQuery("SELECT pg_try_advisory_xact_lock(" + REAP_LOCK + ")")) {
            rs.next();
            if (!rs.getBoolean(1)) {
              return List.<WorkerRecord>of();
            }
          }
          // A dead life's rows may still be locked by its frozen session (until the server ends
          // it: PgDatabase's idle-in-transaction timeout). The reaper gives up within a second
          // rather than wait there: it runs on the heartbeat's thread, and a reaper stuck on a
          // frozen worker's locks once stopped its own worker's heartbeat. The next beat tries
          // again.
          try (Statement st = c.createStatement()) {
            st.execute("SET LOCAL lock_timeout = '1s'");
          }
          List<String> dead = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE workers SET state = 'dead', ended_at = "
                      + at
                      + " WHERE state IN ('running', 'draining') AND ("
                      + ROWS.heartbeatOverdue(at)
                      + " OR "
                      + LOCK_GONE
                      + ") RETURNING worker_id, claim_owner")) {
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                dead.add(rs.getString(1));
                expireLeases(c, at, rs.getString(2));
              }
            }
          }
          ROWS.forgetEnded(c, at);
          return dead.isEmpty()
              ? List.<WorkerRecord>of()
              : ROWS.select(
                  c,
                  at,
                  " WHERE workers.worker_id = ANY (?)",
                  ps -> ps.setArray(1, c.createArrayOf("text", dead.toArray(String[]::new))));
        });
  }

  /**
   * The running jobs of a reaped life: their leases expire now rather than when their renewal would
   * have stopped, so the next claim takes them under the queue's rules (attempt counted, retry
   * budget, a run left on this host ended first). The lease token is left alone: the claim draws a
   * new one, which fences the frozen owner's late result. A second in the past, not a millisecond:
   * the claim that follows compares it with its own transaction's clock, and a reaper's transaction
   * that began later than the claimant's read of that clock (a test's shifted clock; a stepped
   * server clock) must still have expired it.
   */
  private static void expireLeases(Connection c, String at, String claimOwner) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE jobs SET lease_expires_at = "
                + at
                + " - interval '1 second', updated_at = "
                + at
                + " WHERE state = 'running' AND lease_expires_at >= "
                + at
                + " AND left(lease_owner, length(?)) = ?")) {
      PgRows.JOBS.bind(ps, claimOwner, claimOwner);
      ps.executeUpdate();
    }
  }

  /** Ends the lock sessions of the lives registered here (their workers are exiting). */
  @Override
  public void close() {
    for (String workerId : List.copyOf(lockSessions.keySet())) {
      releaseLock(workerId);
    }
  }
}
