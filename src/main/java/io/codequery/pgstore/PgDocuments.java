package io.codequery.pgstore;

import io.codequery.project.RepoPath;
import io.codequery.store.Document;
import io.codequery.store.DocumentEntry;
import io.codequery.store.Job;
import io.codequery.store.NewDocument;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Row mapping and writes of the {@code documents} table (one current document per path; its search
 * vector is a generated column). Every write runs inside the caller's transaction.
 */
final class PgDocuments {
  /** Characters of text kept per document (as the SQLite store keeps). */
  static final int MAX_TEXT_CHARS = 1024 * 1024;

  private PgDocuments() {}

  static Optional<Document> find(Connection c, RepoPath path) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT " + PgRows.DOCUMENT_COLUMNS + " FROM documents WHERE path_key = ?")) {
      ps.setBytes(1, path.bytes());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(PgRows.document(rs)) : Optional.empty();
      }
    }
  }

  static Optional<DocumentEntry> findEntry(Connection c, RepoPath path) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT " + PgRows.ENTRY_COLUMNS + " FROM documents WHERE path_key = ?")) {
      ps.setBytes(1, path.bytes());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(PgRows.entry(rs)) : Optional.empty();
      }
    }
  }

  /** Every current document without its text, in git's path order (bytea compares bytes). */
  static List<DocumentEntry> entries(Connection c) throws SQLException {
    List<DocumentEntry> all = new ArrayList<>();
    try (PreparedStatement ps =
            c.prepareStatement(
                "SELECT " + PgRows.ENTRY_COLUMNS + " FROM documents ORDER BY path_key");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        all.add(PgRows.entry(rs));
      }
    }
    return List.copyOf(all);
  }

  /** Makes {@code doc}, written by {@code job}'s run, the current document of the job's path. */
  static void store(Connection c, Job job, NewDocument doc, long durationMs, String now)
      throws SQLException {
    String text = doc.text();
    boolean truncated = doc.truncated();
    if (text.length() > MAX_TEXT_CHARS) {
      text = PgRows.bound(text, MAX_TEXT_CHARS);
      truncated = true;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO documents (path_key, path, commit_id, blob_id, processor, documented_at,"
                + " duration_ms, job_id, text, written_bytes, truncated) VALUES (?, ?, ?, ?, ?, "
                + now
                + ", ?, ?, ?, ?, ?) ON CONFLICT (path_key) DO UPDATE SET commit_id ="
                + " excluded.commit_id, blob_id = excluded.blob_id, processor = excluded.processor,"
                + " documented_at = excluded.documented_at, duration_ms = excluded.duration_ms,"
                + " job_id = excluded.job_id, text = excluded.text, written_bytes ="
                + " excluded.written_bytes, truncated = excluded.truncated")) {
      ps.setBytes(1, job.file().bytes());
      ps.setString(2, PgRows.text(job.file().display()));
      ps.setString(3, job.commit());
      ps.setString(4, job.blob());
      ps.setString(5, PgRows.text(doc.processor()));
      ps.setLong(6, durationMs);
      ps.setLong(7, job.id());
      ps.setString(8, PgRows.text(text));
      ps.setLong(9, doc.writtenBytes());
      ps.setBoolean(10, truncated);
      ps.executeUpdate();
    }
  }

  /** Removes the document of {@code path}; returns how many (0 or 1). */
  static int remove(Connection c, RepoPath path) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM documents WHERE path_key = ?")) {
      ps.setBytes(1, path.bytes());
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
      ps.setBytes(1, to.bytes());
      ps.setString(2, PgRows.text(to.display()));
      ps.setLong(3, at);
      ps.setBytes(4, from.bytes());
      return ps.executeUpdate();
    }
  }
}
