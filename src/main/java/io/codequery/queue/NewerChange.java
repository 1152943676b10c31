package io.codequery.queue;

import io.codequery.store.Job;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * The newest change of a job's path ingested after the job: another job of the path, or its removal
 * (deleted, renamed away, now a link). Where one exists, the job's result is not the path's newest
 * state and must never overwrite it.
 *
 * @param id its row (the order per path is the row id)
 * @param removal true where the path left git (or was renamed away)
 */
record NewerChange(long id, String commit, boolean removal) {
  static Optional<NewerChange> of(Connection c, Job job) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT id, commit_id, kind FROM jobs WHERE file = ? AND id > ? ORDER BY id DESC"
                + " LIMIT 1")) {
      JobRows.bindPath(ps, 1, job.file());
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
  String describe() {
    return "a newer change of its path came after it (commit "
        + commit
        + (removal ? ": the file left git or was renamed" : "")
        + ", job "
        + id
        + ")";
  }
}
