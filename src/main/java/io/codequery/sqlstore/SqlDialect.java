package io.codequery.sqlstore;

import io.codequery.project.RepoPath;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

/**
 * What the store's protocols in this package need to know of the database under them, and nothing
 * more: how a path is bound, what text it can hold, how a time reads back and is reckoned with, and
 * how the order per path is kept. Everything else — the SQL of the protocols, the order in which
 * they write — is written once, for both databases. Implementations are stateless and thread-safe.
 *
 * <p>The time of an operation is not the dialect's: each store takes it once per operation (the
 * database's {@code now()} on PostgreSQL, the injected clock on SQLite) and hands it to a protocol
 * as an SQL expression of the column type, so that every row one operation writes carries the same
 * time as the store's own writes in that transaction.
 */
public interface SqlDialect {
  /** Binds {@code path} at {@code index} in the form the database keeps paths in. */
  void bindPath(PreparedStatement ps, int index, RepoPath path) throws SQLException;

  /** {@code s} as the database's text columns can hold it (null stays null). */
  String text(String s);

  /** The time in {@code column} of the current row, null where it is NULL. */
  Instant instant(ResultSet rs, String column) throws SQLException;

  /**
   * The time {@code millis} milliseconds (an SQL expression of a number) before {@code time} (an
   * SQL time of the column type), as SQL of the column type.
   */
  String millisBefore(String time, String millis);

  /** As {@link #millisBefore}, the time {@code millis} milliseconds after {@code time}. */
  String millisAfter(String time, String millis);

  /**
   * Whole milliseconds from the time in {@code column} to {@code time} (an SQL time of the column
   * type), never negative, as SQL of a number.
   */
  String millisSince(String time, String column);

  /**
   * Makes the order per path hold for this transaction: {@code exclusive} for an ingest (the ids it
   * draws must follow the commit order of ingests), shared for a write that reads the order (no
   * change of a path may be ingested between its look at the path's newer changes and its write).
   */
  void lockOrder(Connection c, boolean exclusive) throws SQLException;

  /**
   * Assignments, each followed by {@code ", "}, that a write which takes a pending job out of the
   * queue adds, so that a claim which read the job before cannot take it (empty where a claim
   * fences itself otherwise).
   */
  String fenceOfPending();
}
