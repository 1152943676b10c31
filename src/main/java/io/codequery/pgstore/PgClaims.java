package io.codequery.pgstore;

import io.codequery.sqlstore.JobTable;
import io.codequery.store.Job;
import io.codequery.store.JobState;
import io.codequery.store.RecordedRun;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;

/**
 * The claim protocol and its fence on PostgreSQL (after Solid Queue, River, GoodJob): the oldest
 * due job whose file is free is locked with {@code FOR UPDATE SKIP LOCKED} — concurrent claimants
 * skip each other's rows instead of waiting or failing — and taken in the same statement with a new
 * lease token from a sequence and {@code lease_expires_at = now() + lease}. Every later write of
 * the claim ({@link #update}) names its token: zero rows means another claim owns the job now, and
 * the write is discarded. Every time decision reads the database's clock, never a host's.
 *
 * <p>Two jobs of one file never run at once, and run in the order they were queued: a job is not
 * claimed while another job of its file is running under a live lease, or while an older job of its
 * file is unfinished. In any state at most one job of a file passes that check (the oldest
 * unfinished one, when no newer one runs), so claimants racing for two jobs of one file cannot both
 * win even though each reads the other's rows as of its own snapshot.
 */
final class PgClaims {
  /** No other job of this row's file is running under a live lease, none older is unfinished. */
  private static final String FILE_IS_FREE =
      "NOT EXISTS (SELECT 1 FROM jobs o WHERE o.file = j.file AND o.id <> j.id AND ((o.state ="
          + " 'running' AND o.lease_expires_at >= %1$s) OR (o.id < j.id AND o.state IN ('pending',"
          + " 'running'))))";

  private PgClaims() {}

  /**
   * Marks failed the running jobs whose lease expired more often than the retry budget allows
   * (their workers died or hung on every attempt), instead of handing them out forever. One
   * parameter: the retry budget.
   */
  private static String abandonExhausted(String now) {
    return "UPDATE jobs SET state = 'failed', error = 'abandoned by its worker ' || attempts || '"
        + " times (lease of ' || COALESCE(lease_owner, '?') || ' expired); not retried"
        + " again', lease_owner = NULL, lease_expires_at = NULL, updated_at = "
        + now
        + " WHERE state = 'running' AND lease_expires_at < "
        + now
        + " AND attempts > ?";
  }

  /**
   * The claimed job (as its row now holds it) and, where it was taken back from an expired lease
   * whose command started, that previous claim (its token and owner, which its run's marker names)
   * with the run it recorded.
   */
  record Claimed(Job job, Optional<Job> previousClaim, Optional<RecordedRun> previousRun) {}

  /**
   * Fails the exhausted jobs ({@link #abandonExhausted}), then claims the oldest due job whose file
   * is free for {@code owner}; empty when none is due. Both statements go to the server in one
   * round trip (pgjdbc sends a statement list as one batch), and run one after the other: the claim
   * sees the failures.
   */
  static Optional<Claimed> claim(
      Connection c, String owner, Duration lease, String now, int maxRetries) throws SQLException {
    String sql = abandonExhausted(now) + "; " + claimStatement(now);
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setInt(1, maxRetries);
      ps.setString(2, PgRows.text(owner));
      ps.setLong(3, lease.toMillis());
      boolean rows = ps.execute();
      while (!rows && ps.getUpdateCount() != -1) {
        rows = ps.getMoreResults();
      }
      if (!rows) {
        throw new SQLException("the claim returned no rows: " + sql);
      }
      try (ResultSet rs = ps.getResultSet()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        Job job = PgRows.JOBS.job(rs);
        long pid = rs.getLong("was_pid");
        boolean ran = !rs.wasNull() && "running".equals(rs.getString("was"));
        if (!ran) {
          return Optional.of(new Claimed(job, Optional.empty(), Optional.empty()));
        }
        Job previous =
            new Job(
                job.id(),
                job.commit(),
                job.file(),
                job.blob(),
                JobState.RUNNING,
                job.attempts() - 1,
                job.notBefore(),
                rs.getString("was_owner"),
                null,
                rs.getLong("was_token"),
                job.createdAt(),
                job.updatedAt(),
                job.exitCode(),
                job.durationMs(),
                job.output(),
                job.error(),
                job.force(),
                job.outcome(),
                job.note());
        RecordedRun run =
            new RecordedRun(pid, rs.getLong("was_ticks"), String.valueOf(rs.getString("was_boot")));
        return Optional.of(new Claimed(job, Optional.of(previous), Optional.of(run)));
      }
    }
  }

  /**
   * The claim itself: one statement, two parameters (the owner, the lease in milliseconds). It
   * walks the unfinished jobs in id order ({@code jobs_unfinished}) and each candidate's file's
   * unfinished jobs ({@code jobs_unfinished_file}), so its cost does not grow with the jobs done.
   */
  static String claimStatement(String now) {
    String sql =
        "WITH candidate AS (SELECT j.id, j.run_pid, j.run_start_ticks, j.run_boot_id,"
            + " j.state AS was, j.lease_token AS was_token, j.lease_owner AS was_owner FROM jobs j"
            + " WHERE ((j.state = 'pending' AND j.not_before <= %1$s) OR (j.state = 'running' AND"
            + " j.lease_expires_at < %1$s)) AND "
            + FILE_IS_FREE
            + " ORDER BY j.id LIMIT 1 FOR UPDATE OF j SKIP LOCKED) UPDATE jobs SET state ="
            + " 'running', attempts = jobs.attempts + 1, lease_owner = ?, lease_token ="
            + " nextval('lease_tokens'), lease_expires_at = %1$s + ? * interval '1 millisecond',"
            + " updated_at = %1$s, run_pid = NULL, run_start_ticks = NULL, run_boot_id = NULL FROM"
            + " candidate WHERE jobs.id = candidate.id RETURNING "
            + qualified("jobs")
            + ", candidate.was, candidate.was_token, candidate.was_owner, candidate.run_pid AS"
            + " was_pid, candidate.run_start_ticks AS was_ticks, candidate.run_boot_id AS was_boot";
    return String.format(sql, now);
  }

  private static String qualified(String table) {
    StringBuilder b = new StringBuilder();
    for (String column : PgRows.JOBS.columns().split(",\\s*")) {
      b.append(b.length() == 0 ? "" : ", ").append(table).append('.').append(column);
    }
    return b.toString();
  }

  /** The fence of a claim's writes: {@link JobTable#update}. Returns the update count. */
  static int update(Connection c, Job job, String set, Object... values) throws SQLException {
    return PgRows.JOBS.update(c, job, set, values);
  }

  /** The run recorded for {@code job}'s current claim, if its command started. */
  static Optional<RecordedRun> recordedRun(Connection c, Job job) throws SQLException {
    return PgRows.JOBS.recordedRun(c, job);
  }
}
