package io.codequery.queue;

import io.codequery.CodeQueryException;
import io.codequery.config.Config;
import io.codequery.project.ProjectLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * The job queue: one SQLite file ({@code .code-query/queue.db}) in WAL mode, shared by the worker,
 * the git hook's fallback and the CLI, in any number of processes and threads.
 *
 * <p><b>Connections.</b> Every operation opens its own connection and closes it before returning.
 * Opening a SQLite connection costs well under a millisecond, the worker makes a handful of calls
 * per job, and in exchange this class holds no shared mutable state: it is thread-safe by
 * construction, contention between threads is resolved by SQLite exactly as between processes (busy
 * timeout, WAL readers never blocking the writer), and a queue kept open by an idle CLI or library
 * user holds no file handle. {@link #close()} only marks the instance closed.
 *
 * <p><b>Claiming</b> follows db-scheduler: read candidates, then take one with {@code UPDATE …
 * WHERE id = ? AND version = ?} and check the update count; a count of 0 means another claimant won
 * and the next candidate is tried. Delivery is at least once: a running job whose lease expired
 * (its worker died or hung) is claimable again; a job whose lease expired more often than the retry
 * budget allows is marked failed instead of being handed out forever.
 *
 * <p>All times come from the injected {@link Clock} and are stored as epoch milliseconds.
 */
public final class JobQueue implements AutoCloseable {
  /** The schema version this code writes ({@code PRAGMA user_version}). */
  public static final int SCHEMA_VERSION = 1;

  /** Bytes of output kept per job (the runner bounds it first; this guards the table). */
  public static final int MAX_OUTPUT_CHARS = BoundedOutput.DEFAULT_LIMIT;

  public static final int MAX_ERROR_CHARS = 8 * 1024;

  private static final int BUSY_TIMEOUT_MS = 30_000;
  private static final int CLAIM_CANDIDATES = 16;
  private static final int CLAIM_ROUNDS = 8;
  private static final String COLUMNS =
      "id, commit_id, file, state, attempts, not_before, lease_owner, lease_until, version,"
          + " created_at, updated_at, exit_code, duration_ms, output, error";

  private final Path file;
  private final String url;
  private final SQLiteConfig sqlite;
  private final int maxRetries;
  private final Duration retryDelay;
  private final Clock clock;
  private volatile boolean closed;

  /**
   * Held open, unused, for the queue's life. Each operation opens a connection of its own; when the
   * last connection to a WAL database closes, SQLite checkpoints the WAL into the database (fsync)
   * and deletes it, and the next open creates it again: several times per job. While this one is
   * open, the others close cheaply and the usual auto-checkpoint does the work. Null where it could
   * not be opened (then everything works as before, only slower).
   */
  private volatile Connection keeper;

  private JobQueue(Path file, int maxRetries, Duration retryDelay, Clock clock) {
    this.file = file;
    this.url = "jdbc:sqlite:" + file.toUri(); // URI form: a root holding '?' or '%' stays one path
    this.maxRetries = maxRetries;
    this.retryDelay = retryDelay;
    this.clock = clock;
    this.sqlite = new SQLiteConfig();
    sqlite.setBusyTimeout(BUSY_TIMEOUT_MS);
    sqlite.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL); // durable across app crashes in WAL
  }

  /**
   * Opens (creating or migrating) the project's queue with the retry policy from {@code config}.
   */
  public static JobQueue open(ProjectLayout layout, Config config, Clock clock) {
    return open(
        layout.queueDatabase(),
        config.maxRetries(),
        Duration.ofSeconds(config.retryDelaySeconds()),
        clock);
  }

  /**
   * Opens the queue in {@code file}, creating the file and schema if needed.
   *
   * @param maxRetries how many times a retryable failure is retried (so up to maxRetries + 1 runs)
   * @param retryDelay how long a job waits before a retry
   * @throws CodeQueryException if the file is not a queue database (corrupt, foreign, or newer)
   */
  public static JobQueue open(Path file, int maxRetries, Duration retryDelay, Clock clock) {
    if (maxRetries < 0 || retryDelay.isNegative()) {
      throw new IllegalArgumentException("maxRetries and retryDelay must not be negative");
    }
    Path absolute = file.toAbsolutePath();
    try {
      Files.createDirectories(absolute.getParent());
    } catch (IOException e) {
      throw new CodeQueryException(
          "cannot create " + absolute.getParent() + " for the job queue: " + e.getMessage(), e);
    }
    JobQueue q = new JobQueue(absolute, maxRetries, retryDelay, clock);
    q.migrate();
    try {
      q.keeper = q.sqlite.createConnection(q.url);
    } catch (SQLException e) {
      // only an optimisation: without it each connection's close checkpoints the WAL
    }
    return q;
  }

  public Path file() {
    return file;
  }

  // ---------------------------------------------------------------- producing

  /**
   * Adds a pending job for each of {@code files} in {@code commit}. A (commit, file) already in the
   * queue, in any state, is left as it is: duplicates collapse and a done job is not redone.
   *
   * @return how many jobs were added
   * @throws CodeQueryException if any path is unsafe (then nothing is added)
   */
  public int enqueue(String commit, List<String> files) {
    JobPaths.checkCommit(commit);
    files.forEach(JobPaths::checkFile);
    long now = clock.millis();
    return inTransaction(
        c -> {
          int added = 0;
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO jobs (commit_id, file, state, attempts, not_before, version,"
                      + " created_at, updated_at) VALUES (?, ?, 'pending', 0, 0, 0, ?, ?) ON"
                      + " CONFLICT (commit_id, file) DO NOTHING")) {
            for (String f : files) {
              ps.setString(1, commit);
              ps.setString(2, f);
              ps.setLong(3, now);
              ps.setLong(4, now);
              added += ps.executeUpdate();
            }
          }
          return added;
        });
  }

  // ---------------------------------------------------------------- consuming

  /**
   * Claims the oldest job that is due: pending with its retry time reached, or running with an
   * expired lease. Empty when none is due (or, rarely, when faster claimants won every candidate
   * for several rounds in a row: then ask again later, as for an empty queue).
   */
  public Optional<Job> claim(String owner, Duration lease) {
    if (owner == null || owner.isBlank()) {
      throw new IllegalArgumentException("owner must be non-blank");
    }
    requirePositive(lease);
    return withConnection(
        c -> {
          // Every candidate can be lost to faster claimants while we wait for the write lock; that
          // says nothing about the rest of the queue, so look again (a few rounds, then give up).
          for (int round = 0; round < CLAIM_ROUNDS; round++) {
            long now = clock.millis();
            List<Job> candidates = candidates(c, now);
            if (candidates.isEmpty()) {
              return Optional.<Job>empty();
            }
            Optional<Job> won = claimOne(c, candidates, owner, lease, now);
            if (won.isPresent()) {
              return won;
            }
          }
          return Optional.<Job>empty();
        });
  }

  private static List<Job> candidates(Connection c, long now) throws SQLException {
    List<Job> candidates = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT "
                + COLUMNS
                + " FROM jobs WHERE (state = 'pending' AND not_before <= ?)"
                + " OR (state = 'running' AND lease_until < ?) ORDER BY id LIMIT "
                + CLAIM_CANDIDATES)) {
      ps.setLong(1, now);
      ps.setLong(2, now);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          candidates.add(job(rs));
        }
      }
    }
    return candidates;
  }

  private Optional<Job> claimOne(
      Connection c, List<Job> candidates, String owner, Duration lease, long now)
      throws SQLException {
    for (Job candidate : candidates) {
      if (candidate.state() == JobState.RUNNING && candidate.attempts() > maxRetries) {
        // Its workers died (or hung past the lease) on every attempt: stop handing it out.
        String reason =
            "abandoned by its worker "
                + candidate.attempts()
                + " times (lease of "
                + candidate.leaseOwner()
                + " expired); not retried again";
        take(
            c,
            candidate,
            now,
            "state = 'failed', lease_owner = NULL, lease_until = NULL, error = ?, updated_at = ?",
            reason,
            now);
        continue;
      }
      long leaseUntil = now + lease.toMillis();
      int n =
          take(
              c,
              candidate,
              now,
              "state = 'running', attempts = attempts + 1, lease_owner = ?, lease_until = ?,"
                  + " updated_at = ?",
              owner,
              leaseUntil,
              now);
      if (n == 1) {
        return Optional.of(
            new Job(
                candidate.id(),
                candidate.commit(),
                candidate.file(),
                JobState.RUNNING,
                candidate.attempts() + 1,
                candidate.notBefore(),
                owner,
                Instant.ofEpochMilli(leaseUntil),
                candidate.version() + 1,
                candidate.createdAt(),
                Instant.ofEpochMilli(now),
                candidate.exitCode(),
                candidate.durationMs(),
                candidate.output(),
                candidate.error()));
      }
      // n == 0: another claimant took it (or its owner extended the lease) between our read and
      // our update; try the next one.
    }
    return Optional.empty();
  }

  /**
   * Records success. Returns the job as done, or empty if this claim no longer holds the job (its
   * lease expired and another worker claimed it): the result is then discarded.
   */
  public Optional<Job> complete(Job job, JobResult result) {
    long now = clock.millis();
    return finish(
        job,
        "state = 'done', lease_owner = NULL, lease_until = NULL, updated_at = ?,"
            + " exit_code = ?, duration_ms = ?, output = ?, error = NULL",
        now,
        result.exitCode(),
        result.durationMs(),
        bound(result.output(), MAX_OUTPUT_CHARS));
  }

  /** As {@link #fail(Job, String, boolean, JobResult)} with no run details. */
  public Optional<Job> fail(Job job, String reason, boolean retryable) {
    return fail(job, reason, retryable, null);
  }

  /**
   * Records a failure. A retryable failure within the retry budget ({@code attempts <= maxRetries})
   * goes back to pending, due after the retry delay; anything else becomes failed. Returns the job
   * as recorded, or empty if this claim no longer holds it.
   */
  public Optional<Job> fail(Job job, String reason, boolean retryable, JobResult result) {
    long now = clock.millis();
    boolean retry = retryable && job.attempts() <= maxRetries;
    String error =
        bound(
            retry
                ? reason + " (attempt " + job.attempts() + " of " + (maxRetries + 1) + "; retrying)"
                : reason,
            MAX_ERROR_CHARS);
    Integer exit = result == null ? null : result.exitCode();
    Long duration = result == null ? null : result.durationMs();
    String output = result == null ? null : bound(result.output(), MAX_OUTPUT_CHARS);
    if (retry) {
      return finish(
          job,
          "state = 'pending', not_before = ?, lease_owner = NULL, lease_until = NULL, updated_at ="
              + " ?, exit_code = ?, duration_ms = ?, output = ?, error = ?",
          now + retryDelay.toMillis(),
          now,
          exit,
          duration,
          output,
          error);
    }
    return finish(
        job,
        "state = 'failed', lease_owner = NULL, lease_until = NULL, updated_at = ?,"
            + " exit_code = ?, duration_ms = ?, output = ?, error = ?",
        now,
        exit,
        duration,
        output,
        error);
  }

  /**
   * Hands a claimed job back unfinished (graceful shutdown): pending again, due at once, and the
   * attempt is not counted. Returns the job, or empty if this claim no longer holds it.
   */
  public Optional<Job> release(Job job) {
    return finish(
        job,
        "state = 'pending', attempts = MAX(attempts - 1, 0), not_before = ?,"
            + " lease_owner = NULL, lease_until = NULL, updated_at = ?",
        clock.millis(),
        clock.millis());
  }

  /**
   * Extends this claim's lease to now + {@code lease}; false if the claim no longer holds the job.
   */
  public boolean extendLease(Job job, Duration lease) {
    requirePositive(lease);
    long now = clock.millis();
    return withConnection(
        c -> update(c, job, "lease_until = ?, updated_at = ?", now + lease.toMillis(), now) == 1);
  }

  // ---------------------------------------------------------------- inspecting and repairing

  /** Job counts by state, in the order pending, running, done, failed; every state present. */
  public Map<JobState, Long> counts() {
    return withConnection(
        c -> {
          EnumMap<JobState, Long> counts = new EnumMap<>(JobState.class);
          for (JobState s : JobState.values()) {
            counts.put(s, 0L);
          }
          try (Statement st = c.createStatement();
              ResultSet rs = st.executeQuery("SELECT state, COUNT(*) FROM jobs GROUP BY state")) {
            while (rs.next()) {
              counts.put(JobState.of(rs.getString(1)), rs.getLong(2));
            }
          }
          return Collections.unmodifiableMap(counts);
        });
  }

  /** Jobs waiting or in progress (pending + running). */
  public long depth() {
    return withConnection(
        c -> {
          try (Statement st = c.createStatement();
              ResultSet rs =
                  st.executeQuery(
                      "SELECT COUNT(*) FROM jobs WHERE state IN ('pending', 'running')")) {
            rs.next();
            return rs.getLong(1);
          }
        });
  }

  /** Up to {@code limit} jobs, newest first, optionally only those in {@code state}. */
  public List<Job> list(Optional<JobState> state, int limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must not be negative");
    }
    return withConnection(
        c -> {
          String where = state.isPresent() ? " WHERE state = ?" : "";
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT " + COLUMNS + " FROM jobs" + where + " ORDER BY id DESC LIMIT ?")) {
            int i = 1;
            if (state.isPresent()) {
              ps.setString(i++, state.get().id());
            }
            ps.setInt(i, limit);
            List<Job> jobs = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                jobs.add(job(rs));
              }
            }
            return List.copyOf(jobs);
          }
        });
  }

  /** The job with {@code id}, if there is one. */
  public Optional<Job> get(long id) {
    return withConnection(c -> find(c, id));
  }

  /** Puts every failed job back to pending with its attempts reset; returns how many. */
  public int retryFailed() {
    long now = clock.millis();
    return withConnection(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE jobs SET state = 'pending', attempts = 0, not_before = 0, version ="
                      + " version + 1, updated_at = ? WHERE state = 'failed'")) {
            ps.setLong(1, now);
            return ps.executeUpdate();
          }
        });
  }

  /** Marks this instance closed; later calls fail. Holds no resources (see the class comment). */
  @Override
  public void close() {
    closed = true;
    Connection k = keeper;
    keeper = null;
    if (k != null) {
      try {
        k.close();
      } catch (SQLException e) {
        // closing is best effort; the data is already committed
      }
    }
  }

  // ---------------------------------------------------------------- mechanics

  private static void requirePositive(Duration lease) {
    if (lease.isZero() || lease.isNegative()) {
      throw new IllegalArgumentException("lease must be positive, was " + lease);
    }
  }

  /**
   * Applies {@code set} to the row of this claim: same id, still running, same version. Reads the
   * row back in the same transaction so the caller sees what it recorded.
   */
  private Optional<Job> finish(Job job, String set, Object... values) {
    return inTransaction(
        c -> update(c, job, set, values) == 1 ? find(c, job.id()) : Optional.<Job>empty());
  }

  /**
   * {@code UPDATE jobs SET <set> WHERE id = ? AND version = ? AND state = 'running'}: changes the
   * row only while the claim that produced {@code job} still holds it. Returns the update count.
   */
  private static int update(Connection c, Job job, String set, Object... values)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE jobs SET " + set + " WHERE id = ? AND version = ? AND state = 'running'")) {
      int i = bind(ps, values);
      ps.setLong(i++, job.id());
      ps.setLong(i, job.version());
      return ps.executeUpdate();
    }
  }

  /**
   * The claim's conditional update: changes {@code candidate}'s row only if it is still as read
   * (same version) and still due (pending, or running with its lease expired at {@code now}), and
   * bumps the version so that the previous holder's late writes are refused. Returns the count.
   */
  private static int take(Connection c, Job candidate, long now, String set, Object... values)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE jobs SET "
                + set
                + ", version = version + 1 WHERE id = ? AND version = ? AND ((state = 'pending' AND"
                + " not_before <= ?) OR (state = 'running' AND lease_until < ?))")) {
      int i = bind(ps, values);
      ps.setLong(i++, candidate.id());
      ps.setLong(i++, candidate.version());
      ps.setLong(i++, now);
      ps.setLong(i, now);
      return ps.executeUpdate();
    }
  }

  private static int bind(PreparedStatement ps, Object... values) throws SQLException {
    int i = 1;
    for (Object v : values) {
      if (v == null) {
        ps.setNull(i++, Types.NULL);
      } else {
        ps.setObject(i++, v);
      }
    }
    return i;
  }

  private static Optional<Job> find(Connection c, long id) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT " + COLUMNS + " FROM jobs WHERE id = ?")) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(job(rs)) : Optional.empty();
      }
    }
  }

  private static Job job(ResultSet rs) throws SQLException {
    long leaseUntil = rs.getLong("lease_until");
    Instant lease = rs.wasNull() ? null : Instant.ofEpochMilli(leaseUntil);
    int exit = rs.getInt("exit_code");
    Integer exitCode = rs.wasNull() ? null : exit;
    long duration = rs.getLong("duration_ms");
    Long durationMs = rs.wasNull() ? null : duration;
    return new Job(
        rs.getLong("id"),
        rs.getString("commit_id"),
        rs.getString("file"),
        JobState.of(rs.getString("state")),
        rs.getInt("attempts"),
        Instant.ofEpochMilli(rs.getLong("not_before")),
        rs.getString("lease_owner"),
        lease,
        rs.getLong("version"),
        Instant.ofEpochMilli(rs.getLong("created_at")),
        Instant.ofEpochMilli(rs.getLong("updated_at")),
        exitCode,
        durationMs,
        rs.getString("output"),
        rs.getString("error"));
  }

  static String bound(String s, int maxChars) {
    if (s == null || s.length() <= maxChars) {
      return s;
    }
    String marker = "\n…[truncated " + (s.length() - maxChars) + " characters]";
    return s.substring(0, Math.max(0, maxChars - marker.length())) + marker;
  }

  /** Creates the schema, or migrates it step by step, under one write lock. */
  private void migrate() {
    withConnection(
        c -> {
          try (Statement st = c.createStatement()) {
            // Persistent for the file; the first opener switches it, later ones find it set.
            try (ResultSet rs = st.executeQuery("PRAGMA journal_mode = WAL")) {
              rs.next();
            }
          }
          return inTransaction(
              c,
              () -> {
                int version = userVersion(c);
                if (version > SCHEMA_VERSION) {
                  throw new CodeQueryException(
                      file
                          + ": queue schema version "
                          + version
                          + " is newer than this code-query"
                          + " understands ("
                          + SCHEMA_VERSION
                          + "). Upgrade code-query, or move the file aside to start an empty"
                          + " queue.");
                }
                if (version == 0 && hasTables(c)) {
                  throw new CodeQueryException(
                      file
                          + ": holds tables but is not a code-query queue (user_version 0)."
                          + " Move it aside (e.g. `mv "
                          + file
                          + " "
                          + file
                          + ".foreign`); the worker then creates an empty queue.");
                }
                try (Statement st = c.createStatement()) {
                  if (version < 1) {
                    st.executeUpdate(
                        "CREATE TABLE jobs ( id INTEGER PRIMARY KEY AUTOINCREMENT, commit_id TEXT"
                            + " NOT NULL, file TEXT NOT NULL, state TEXT NOT NULL CHECK (state IN"
                            + " ('pending', 'running', 'done', 'failed')), attempts INTEGER NOT"
                            + " NULL DEFAULT 0, not_before INTEGER NOT NULL DEFAULT 0, lease_owner"
                            + " TEXT, lease_until INTEGER, version INTEGER NOT NULL DEFAULT 0,"
                            + " created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, exit_code"
                            + " INTEGER, duration_ms INTEGER, output TEXT, error TEXT)");
                    st.executeUpdate(
                        "CREATE UNIQUE INDEX jobs_commit_file ON jobs (commit_id, file)");
                    st.executeUpdate("CREATE INDEX jobs_due ON jobs (state, not_before, id)");
                  }
                  // Later versions: `if (version < 2) { ALTER TABLE … }`, each step idempotent
                  // under this lock.
                  st.executeUpdate("PRAGMA user_version = " + SCHEMA_VERSION);
                }
                return null;
              });
        });
  }

  private static int userVersion(Connection c) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("PRAGMA user_version")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private static boolean hasTables(Connection c) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE"
                    + " 'sqlite_%'")) {
      rs.next();
      return rs.getInt(1) > 0;
    }
  }

  @FunctionalInterface
  private interface SqlWork<T> {
    T run(Connection c) throws SQLException;
  }

  @FunctionalInterface
  private interface SqlBlock<T> {
    T run() throws SQLException;
  }

  private <T> T inTransaction(SqlWork<T> work) {
    return withConnection(c -> inTransaction(c, () -> work.run(c)));
  }

  /**
   * {@code BEGIN IMMEDIATE}: takes the write lock up front (waiting up to the busy timeout), so a
   * transaction that reads and then writes never fails on a lock upgrade the busy handler cannot
   * wait out.
   */
  private static <T> T inTransaction(Connection c, SqlBlock<T> block) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("BEGIN IMMEDIATE");
    }
    boolean committed = false;
    try {
      T value = block.run();
      try (Statement st = c.createStatement()) {
        st.execute("COMMIT");
      }
      committed = true;
      return value;
    } finally {
      if (!committed) {
        try (Statement st = c.createStatement()) {
          st.execute("ROLLBACK");
        } catch (SQLException ignored) {
          // the original failure is the one to report; SQLite may already have rolled back
        }
      }
    }
  }

  private <T> T withConnection(SqlWork<T> work) {
    if (closed) {
      throw new IllegalStateException("job queue " + file + " is closed");
    }
    try (Connection c = sqlite.createConnection(url)) {
      return work.run(c);
    } catch (SQLException e) {
      throw translate(e);
    }
  }

  private CodeQueryException translate(SQLException e) {
    SQLiteErrorCode code = e instanceof SQLiteException se ? se.getResultCode() : null;
    if (code == SQLiteErrorCode.SQLITE_NOTADB
        || code == SQLiteErrorCode.SQLITE_CORRUPT
        || (code != null && code.name().startsWith("SQLITE_CORRUPT"))) {
      return new CodeQueryException(
          file
              + " is not a readable job queue ("
              + code.message
              + "). Move it aside"
              + " (e.g. `mv "
              + file
              + " "
              + file
              + ".broken`) and restart the worker: it creates an empty queue;"
              + " the jobs in the old file are lost, commit again or re-enqueue to redo them.",
          e);
    }
    if (code != null
        && (code.name().startsWith("SQLITE_BUSY") || code.name().startsWith("SQLITE_LOCKED"))) {
      return new CodeQueryException(
          file
              + ": the job queue stayed locked for more than "
              + BUSY_TIMEOUT_MS / 1000
              + " s (another process holds a long write transaction); try again.",
          e);
    }
    if (code != null
        && (code.name().startsWith("SQLITE_READONLY")
            || code.name().startsWith("SQLITE_CANTOPEN")
            || code.name().startsWith("SQLITE_IOERR")
            || code == SQLiteErrorCode.SQLITE_PERM
            || code == SQLiteErrorCode.SQLITE_FULL)) {
      return new CodeQueryException(
          file
              + ": cannot use the job queue ("
              + e.getMessage()
              + "). Check the file and"
              + " its directory exist, are writable by you, and the disk is not full.",
          e);
    }
    return new CodeQueryException(file + ": job queue error: " + e.getMessage(), e);
  }
}
