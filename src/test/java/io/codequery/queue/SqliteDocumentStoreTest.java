package io.codequery.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.codequery.store.DocumentStoreContract;
import io.codequery.store.Store;
import io.codequery.testing.SettableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The documentation store's contract on SQLite. */
class SqliteDocumentStoreTest extends DocumentStoreContract {
  @TempDir Path dir;

  @Override
  protected Store newStore(SettableClock clock) {
    return JobQueue.open(dir.resolve(".code-query/queue.db"), 2, Duration.ofSeconds(60), clock);
  }

  @Test
  void a_document_s_time_is_the_injected_clock_s() {
    clock.set(Instant.parse("2026-03-01T10:00:00Z"));
    documented(C1, "src/A.java", BLOB_X, "# A");
    assertEquals(
        Instant.parse("2026-03-01T10:00:00Z"),
        store.document(path("src/A.java")).orElseThrow().documentedAt());
  }
}
