package io.codequery.queue;

import io.codequery.project.RepoPath;
import io.codequery.store.SearchHit;
import io.codequery.store.SearchOutcome;
import io.codequery.store.SearchRequest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * Full-text search of the current documents with SQLite FTS5: bm25 ranking (a path's words weigh
 * four times a text's), {@code snippet()} passages. The user's query is bound as a parameter, never
 * spliced into SQL; FTS5 reads it with its own syntax (terms, {@code "phrases"}, {@code prefix*},
 * {@code AND}/{@code OR}/{@code NOT}, {@code path:} and {@code text:} column filters). Where that
 * syntax refuses it ({@code "}, {@code AND(}, {@code *} alone, {@code NEAR/}, {@code a-b}), its
 * words are searched instead (see {@link FtsQuery#plainWords}).
 */
final class SearchDocuments {
  /** How much more a word of a path weighs than a word of a text. */
  static final double PATH_WEIGHT = 4.0;

  private SearchDocuments() {}

  static SearchOutcome search(Connection c, SearchRequest request) throws SQLException {
    Optional<String> unsearchable = request.unsearchable();
    if (unsearchable.isPresent()) {
      return new SearchOutcome.Unsearchable(unsearchable.get());
    }
    Optional<String> words = FtsQuery.plainWords(request.query());
    if (words.isEmpty()) {
      return new SearchOutcome.Unsearchable(request.wordlessReason());
    }
    try {
      return new SearchOutcome.Hits(run(c, request.query(), request), false);
    } catch (SQLException e) {
      if (!isQuerySyntaxError(e)) {
        throw e;
      }
    }
    return new SearchOutcome.Hits(run(c, words.get(), request), true);
  }

  private static List<SearchHit> run(Connection c, String match, SearchRequest request)
      throws SQLException {
    String glob = request.pathGlob();
    // The best `limit` rows are found first, by bm25() alone: a common word matches most
    // documents, and a snippet (or the table's configured rank, or the join) computed for every
    // one of them cost three to five times as much. Only then are the few hits joined to their
    // rows and given a snippet (a look-up by rowid inside the same match).
    String sql =
        "WITH top AS (SELECT documents_fts.rowid AS id, bm25(documents_fts, "
            + PATH_WEIGHT
            + ", 1.0) AS score FROM documents_fts"
            + (glob == null ? "" : " JOIN documents g ON g.id = documents_fts.rowid")
            + " WHERE documents_fts MATCH ?1"
            + (glob == null ? "" : " AND (g.path GLOB ?2 OR g.path GLOB ?3)")
            + " ORDER BY score LIMIT ?"
            + (glob == null ? "2" : "4")
            + ") SELECT d.path_key, d.commit_id, top.score, (SELECT snippet(documents_fts, -1,"
            + " '**', '**', '…', 16) FROM documents_fts WHERE documents_fts MATCH ?1 AND"
            + " documents_fts.rowid = top.id) FROM top JOIN documents d ON d.id = top.id ORDER BY"
            + " top.score";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      int i = 1;
      ps.setString(i++, match);
      if (glob != null) {
        ps.setString(i++, glob);
        // A glob without wildcards names a directory too, as a git pathspec does.
        ps.setString(i++, glob.endsWith("/") ? glob + "*" : glob + "/*");
      }
      ps.setInt(i, request.limit());
      List<SearchHit> hits = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          hits.add(
              new SearchHit(
                  RepoPath.ofBytes(rs.getBytes(1)),
                  rs.getString(2),
                  -rs.getDouble(3),
                  rs.getString(4)));
        }
      }
      return hits;
    }
  }

  /** True for FTS5's refusals of a query's syntax (SQLITE_ERROR with FTS5's words). */
  static boolean isQuerySyntaxError(SQLException e) {
    if (!(e instanceof SQLiteException se) || se.getResultCode() != SQLiteErrorCode.SQLITE_ERROR) {
      return false;
    }
    String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
    return m.contains("fts5:")
        || m.contains("unterminated string")
        || m.contains("unknown special query")
        || m.contains("no such column")
        || m.contains("malformed match");
  }
}
