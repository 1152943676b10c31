package io.codequery.queue;

import io.codequery.store.DocumentStoreContract;
import io.codequery.store.Store;
import io.codequery.testing.SettableClock;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;

/** The documentation store's contract on SQLite. */
class SqliteDocumentStoreTest extends DocumentStoreContract {
  @TempDir Path dir;

  @Override
  protected Store newStore(SettableClock clock) {
    return JobQueue.open(dir.resolve(".code-query/queue.db"), 2, Duration.ofSeconds(60), clock);
  }
}
