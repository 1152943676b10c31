package io.codequery.pgstore;

import io.codequery.sqlstore.JobTable;
import io.codequery.store.Job;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;

/**
 * Row mapping of the PostgreSQL store's jobs: {@link JobTable} with the lease's end in {@code
 * lease_expires_at} and the claim's fence in {@code lease_token}, paths as {@code bytea}, times as
 * {@code timestamptz}, text without NUL (the documents' rows: {@code sqlstore.DocumentRows}).
 */
final class PgRows {
  /**
   * The jobs table. {@link Job#version()} is the lease token of its last claim (0 before any): each
   * claim draws a new token from a sequence, and every write of a claim is fenced by it.
   */
  static final JobTable JOBS =
      new JobTable(PgDialect.POSTGRESQL, "lease_expires_at", "lease_token");

  /** The columns of a job, as {@link #job} reads them. */
  static final String JOB_COLUMNS = JOBS.columns();

  /** Rows that are jobs (the others record a path's removal, for the order per path). */
  static final String IS_JOB = JobTable.IS_JOB;

  private PgRows() {}

  /** A job row: {@link JobTable#job}. */
  static Job job(ResultSet rs) throws SQLException {
    return JOBS.job(rs);
  }

  static Optional<Job> findJob(Connection c, long id) throws SQLException {
    return JOBS.find(c, id);
  }

  static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }

  /** Binds {@code values} from parameter 1 on: {@link JobTable#bind}; returns the next index. */
  static int bind(PreparedStatement ps, Object... values) throws SQLException {
    return JOBS.bind(ps, values);
  }

  /**
   * {@code s} as PostgreSQL's text can hold it: a NUL (which a command may print, and SQLite keeps)
   * becomes U+FFFD, the replacement character, instead of failing the write.
   */
  static String text(String s) {
    return s == null || s.indexOf('\0') < 0 ? s : s.replace('\0', '\uFFFD');
  }
}
