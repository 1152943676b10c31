package io.codequery.sqlstore;

import io.codequery.store.Job;
import io.codequery.store.NewDocument;
import io.codequery.store.Outcome;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Optional;

/**
 * The document of a job just completed: stored as its path's current document unless a newer change
 * of the path forbids it ({@link NewerChange#refusesDocumentOf}), and the job's outcome ({@link
 * Outcome#DOCUMENTED} or {@link Outcome#NOT_STORED}, with why) says which.
 */
public final class StoreJobDocument {
  private StoreJobDocument() {}

  /**
   * Stores {@code doc}, written by {@code job}'s run, unless it is refused; records the outcome on
   * the job. The caller has fenced the job's completion in this transaction and holds the order per
   * path ({@link SqlDialect#lockOrder}, shared; SQLite's write lock), so no change of the path can
   * be ingested between the look at its newer changes and the document's write.
   *
   * @param now the operation's time, as SQL (see {@link SqlDialect})
   */
  public static void run(
      Connection c, SqlDialect dialect, Job job, NewDocument doc, long durationMs, String now)
      throws SQLException {
    Optional<String> refused = NewerChange.refusesDocumentOf(c, dialect, job);
    if (refused.isEmpty()) {
      DocumentRows.store(c, dialect, job, doc, durationMs, now);
    }
    try (PreparedStatement ps =
        c.prepareStatement("UPDATE jobs SET outcome = ?, note = ? WHERE id = ?")) {
      ps.setString(1, (refused.isEmpty() ? Outcome.DOCUMENTED : Outcome.NOT_STORED).id());
      ps.setString(2, dialect.text(refused.map(why -> "document not stored: " + why).orElse(null)));
      ps.setLong(3, job.id());
      ps.executeUpdate();
    }
  }
}
