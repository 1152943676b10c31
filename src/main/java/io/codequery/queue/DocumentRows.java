package io.codequery.queue;

import io.codequery.project.RepoPath;
import io.codequery.store.Document;
import io.codequery.store.DocumentEntry;
import io.codequery.store.Job;
import io.codequery.store.NewDocument;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Row mapping and writes of the {@code documents} table (one current document per path; its
 * full-text index follows through triggers). Every write runs inside the caller's transaction.
 */
final class DocumentRows {
  /** Characters of text kept per document (the runner bounds it first; this guards the table). */
  static final int MAX_TEXT_CHARS = 1024 * 1024;

  /** The processor of documents imported from the job outputs of a queue before schema 4. */
  static final String IMPORTED_PROCESSOR = "unknown:imported-from-schema-3";

  private static final String ENTRY_COLUMNS =
      "path_key, commit_id, blob_id, processor, documented_at";
  private static final String COLUMNS =
      ENTRY_COLUMNS + ", duration_ms, text, written_bytes, truncated";

  private DocumentRows() {}

  static Optional<Document> find(Connection c, RepoPath path) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT " + COLUMNS + " FROM documents WHERE path_key = ?")) {
      JobRows.bindPath(ps, 1, path);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(document(rs)) : Optional.empty();
      }
    }
  }

  static Optional<DocumentEntry> findEntry(Connection c, RepoPath path) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT " + ENTRY_COLUMNS + " FROM documents WHERE path_key = ?")) {
      JobRows.bindPath(ps, 1, path);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(entry(rs)) : Optional.empty();
      }
    }
  }

  /** Every current document without its text, in git's path order. */
  static List<DocumentEntry> entries(Connection c) throws SQLException {
    List<DocumentEntry> all = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT " + ENTRY_COLUMNS + " FROM documents");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        all.add(entry(rs));
      }
    }
    // SQLite orders TEXT before BLOB; git orders names by their bytes.
    all.sort((a, b) -> a.path().compareTo(b.path()));
    return List.copyOf(all);
  }

  private static DocumentEntry entry(ResultSet rs) throws SQLException {
    return new DocumentEntry(
        RepoPath.ofBytes(rs.getBytes("path_key")),
        rs.getString("commit_id"),
        rs.getString("blob_id"),
        rs.getString("processor"),
        Instant.ofEpochMilli(rs.getLong("documented_at")));
  }

  private static Document document(ResultSet rs) throws SQLException {
    DocumentEntry e = entry(rs);
    return new Document(
        e.path(),
        e.commit(),
        e.blob(),
        e.processor(),
        e.documentedAt(),
        rs.getLong("duration_ms"),
        rs.getString("text"),
        rs.getLong("written_bytes"),
        rs.getInt("truncated") != 0);
  }

  /** Makes {@code doc}, written by {@code job}'s run, the current document of the job's path. */
  static void store(Connection c, Job job, NewDocument doc, long durationMs, long now)
      throws SQLException {
    String text = doc.text();
    boolean truncated = doc.truncated();
    if (text.length() > MAX_TEXT_CHARS) {
      text = JobRows.bound(text, MAX_TEXT_CHARS);
      truncated = true;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO documents (path_key, path, commit_id, blob_id, processor, documented_at,"
                + " duration_ms, job_id, text, written_bytes, truncated) VALUES (?, ?, ?, ?, ?, ?,"
                + " ?, ?, ?, ?, ?) ON CONFLICT (path_key) DO UPDATE SET commit_id ="
                + " excluded.commit_id, blob_id = excluded.blob_id, processor = excluded.processor,"
                + " documented_at = excluded.documented_at, duration_ms = excluded.duration_ms,"
                + " job_id = excluded.job_id, text = excluded.text, written_bytes ="
                + " excluded.written_bytes, truncated = excluded.truncated")) {
      JobRows.bindPath(ps, 1, job.file());
      ps.setString(2, job.file().display());
      ps.setString(3, job.commit());
      ps.setString(4, job.blob());
      ps.setString(5, doc.processor());
      ps.setLong(6, now);
      ps.setLong(7, durationMs);
      ps.setLong(8, job.id());
      ps.setString(9, text);
      ps.setLong(10, doc.writtenBytes());
      ps.setInt(11, truncated ? 1 : 0);
      ps.executeUpdate();
    }
  }

  /** Removes the document of {@code path}; returns how many (0 or 1). */
  static int remove(Connection c, RepoPath path) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM documents WHERE path_key = ?")) {
      JobRows.bindPath(ps, 1, path);
      return ps.executeUpdate();
    }
  }

  /**
   * Moves the document of {@code from} to {@code to}, replacing what {@code to} had; returns how
   * many moved (0 where {@code from} has none: then {@code to} keeps its own). The moved document
   * takes {@code at}, the rename's place in the order, so that only jobs of {@code to} queued after
   * the rename may replace it.
   */
  static int move(Connection c, RepoPath from, RepoPath to, long at) throws SQLException {
    if (findEntry(c, from).isEmpty()) {
      return 0;
    }
    remove(c, to);
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE documents SET path_key = ?, path = ?, job_id = ? WHERE path_key = ?")) {
      JobRows.bindPath(ps, 1, to);
      ps.setString(2, to.display());
      ps.setLong(3, at);
      JobRows.bindPath(ps, 4, from);
      return ps.executeUpdate();
    }
  }

  /**
   * Migration to schema 4: the output of each path's last done job becomes its document, so that
   * what the worker wrote before the store existed can be searched at once. Which command wrote it
   * is not known ({@value #IMPORTED_PROCESSOR}): a backfill documents those files again.
   */
  static void importOutputs(Connection c) throws SQLException {
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
