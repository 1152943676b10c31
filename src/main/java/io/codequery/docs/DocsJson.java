package io.codequery.docs;

import io.codequery.project.RepoPath;
import io.codequery.store.Document;
import io.codequery.store.SearchHit;
import io.codequery.store.SearchOutcome;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON of each documentation answer, as maps with snake_case keys in a fixed order, for the CLI
 * ({@code --json}) and the MCP server alike. A path is its exact name where that is UTF-8, else its
 * escaped form with {@code "path_escaped": true} beside it.
 */
public final class DocsJson {
  private DocsJson() {}

  /**
   * {@code docs search}: {@code {"query", "results": [{"path", "commit", "score", "snippet"}]}}; an
   * unsearchable query is an {@link #error}.
   */
  public static Map<String, Object> search(String query, SearchOutcome.Hits hits) {
    List<Map<String, Object>> results = new ArrayList<>();
    for (SearchHit h : hits.hits()) {
      Map<String, Object> m = new LinkedHashMap<>();
      path(m, h.path());
      m.put("commit", h.commit());
      // Four significant digits: bm25 gives a word found in most documents a tiny score.
      m.put("score", new BigDecimal(h.score()).round(new MathContext(4)).doubleValue());
      m.put("snippet", h.snippet());
      results.add(m);
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("query", query);
    m.put("results", results);
    return m;
  }

  /**
   * {@code docs show}: {@code {"path", "commit", "blob", "processor", "documented_at", "text"}},
   * then {@code truncated} and {@code written_bytes} (what the processor wrote in all).
   */
  public static Map<String, Object> document(Document d) {
    Map<String, Object> m = new LinkedHashMap<>();
    path(m, d.path());
    m.put("commit", d.commit());
    m.put("blob", d.blob());
    m.put("processor", d.processor());
    m.put("documented_at", d.documentedAt().toString());
    m.put("text", d.text());
    m.put("truncated", d.truncated());
    m.put("written_bytes", d.writtenBytes());
    return m;
  }

  /**
   * {@code docs status}: {@code {"tracked", "documented", "stale", "pending", "failed"}}, then
   * {@code skipped} (jobs done at once: content documented already) and {@code commit} (HEAD).
   */
  public static Map<String, Object> status(DocsStatus s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("tracked", s.tracked());
    m.put("documented", s.documented());
    m.put("stale", s.stale());
    m.put("pending", s.pending());
    m.put("failed", s.failed());
    m.put("skipped", s.skipped());
    m.put("commit", s.commit());
    return m;
  }

  /**
   * {@code docs list}: {@code {"documents": [{"path", "commit", "blob", "processor",
   * "documented_at", "head_blob", "stale"}]}}.
   */
  public static Map<String, Object> list(List<ListedDocument> docs) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (ListedDocument l : docs) {
      Map<String, Object> m = new LinkedHashMap<>();
      path(m, l.entry().path());
      m.put("commit", l.entry().commit());
      m.put("blob", l.entry().blob());
      m.put("processor", l.entry().processor());
      m.put("documented_at", l.entry().documentedAt().toString());
      m.put("head_blob", l.headBlob());
      m.put("stale", l.stale());
      rows.add(m);
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("documents", rows);
    return m;
  }

  /** {@code {"error": message}}: an answer that could not be given, or a refusal. */
  public static Map<String, Object> error(String message) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("error", message);
    return m;
  }

  private static void path(Map<String, Object> m, RepoPath path) {
    m.put("path", path.text().orElse(path.display()));
    if (!path.isUtf8()) {
      m.put("path_escaped", true);
    }
  }
}
