package io.codequery.pgstore;

import io.codequery.store.Job;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * A change of a job's path ingested after the job (the order per path is the id): another job of
 * the path, or its removal (deleted, renamed away, now a link).
 *
 * @param id its row
 * @param removal true where the path left git (or was renamed away)
 */
record PgNewerChange(long id, String commit, boolean removal) {
  /** The newest change of {@code job}'s path after it: where there is one, the job need not run. */
  static Optional<PgNewerChange> of(Connection c, Job job) throws SQLException {
    return find(c, job, "");
  }

  /**
   * Why {@code job}'s document must not be stored, if it must not: its path was removed after it
   * was queued, or the path's current document was written by a newer change. The caller holds the
   * shared ingest lock, so no change of the path can be ingested between this look and its write.
   */
  static Optional<String> refusesDocumentOf(Connection c, Job job) throws SQLException {
    Optional<PgNewerChange> removal = find(c, job, " AND kind = 'removal'");
    if (removal.isPresent()) {
      return Optional.of(removal.get().describe());
    }
    try (PreparedStatement ps =
        c.prepareStatement("SELECT job_id, commit_id FROM documents WHERE path_key = ?")) {
      ps.setBytes(1, job.file().bytes());
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

  private static Optional<PgNewerChange> find(Connection c, Job job, String andKind)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT id, commit_id, kind FROM jobs WHERE file = ? AND id > ?"
                + andKind
                + " ORDER BY id DESC LIMIT 1")) {
      ps.setBytes(1, job.file().bytes());
      ps.setLong(2, job.id());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next()
            ? Optional.of(
                new PgNewerChange(
                    rs.getLong(1), rs.getString(2), "removal".equals(rs.getString(3))))
            : Optional.empty();
      }
    }
  }

  /** In words, for the job's note. */
  String describe() {
    return "a newer change of its path came after it (commit "
        + commit
        + (removal ? ": the file left git or was renamed" : "")
        + ", job "
        + id
        + ")";
  }
}
