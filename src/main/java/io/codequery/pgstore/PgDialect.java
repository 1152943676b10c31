package io.codequery.pgstore;

import io.codequery.project.RepoPath;
import io.codequery.sqlstore.SqlDialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;

/**
 * PostgreSQL's side of the shared protocols: paths as {@code bytea}, times as {@code timestamptz},
 * text without NUL ({@link PgRows#text}), and the order per path under a transaction-level advisory
 * lock.
 */
final class PgDialect implements SqlDialect {
  /** The one instance (it holds nothing). */
  static final PgDialect POSTGRESQL = new PgDialect();

  /** The advisory lock key of the order per path ("cq-ingst" in ASCII). */
  static final long INGEST_LOCK = 0x63712d696e677374L;

  private PgDialect() {}

  @Override
  public void bindPath(PreparedStatement ps, int index, RepoPath path) throws SQLException {
    ps.setBytes(index, path.bytes());
  }

  @Override
  public String text(String s) {
    return PgRows.text(s);
  }

  @Override
  public Instant instant(ResultSet rs, String column) throws SQLException {
    return PgRows.instant(rs, column);
  }

  @Override
  public String millisBefore(String time, String millis) {
    return "(" + time + " - " + millis + " * interval '1 millisecond')";
  }

  @Override
  public String millisAfter(String time, String millis) {
    return "(" + time + " + " + millis + " * interval '1 millisecond')";
  }

  /** The interval's epoch seconds, in whole milliseconds. */
  @Override
  public String millisSince(String time, String column) {
    return "GREATEST(0, floor(extract(epoch FROM (" + time + " - " + column + ")) * 1000))::bigint";
  }

  /**
   * Takes the advisory lock {@link #INGEST_LOCK} until the transaction ends. Exclusive, it makes
   * the ids of concurrent ingests follow their commit order: two hosts ingesting at once would
   * otherwise commit ids out of order, and each would miss the other's rows when it supersedes
   * older ones. Shared, it keeps ingests out while a completion or a skip reads the order and
   * writes — what SQLite's single writer gives for free.
   */
  @Override
  public void lockOrder(Connection c, boolean exclusive) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute(
          "SELECT pg_advisory_xact_lock" + (exclusive ? "" : "_shared") + "(" + INGEST_LOCK + ")");
    }
  }

  /**
   * Nothing: a claim takes its job {@code FOR UPDATE SKIP LOCKED}, which reads the row's state
   * again once the row is its own, and draws a new lease token for every later write.
   */
  @Override
  public String fenceOfPending() {
    return "";
  }
}
