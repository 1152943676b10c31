package io.codequery.queue;

import io.codequery.store.Store;
import io.codequery.store.WorkerRegistry;
import io.codequery.store.WorkerRegistryContract;
import io.codequery.testing.SettableClock;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;

/** The worker registry's contract on SQLite. */
class SqliteWorkerRegistryTest extends WorkerRegistryContract {
  @TempDir Path dir;

  @Override
  protected Store newStore(SettableClock clock) {
    return JobQueue.open(dir.resolve("queue.db"), 2, Duration.ofSeconds(60), clock);
  }

  @Override
  protected WorkerRegistry registryOf(Store store) {
    return ((JobQueue) store).workers();
  }
}
