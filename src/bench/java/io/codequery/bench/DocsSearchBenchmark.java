package io.codequery.bench;

import io.codequery.bench.tools.DocsCorpus;
import io.codequery.docs.DocsQueries;
import io.codequery.project.ProjectLayout;
import io.codequery.queue.JobQueue;
import io.codequery.store.SearchOutcome;
import io.codequery.store.SearchRequest;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code docs search} in process on a store of 10,000 documents ({@link DocsCorpus}): what the CLI
 * does after the JVM is up ({@link DocsQueries}: open the store read-only, search, close), the
 * search on a store held open, and the floor — the same FTS5 query and snippets on a JDBC
 * connection held open, nothing else.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(3)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
public class DocsSearchBenchmark {
  @Param({"worker", "lease renewal", "heart*", "\"claim protocol\"", "Type4242", "zyzzyva"})
  public String query;

  private Path root;
  private DocsQueries docs;
  private JobQueue store;
  private Connection floor;
  private PreparedStatement floorQuery;
  private SearchRequest request;

  @Setup(Level.Trial)
  public void openStore() throws IOException, SQLException {
    root = DocsCorpus.build(DocsCorpus.defaultRoot());
    docs = new DocsQueries(ProjectLayout.of(root));
    store = JobQueue.openReadOnly(root.resolve(".code-query/queue.db"), Clock.systemUTC());
    floor = DriverManager.getConnection("jdbc:sqlite:" + root.resolve(".code-query/queue.db"));
    floorQuery =
        floor.prepareStatement(
            "SELECT rowid, snippet(documents_fts, -1, '**', '**', '…', 16) FROM documents_fts"
                + " WHERE documents_fts MATCH ? ORDER BY rank LIMIT 10");
    request = new SearchRequest(query, 10, null);
    SearchOutcome out = docs.search(request);
    if (!(out instanceof SearchOutcome.Hits h) || (h.hits().isEmpty() != query.equals("zyzzyva"))) {
      throw new IllegalStateException("unexpected answer to " + query + ": " + out);
    }
  }

  @TearDown(Level.Trial)
  public void close() throws SQLException {
    store.close();
    floor.close();
  }

  /** What {@code docs search} does once the JVM runs: open read-only, search, close. */
  @Benchmark
  public SearchOutcome docsSearch() {
    return docs.search(request);
  }

  /** The search on a store held open (a long-lived caller: the MCP server). */
  @Benchmark
  public SearchOutcome openStoreSearch() {
    return store.search(request);
  }

  /** The floor: the FTS5 query and its snippets on a connection held open. */
  @Benchmark
  public int floor() throws SQLException {
    floorQuery.setString(1, query);
    int n = 0;
    try (ResultSet rs = floorQuery.executeQuery()) {
      while (rs.next()) {
        rs.getString(2);
        n++;
      }
    }
    return n;
  }
}
