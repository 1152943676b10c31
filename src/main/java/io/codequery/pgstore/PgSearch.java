package io.codequery.pgstore;

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
import java.util.Optional;

/**
 * Full-text search of the current documents on PostgreSQL: the generated {@code tsvector} (a GIN
 * index), {@code ts_rank} with a path's words weighing four times a text's (weights A and D), and
 * {@code ts_headline} passages. The query is read by {@link PgQuery} with the SQLite store's
 * syntax; a query that syntax refuses is searched as plain words, never an error, and no user text
 * is ever part of the SQL.
 */
final class PgSearch {
  /** ts_rank's weights, {D, C, B, A}: a path's words (A) weigh four times a text's (D). */
  private static final String WEIGHTS = "'{0.25, 0.25, 0.25, 1.0}'";

  private static final String HEADLINE_OPTIONS =
      "StartSel=**, StopSel=**, MaxWords=16, MinWords=6, MaxFragments=1,"
          + " FragmentDelimiter=\" … \"";

  /** PostgreSQL's "invalid regular expression": a glob whose class is no valid range. */
  private static final String INVALID_REGEX = "2201B";

  private PgSearch() {}

  static SearchOutcome search(Connection c, SearchRequest request) throws SQLException {
    // Refused before the query is parsed or reaches the index: thousands of words are as many
    // look-ups in the GIN index, as they were in SQLite's.
    Optional<String> unsearchable = request.unsearchable();
    if (unsearchable.isPresent()) {
      return new SearchOutcome.Unsearchable(unsearchable.get());
    }
    Optional<PgQuery.Sql> words = PgQuery.plainWords(request.query());
    if (words.isEmpty()) {
      return new SearchOutcome.Unsearchable(request.wordlessReason());
    }
    Optional<PgQuery.Sql> parsed = PgQuery.parse(request.query());
    if (parsed.isPresent()) {
      return new SearchOutcome.Hits(run(c, parsed.get(), request), false);
    }
    return new SearchOutcome.Hits(run(c, words.get(), request), true);
  }

  private static List<SearchHit> run(Connection c, PgQuery.Sql query, SearchRequest request)
      throws SQLException {
    String glob = request.pathGlob();
    // The best `limit` rows are found first by rank alone; only those few get a headline (it
    // parses the whole text again).
    String sql =
        "WITH q AS (SELECT "
            + query.expression()
            + " AS q), top AS (SELECT d.path_key, ts_rank("
            + WEIGHTS
            + ", d.search, q.q, 1) AS score FROM documents d, q WHERE d.search @@ q.q"
            + (glob == null ? "" : " AND (d.path ~ ? OR d.path ~ ?)")
            + " ORDER BY score DESC, d.path_key LIMIT ?) SELECT d.path_key, d.commit_id,"
            + " top.score, ts_headline('"
            + PgSchema.TS_CONFIG
            + "', d.text, q.q, '"
            + HEADLINE_OPTIONS
            + "') FROM top JOIN documents d ON d.path_key = top.path_key, q ORDER BY top.score"
            + " DESC, d.path_key";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      int i = 1;
      for (String p : query.parameters()) {
        ps.setString(i++, p);
      }
      if (glob != null) {
        ps.setString(i++, PathGlob.regex(glob));
        // A glob without wildcards names a directory too, as a git pathspec does.
        ps.setString(i++, PathGlob.regex(glob.endsWith("/") ? glob + "*" : glob + "/*"));
      }
      ps.setInt(i, request.limit());
      List<SearchHit> hits = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          hits.add(
              new SearchHit(
                  RepoPath.ofBytes(rs.getBytes(1)),
                  rs.getString(2),
                  rs.getDouble(3),
                  rs.getString(4)));
        }
      }
      return hits;
    } catch (SQLException e) {
      if (INVALID_REGEX.equals(e.getSQLState())) {
        return List.of(); // a class such as [z-a] matches no path, as SQLite's GLOB finds none
      }
      throw e;
    }
  }
}
