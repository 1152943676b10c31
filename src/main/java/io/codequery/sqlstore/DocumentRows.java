package io.codequery.sqlstore;

import io.codequery.project.RepoPath;
import io.codequery.store.Document;
import io.codequery.store.DocumentCounts;
import io.codequery.store.DocumentEntry;
import io.codequery.store.Job;
import io.codequery.store.NewDocument;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Row mapping and writes of the {@code documents} table: one current document per path (its search
 * index follows the table: FTS5 triggers on SQLite, a generated {@code tsvector} on PostgreSQL).
 * Every write runs inside the caller's transaction.
 */
public final class DocumentRows {
  /** Characters of text kept per document (the runner bounds it first; this guards the table). */
  private static final int MAX_TEXT_CHARS = 1024 * 1024;

  private static final String ENTRY_COLUMNS =
      "path_key, commit_id, blob_id, processor, documented_at";
  private static final String COLUMNS =
      ENTRY_COLUMNS + ", duration_ms, text, written_bytes, truncated";

  private DocumentRows() {}

  /** The current document of {@code path}, with its text. */
  public static Optional<Document> find(Connection c, SqlDialect dialect, RepoPath path)
      throws SQLException {
    return ofPath(c, dialect, COLUMNS, path, DocumentRows::document);
  }

  /** The current document of {@code path}, without its text. */
  public static Optional<DocumentEntry> findEntry(Connection c, SqlDialect dialect, RepoPath path)
      throws SQLException {
    return ofPath(c, dialect, ENTRY_COLUMNS, path, DocumentRows::entry);
  }

  /** Reads one row of the table (nothing else) as a record. */
  private interface RowReader<T> {
    T read(SqlDialect dialect, ResultSet rs) throws SQLException;
  }

  private static <T> Optional<T> ofPath(
      Connection c, SqlDialect dialect, String columns, RepoPath path, RowReader<T> reader)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT " + columns + " FROM documents WHERE path_key = ?")) {
      dialect.bindPath(ps, 1, path);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(reader.read(dialect, rs)) : Optional.empty();
      }
    }
  }

  /** Every current document without its text, in git's path order. */
  public static List<DocumentEntry> entries(Connection c, SqlDialect dialect) throws SQLException {
    List<DocumentEntry> all = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT " + ENTRY_COLUMNS + " FROM documents");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        all.add(entry(dialect, rs));
      }
    }
    // Sorted here, not by the database: SQLite orders TEXT before BLOB, and git orders names by
    // their bytes (as PostgreSQL orders bytea, and RepoPath compares).
    all.sort((a, b) -> a.path().compareTo(b.path()));
    return List.copyOf(all);
  }

  /**
   * How many documents there are, how many jobs are waiting or running and how many failed, and how
   * many ended without a run: already documented, or superseded.
   */
  public static DocumentCounts counts(Connection c) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT (SELECT COUNT(*) FROM documents), (SELECT COUNT(*) FROM jobs WHERE kind ="
                    + " 'document' AND state IN ('pending', 'running')), (SELECT COUNT(*) FROM"
                    + " jobs WHERE kind = 'document' AND state = 'failed'), (SELECT COUNT(*) FROM"
                    + " jobs WHERE outcome = 'already_documented'), (SELECT COUNT(*) FROM jobs"
                    + " WHERE outcome = 'superseded')")) {
      rs.next();
      return new DocumentCounts(
          rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5));
    }
  }

  private static DocumentEntry entry(SqlDialect dialect, ResultSet rs) throws SQLException {
    return new DocumentEntry(
        RepoPath.ofBytes(rs.getBytes("path_key")),
        rs.getString("commit_id"),
        rs.getString("blob_id"),
        rs.getString("processor"),
        dialect.instant(rs, "documented_at"));
  }

  private static Document document(SqlDialect dialect, ResultSet rs) throws SQLException {
    DocumentEntry e = entry(dialect, rs);
    return new Document(
        e.path(),
        e.commit(),
        e.blob(),
        e.processor(),
        e.documentedAt(),
        rs.getLong("duration_ms"),
        rs.getString("text"),
        rs.getLong("written_bytes"),
        rs.getBoolean("truncated"));
  }

  /**
   * Makes {@code doc}, written by {@code job}'s run, the current document of the job's path.
   *
   * @param now the operation's time, as SQL (see {@link SqlDialect})
   */
  public static void store(
      Connection c, SqlDialect dialect, Job job, NewDocument doc, long durationMs, String now)
      throws SQLException {
    String text = doc.text();
    boolean truncated = doc.truncated();
    if (text.length() > MAX_TEXT_CHARS) {
      text = TextBounds.bound(text, MAX_TEXT_CHARS);
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
      dialect.bindPath(ps, 1, job.file());
      ps.setString(2, dialect.text(job.file().display()));
      ps.setString(3, job.commit());
      ps.setString(4, job.blob());
      ps.setString(5, dialect.text(doc.processor()));
      ps.setLong(6, durationMs);
      ps.setLong(7, job.id());
      ps.setString(8, dialect.text(text));
      ps.setLong(9, doc.writtenBytes());
      ps.setBoolean(10, truncated);
      ps.executeUpdate();
    }
  }

  /** Removes the document of {@code path}; returns how many (0 or 1). */
  public static int remove(Connection c, SqlDialect dialect, RepoPath path) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM documents WHERE path_key = ?")) {
      dialect.bindPath(ps, 1, path);
      return ps.executeUpdate();
    }
  }

  /**
   * Moves the document of {@code from} to {@code to}, replacing what {@code to} had; returns how
   * many moved (0 where {@code from} has none: then {@code to} keeps its own). The moved document
   * takes {@code at}, the rename's place in the order, so that only jobs of {@code to} queued after
   * the rename may replace it.
   */
  public static int move(Connection c, SqlDialect dialect, RepoPath from, RepoPath to, long at)
      throws SQLException {
    if (findEntry(c, dialect, from).isEmpty()) {
      return 0;
    }
    remove(c, dialect, to);
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE documents SET path_key = ?, path = ?, job_id = ? WHERE path_key = ?")) {
      dialect.bindPath(ps, 1, to);
      ps.setString(2, dialect.text(to.display()));
      ps.setLong(3, at);
      dialect.bindPath(ps, 4, from);
      return ps.executeUpdate();
    }
  }
}
