package io.codequery.pgstore;

import io.codequery.store.DocumentStoreContract;
import io.codequery.store.Store;
import io.codequery.testing.SettableClock;
import io.codequery.testing.TestPostgres;
import java.time.Duration;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The documentation store's contract on PostgreSQL: a fresh database per test. */
class PgDocumentStoreTest extends DocumentStoreContract {
  @RegisterExtension static final TestPostgres PG = new TestPostgres();

  @Override
  protected Store newStore(SettableClock clock) {
    return PgTestStores.fresh(PG, "docs", 2, Duration.ofSeconds(60), clock);
  }
}
