package io.codequery.sqlstore;

import io.codequery.store.Job;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * A change of a job's path ingested after the job (the order per path is the row id): another job
 * of the path, or its removal (deleted, renamed away, now a link).
 *
 * @param id its row
 * @param commit the commit it came with
 * @param removal true where the path left git (or was renamed away)
 */
public record NewerChange(long id, String commit, boolean removal) {
  /**
   * The newest change of {@code job}'s path after it: where there is one, the job need not run
   * (that change is documented instead, or its path is gone).
   */
  public static Optional<NewerChange> of(Connection c, SqlDialect dialect, Job job)
      throws SQLException {
    return find(c, dialect, job, "");
  }

  /**
   * Why {@code job}'s document must not be stored, if it must not: its path was removed after it
   * was queued (a document would come back from the dead), or the path's current document was
   * written by a newer change. Else empty: storing it overwrites only an older state. (A newer job
   * still to run does not stop it: until that job ends, this document is the newest there is.)
   *
   * <p>The caller holds the order per path ({@link SqlDialect#lockOrder}, shared, or the write
   * lock), so no change of the path can be ingested between this look and the document's write.
   */
  public static Optional<String> refusesDocumentOf(Connection c, SqlDialect dialect, Job job)
      throws SQLException {
    Optional<NewerChange> removal = find(c, dialect, job, " AND kind = 'removal'");
    if (removal.isPresent()) {
      return Optional.of(removal.get().describe());
    }
    try (PreparedStatement ps =
        c.prepareStatement("SELECT job_id, commit_id FROM documents WHERE path_key = ?")) {
      dialect.bindPath(ps, 1, job.file());
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next() && rs.getLong(1) > job.id()) {
          return Optional.of(
              "the document of a newer change of its path is stored (commit "
                  + rs.getString(2)
                  + ", job "
                  + rs.getLong(1)
                  + ")");
        }
      }
    }
    return Optional.empty();
  }

  private static Optional<NewerChange> find(
      Connection c, SqlDialect dialect, Job job, String andKind) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT id, commit_id, kind FROM jobs WHERE file = ? AND id > ?"
                + andKind
                + " ORDER BY id DESC LIMIT 1")) {
      dialect.bindPath(ps, 1, job.file());
      ps.setLong(2, job.id());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next()
            ? Optional.of(
                new NewerChange(rs.getLong(1), rs.getString(2), "removal".equals(rs.getString(3))))
            : Optional.empty();
      }
    }
  }

  /** In words, for the job's note. */
  public String describe() {
    return "a newer change of its path came after it (commit "
        + commit
        + (removal ? ": the file left git or was renamed" : "")
        + ", job "
        + id
        + ")";
  }
}
