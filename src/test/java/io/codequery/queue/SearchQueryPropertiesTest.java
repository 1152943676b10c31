package io.codequery.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.codequery.project.RepoPath;
import io.codequery.store.Job;
import io.codequery.store.JobFile;
import io.codequery.store.JobResult;
import io.codequery.store.NewDocument;
import io.codequery.store.SearchOutcome;
import io.codequery.store.SearchRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * A user's query is data: whatever string it is — FTS5 syntax gone wrong, SQL, control characters,
 * any Unicode — a search answers hits or "nothing to search for", never an exception, and never
 * changes the store.
 */
class SearchQueryPropertiesTest {
  private static Path dir;
  private static JobQueue store;
  private static String fingerprint;

  @BeforeContainer
  static void corpus() throws IOException {
    dir = Files.createTempDirectory("search-properties");
    store = JobQueue.open(dir.resolve("queue.db"), 0, Duration.ofSeconds(1), Clock.systemUTC());
    String[][] docs = {
      {"src/Worker.java", "the worker loop AND its heartbeat; NEAR the end: \"quoted\" text"},
      {"docs/notes.md", "DROP TABLE documents; -- not SQL, just words * ( ) ^ :"},
      {"ünï/cödé.txt", "diacritics café naïve 日本語 emoji 🎉"},
    };
    for (String[] d : docs) {
      store.enqueueFiles("c1", List.of(new JobFile(RepoPath.of(d[0]), null)));
      Job j = store.claim("w", Duration.ofSeconds(30)).orElseThrow();
      store.complete(j, new JobResult(0, 1, "", new NewDocument(d[1], d[1].length(), false, "p")));
    }
    fingerprint = fingerprint();
  }

  @AfterContainer
  static void cleanUp() throws IOException {
    store.close();
    try (var files = Files.walk(dir)) {
      files
          .sorted((a, b) -> b.getNameCount() - a.getNameCount())
          .forEach(
              p -> {
                try {
                  Files.delete(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    }
  }

  /** Every table's row count and the schema: what a query must never change. */
  static String fingerprint() {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("queue.db"));
        Statement st = c.createStatement()) {
      StringBuilder sb = new StringBuilder();
      try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM documents")) {
        rs.next();
        sb.append("documents=").append(rs.getLong(1));
      }
      try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM jobs")) {
        rs.next();
        sb.append(" jobs=").append(rs.getLong(1));
      }
      try (ResultSet rs = st.executeQuery("SELECT group_concat(sql) FROM sqlite_master")) {
        rs.next();
        sb.append(" schema=").append(rs.getString(1).hashCode());
      }
      return sb.toString();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Provide
  Arbitrary<String> hostile() {
    Arbitrary<String> pieces =
        Arbitraries.of(
            "\"",
            "'",
            "*",
            "(",
            ")",
            "AND",
            "OR",
            "NOT",
            "NEAR",
            "NEAR/",
            "NEAR(",
            ":",
            "^",
            "-",
            "+",
            "{",
            "}",
            ";",
            "--",
            "/*",
            "*/",
            "DROP TABLE documents",
            "path:",
            "text:",
            "col:",
            "worker",
            "heart*",
            "\"the worker",
            "\0",
            "\n",
            "\t",
            " ",
            "   ",
            "%",
            "_",
            "\\",
            "caf\u00e9",
            "\u65e5\u672c",
            "\ud83c\udf89",
            "\ufffd",
            "\u200b",
            "\u0301",
            "a",
            "1",
            "x:y",
            "AND(",
            "OR)",
            "NOT NOT",
            "*:*",
            "{path text}:",
            "''",
            "\"\"");
    Arbitrary<String> anyChars = Arbitraries.strings().ofMaxLength(12);
    return Arbitraries.oneOf(pieces, pieces, anyChars)
        .list()
        .ofMaxSize(8)
        .map(l -> String.join("", l));
  }

  @Property(tries = 400)
  void any_query_answers_without_an_exception_and_changes_nothing(
      @ForAll("hostile") String query, @ForAll("glob") Optional<String> glob) {
    SearchOutcome out = store.search(new SearchRequest(query, 10, glob.orElse(null)));
    if (out instanceof SearchOutcome.Unsearchable u) {
      assertTrue(u.reason().startsWith("nothing to search for"), u.reason());
      assertFalse(u.reason().contains("\n"), "one line");
    }
    assertEquals(fingerprint, fingerprint());
  }

  @Provide
  Arbitrary<Optional<String>> glob() {
    return Arbitraries.oneOf(
            Arbitraries.of("*", "src/*", "[", "**/*.java", "\\", "*[!a]*", "ünï/*"),
            Arbitraries.strings().ofMinLength(1).ofMaxLength(6))
        .optional(0.5);
  }

  @Property(tries = 200)
  void a_query_of_words_finds_the_document_that_holds_them(@ForAll("wordOfTheCorpus") String word) {
    SearchOutcome out = store.search(new SearchRequest(word, 10, null));
    assertTrue(out instanceof SearchOutcome.Hits h && !h.hits().isEmpty(), word + " found nothing");
  }

  @Provide
  Arbitrary<String> wordOfTheCorpus() {
    return Arbitraries.of(
        "worker",
        "loop",
        "heartbeat",
        "quoted",
        "DROP",
        "documents",
        "SQL",
        "café",
        "naïve",
        "cafe",
        "worker-loop",
        "\"worker loop\"",
        "heart*",
        "Worker.java",
        "notes",
        "AND",
        "NEAR");
  }
}
