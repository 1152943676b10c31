package io.codequery.pgstore;

import io.codequery.store.JobStoreContract;
import io.codequery.store.Store;
import io.codequery.testing.SettableClock;
import io.codequery.testing.TestPostgres;
import java.time.Duration;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The job queue's contract on PostgreSQL: a fresh database per test. */
class PgJobStoreTest extends JobStoreContract {
  @RegisterExtension static final TestPostgres PG = new TestPostgres();

  @Override
  protected Store newStore(int maxRetries, Duration retryDelay, SettableClock clock) {
    return PgTestStores.fresh(PG, "jobs", maxRetries, retryDelay, clock);
  }
}
