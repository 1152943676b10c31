package io.codequery.pgstore;

import io.codequery.project.RepoPath;
import io.codequery.sqlstore.TextBounds;
import io.codequery.store.Job;
import io.codequery.store.JobState;
import io.codequery.store.Outcome;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;

/**
 * Row mapping of the PostgreSQL store's jobs: their columns, a row as a {@link Job}, binding (the
 * documents' rows: {@code sqlstore.DocumentRows}).
 */
final class PgRows {
  /** The columns of a job, as {@link #job} reads them. */
  static final String JOB_COLUMNS =
      "id, commit_id, file, blob_id, state, attempts, not_before, lease_owner, lease_token,"
          + " lease_expires_at, created_at, updated_at, exit_code, duration_ms, output, error,"
          + " force, outcome, note";

  /** Rows that are jobs (the others record a path's removal, for the order per path). */
  static final String IS_JOB = "kind = 'document'";

  private PgRows() {}

  /**
   * A job row. {@link Job#version()} is the lease token of its last claim (0 before any): each
   * claim draws a new token from a sequence, and every write of a claim is fenced by it.
   */
  static Job job(ResultSet rs) throws SQLException {
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
        instant(rs, "not_before"),
        rs.getString("lease_owner"),
        instant(rs, "lease_expires_at"),
        rs.getLong("lease_token"),
        instant(rs, "created_at"),
        instant(rs, "updated_at"),
        exitCode,
        durationMs,
        rs.getString("output"),
        rs.getString("error"),
        rs.getBoolean("force"),
        Outcome.of(rs.getString("outcome")),
        rs.getString("note"));
  }

  static Optional<Job> findJob(Connection c, long id) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT " + JOB_COLUMNS + " FROM jobs WHERE id = ? AND " + IS_JOB)) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(job(rs)) : Optional.empty();
      }
    }
  }

  static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }

  /**
   * Binds {@code values} from parameter 1 on (null as SQL NULL; strings without NUL, which
   * PostgreSQL's text cannot hold); returns the next index.
   */
  static int bind(PreparedStatement ps, Object... values) throws SQLException {
    int i = 1;
    for (Object v : values) {
      if (v == null) {
        ps.setNull(i++, Types.NULL);
      } else if (v instanceof String s) {
        ps.setString(i++, text(s));
      } else {
        ps.setObject(i++, v);
      }
    }
    return i;
  }

  /**
   * {@code s} as PostgreSQL's text can hold it: a NUL (which a command may print, and SQLite keeps)
   * becomes U+FFFD, the replacement character, instead of failing the write.
   */
  static String text(String s) {
    return s == null || s.indexOf('\0') < 0 ? s : s.replace('\0', '\uFFFD');
  }

  /** {@code s} cut to {@code maxChars}: {@link TextBounds#bound}. */
  static String bound(String s, int maxChars) {
    return TextBounds.bound(s, maxChars);
  }
}
