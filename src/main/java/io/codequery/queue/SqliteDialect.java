package io.codequery.queue;

import io.codequery.project.RepoPath;
import io.codequery.sqlstore.SqlDialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

/**
 * SQLite's side of the shared protocols: paths as TEXT or BLOB ({@link JobRows#bindPath}), times as
 * epoch milliseconds, any text as it is.
 */
final class SqliteDialect implements SqlDialect {
  /** The one instance (it holds nothing). */
  static final SqliteDialect SQLITE = new SqliteDialect();

  private SqliteDialect() {}

  /** {@code epochMillis} as the SQL time a protocol writes: a literal number. */
  static String time(long epochMillis) {
    return Long.toString(epochMillis);
  }

  @Override
  public void bindPath(PreparedStatement ps, int index, RepoPath path) throws SQLException {
    JobRows.bindPath(ps, index, path);
  }

  @Override
  public String text(String s) {
    return s;
  }

  @Override
  public Instant instant(ResultSet rs, String column) throws SQLException {
    long millis = rs.getLong(column);
    return rs.wasNull() ? null : Instant.ofEpochMilli(millis);
  }

  @Override
  public String millisBefore(String time, String millis) {
    return "(" + time + " - " + millis + ")";
  }

  @Override
  public String millisAfter(String time, String millis) {
    return "(" + time + " + " + millis + ")";
  }

  @Override
  public String millisSince(String time, String column) {
    return "MAX(0, " + time + " - " + column + ")";
  }

  /**
   * Nothing to take: every write transaction begins {@code IMMEDIATE}, so SQLite's one writer at a
   * time gives the order per path both of its guarantees.
   */
  @Override
  public void lockOrder(Connection c, boolean exclusive) {}

  /**
   * The row's version: {@link ClaimJobs} takes a job with {@code … AND version = ?}, so a claim
   * that read the job before this write finds it changed.
   */
  @Override
  public String fenceOfPending() {
    return "version = version + 1, ";
  }
}
