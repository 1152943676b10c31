package io.codequery.queue;

import io.codequery.project.RepoPath;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** The SQLite queue's step to schema 4: job outputs kept before the store become its documents. */
final class ImportJobOutputs {
  /** The processor of documents imported from the job outputs of a queue before schema 4. */
  static final String IMPORTED_PROCESSOR = "unknown:imported-from-schema-3";

  private ImportJobOutputs() {}

  /**
   * Migration to schema 4: the output of each path's last done job becomes its document, so that
   * what the worker wrote before the store existed can be searched at once. Which command wrote it
   * is not known ({@value #IMPORTED_PROCESSOR}): a backfill documents those files again.
   */
  static void run(Connection c) throws SQLException {
    List<DoneJob> rows = new ArrayList<>();
    try (PreparedStatement ps =
            c.prepareStatement(
                "SELECT id, commit_id, file, blob_id, updated_at, duration_ms, output FROM jobs j"
                    + " WHERE state = 'done' AND output IS NOT NULL AND id = (SELECT MAX(id) FROM"
                    + " jobs o WHERE o.file = j.file AND o.state = 'done' AND o.output IS NOT"
                    + " NULL)");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        rows.add(
            new DoneJob(
                rs.getLong(1),
                rs.getString(2),
                RepoPath.ofBytes(rs.getBytes(3)),
                rs.getString(4),
                rs.getLong(5),
                rs.getLong(6),
                rs.getString(7)));
      }
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO documents (path_key, path, commit_id, blob_id, processor, documented_at,"
                + " duration_ms, job_id, text, written_bytes, truncated) VALUES (?, ?, ?, ?, ?, ?,"
                + " ?, ?, ?, ?, ?)")) {
      for (DoneJob r : rows) {
        JobRows.bindPath(ps, 1, r.path());
        ps.setString(2, r.path().display());
        ps.setString(3, r.commit());
        ps.setString(4, r.blob());
        ps.setString(5, IMPORTED_PROCESSOR);
        ps.setLong(6, r.doneAt());
        ps.setLong(7, r.durationMs());
        ps.setLong(8, r.id());
        ps.setString(9, r.output());
        ps.setLong(10, r.output().getBytes(StandardCharsets.UTF_8).length);
        // The marks the runner and the queue leave where they cut an output.
        boolean cut =
            r.output().contains("…[truncated ") || r.output().contains(" bytes omitted]…");
        ps.setInt(11, cut ? 1 : 0);
        ps.executeUpdate();
      }
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE jobs SET outcome = 'documented' WHERE id IN (SELECT job_id FROM documents)")) {
      ps.executeUpdate();
    }
  }

  /** A done job of a queue before schema 4, whose output becomes a document. */
  private record DoneJob(
      long id,
      String commit,
      RepoPath path,
      String blob,
      long doneAt,
      long durationMs,
      String output) {}
}
