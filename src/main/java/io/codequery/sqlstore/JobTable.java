package io.codequery.sqlstore;

import io.codequery.project.RepoPath;
import io.codequery.store.Job;
import io.codequery.store.JobState;
import io.codequery.store.Outcome;
import io.codequery.store.RecordedRun;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code jobs} table, written once: a row as a {@link Job}, the reads of the queue's state, the
 * fence of a claim's writes, and binding. The two stores name two columns apart: the lease's end
 * ({@code lease_until}, epoch milliseconds on SQLite; {@code lease_expires_at} on PostgreSQL) and
 * what fences a claim ({@code version}, a counter each claim bumps; {@code lease_token}, drawn from
 * a sequence by each claim), read as {@link Job#leaseUntil()} and {@link Job#version()}.
 */
public final class JobTable {
  /** Rows that are jobs (the others record a path's removal, for the order per path). */
  private static final String IS_JOB = "kind = 'document'";

  private final SqlDialect dialect;
  private final String leaseUntil;
  private final String version;
  private final String columns;

  /**
   * @param leaseUntil the column of the lease's end
   * @param version the column that fences a claim's writes
   */
  public JobTable(SqlDialect dialect, String leaseUntil, String version) {
    this.dialect = dialect;
    this.leaseUntil = leaseUntil;
    this.version = version;
    this.columns =
        "id, commit_id, file, blob_id, state, attempts, not_before, lease_owner, "
            + leaseUntil
            + ", "
            + version
            + ", created_at, updated_at, exit_code, duration_ms, output, error, force, outcome,"
            + " note";
  }

  SqlDialect dialect() {
    return dialect;
  }

  /** The column of the lease's end. */
  String leaseUntil() {
    return leaseUntil;
  }

  /** The columns of a job, as {@link #job} reads them. */
  public String columns() {
    return columns;
  }

  /** The job of the current row of {@code rs}, which holds {@link #columns}. */
  public Job job(ResultSet rs) throws SQLException {
    int exit = rs.getInt("exit_code");
    Integer exitCode = rs.wasNull() ? null : exit;
    long duration = rs.getLong("duration_ms");
    Long durationMs = rs.wasNull() ? null : duration;
    return new Job(
        rs.getLong("id"),
        rs.getString("commit_id"),
        RepoPath.ofBytes(rs.getBytes("file")),
        rs.getString("blob_id"),
        JobState.of(rs.getString("state")),
        rs.getInt("attempts"),
        dialect.instant(rs, "not_before"),
        rs.getString("lease_owner"),
        dialect.instant(rs, leaseUntil),
        rs.getLong(version),
        dialect.instant(rs, "created_at"),
        dialect.instant(rs, "updated_at"),
        exitCode,
        durationMs,
        rs.getString("output"),
        rs.getString("error"),
        rs.getBoolean("force"),
        Outcome.of(rs.getString("outcome")),
        rs.getString("note"));
  }

  /** The job {@code id}; empty where there is none (or the row records a removal). */
  public Optional<Job> find(Connection c, long id) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT " + columns + " FROM jobs WHERE id = ? AND " + IS_JOB)) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(job(rs)) : Optional.empty();
      }
    }
  }

  /** Up to {@code limit} jobs, in {@code state} where given, the newest first. */
  public List<Job> list(Connection c, Optional<JobState> state, int limit) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT "
                + columns
                + " FROM jobs WHERE "
                + IS_JOB
                + (state.isPresent() ? " AND state = ?" : "")
                + " ORDER BY id DESC LIMIT ?")) {
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
  }

  /** How many jobs are in each state (every state present, 0 where none). */
  public Map<JobState, Long> counts(Connection c) throws SQLException {
    EnumMap<JobState, Long> counts = new EnumMap<>(JobState.class);
    for (JobState s : JobState.values()) {
      counts.put(s, 0L);
    }
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT state, COUNT(*) FROM jobs WHERE " + IS_JOB + " GROUP BY state")) {
      while (rs.next()) {
        counts.put(JobState.of(rs.getString(1)), rs.getLong(2));
      }
    }
    return Collections.unmodifiableMap(counts);
  }

  /** How many jobs are still to finish: pending or running. */
  public long depth(Connection c) throws SQLException {
    return count(
        c, "SELECT COUNT(*) FROM jobs WHERE state IN ('pending', 'running') AND " + IS_JOB);
  }

  /** How many jobs a claim could take at {@code at}: pending and due, or running and expired. */
  public long due(Connection c, String at) throws SQLException {
    return count(
        c,
        "SELECT COUNT(*) FROM jobs WHERE (state = 'pending' AND not_before <= "
            + at
            + ") OR (state = 'running' AND "
            + leaseUntil
            + " < "
            + at
            + ")");
  }

  private static long count(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** The run recorded for {@code job}'s current claim, if its command started. */
  public Optional<RecordedRun> recordedRun(Connection c, Job job) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT run_pid, run_start_ticks, run_boot_id FROM jobs WHERE id = ? AND "
                + version
                + " = ? AND run_pid IS NOT NULL")) {
      ps.setLong(1, job.id());
      ps.setLong(2, job.version());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next()
            ? Optional.of(
                new RecordedRun(rs.getLong(1), rs.getLong(2), String.valueOf(rs.getString(3))))
            : Optional.empty();
      }
    }
  }

  /**
   * The fence: {@code UPDATE jobs SET <set> WHERE id = ? AND <version> = ? AND state = 'running'}
   * changes the row only while the claim that produced {@code job} still holds it; {@code values}
   * are the parameters of {@code set}. Returns the update count.
   */
  public int update(Connection c, Job job, String set, Object... values) throws SQLException {
    try (PreparedStatement ps = fenced(c, job, set, "", values)) {
      return ps.executeUpdate();
    }
  }

  /**
   * As {@link #update}, returning the row as the write left it; empty where the fence refused the
   * write (one round trip, where an update and a read take two).
   */
  public Optional<Job> updateReturning(Connection c, Job job, String set, Object... values)
      throws SQLException {
    try (PreparedStatement ps = fenced(c, job, set, " RETURNING " + columns, values);
        ResultSet rs = ps.executeQuery()) {
      return rs.next() ? Optional.of(job(rs)) : Optional.empty();
    }
  }

  /** The fenced update of {@code job}'s row, prepared and bound, {@code tail} after its WHERE. */
  private PreparedStatement fenced(Connection c, Job job, String set, String tail, Object... values)
      throws SQLException {
    PreparedStatement ps =
        c.prepareStatement(
            "UPDATE jobs SET "
                + set
                + " WHERE id = ? AND "
                + version
                + " = ? AND state = 'running'"
                + tail);
    try {
      int i = bind(ps, values);
      ps.setLong(i++, job.id());
      ps.setLong(i, job.version());
      return ps;
    } catch (SQLException | RuntimeException e) {
      ps.close();
      throw e;
    }
  }

  /**
   * Binds {@code values} from parameter 1 on (null as SQL NULL; strings as the database's text can
   * hold them: {@link SqlDialect#text}); returns the next index.
   */
  public int bind(PreparedStatement ps, Object... values) throws SQLException {
    int i = 1;
    for (Object v : values) {
      if (v == null) {
        ps.setNull(i++, Types.NULL);
      } else if (v instanceof String s) {
        ps.setString(i++, dialect.text(s));
      } else {
        ps.setObject(i++, v);
      }
    }
    return i;
  }
}
