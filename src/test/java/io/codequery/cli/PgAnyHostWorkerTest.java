package io.codequery.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.codequery.testing.RealWorker;
import io.codequery.testing.SharedClones;
import io.codequery.testing.TestPostgres;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two clones of one remote share a PostgreSQL store: A commits, pushes and queues the commit (as
 * its hook would); a real worker JVM on B, which has not fetched, claims the job, fetches the
 * commit and documents the file.
 */
class PgAnyHostWorkerTest {
  @RegisterExtension static final TestPostgres PG = new TestPostgres();

  @TempDir Path tmp;

  record Run(int code, String out, String err) {}

  static Run cli(Path root, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--project-root", root.toString()));
    int code = Main.execute(all.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
    return new Run(code, out.toString(), err.toString());
  }

  static void configure(Path clone, String storeUrl) throws Exception {
    Files.createDirectories(clone.resolve(".code-query"));
    Files.writeString(
        clone.resolve(".code-query/config.json"),
        "{\"store\": {\"url\": \""
            + storeUrl
            + "\"}, \"processing\": {\"heartbeat_seconds\": 1, \"command\":"
            + " [\"sh\", \"-c\", \"echo \\\"# $1\\\"; cat \\\"$2\\\"\", \"sh\", \"{path}\","
            + " \"{file}\"]}}");
  }

  @Test
  void a_worker_on_a_clone_that_has_not_fetched_fetches_the_commit_and_documents_it()
      throws Exception {
    String url = PG.server().url(PG.createDatabase("anyhost"));
    SharedClones clones = SharedClones.create(tmp.resolve("git"));
    Path b = clones.cloneAs("b");
    Path a = clones.cloneAs("a");
    configure(a, url);
    configure(b, url);
    String commit =
        SharedClones.commitFile(a, "src/Far.java", "class Far { /* made on host a */ }\n");
    SharedClones.git(a, "push", "-q", "origin", "main");
    Run add = cli(a, "queue", "add", commit, "--json");
    assertEquals(0, add.code(), add.toString());
    assertFalse(SharedClones.holds(b, commit));

    try (RealWorker worker = RealWorker.start(b)) {
      Run found =
          await()
              .atMost(Duration.ofSeconds(60))
              .until(() -> cli(b, "docs", "search", "host", "--json"), r -> r.code() == 0);
      assertTrue(found.out().contains("src/Far.java"), found.out());
    }
    assertTrue(SharedClones.holds(b, commit), "B's worker fetched the commit");
    String log = Files.readString(b.resolve(".code-query/worker.log"));
    assertTrue(log.contains("fetched origin in "), log);
    assertTrue(log.contains("for commit " + commit), log);
    assertTrue(log.contains("done " + commit + ":src/Far.java"), log);
    assertFalse(Files.exists(b.resolve("src/Far.java")), "B's working tree is left alone");
  }
}
