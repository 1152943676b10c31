package io.codequery.pgstore;

import io.codequery.store.Store;
import io.codequery.store.WorkerRegistry;
import io.codequery.store.WorkerRegistryContract;
import io.codequery.testing.SettableClock;
import io.codequery.testing.TestPostgres;
import java.time.Duration;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The worker registry's contract on PostgreSQL: a fresh database per test. The store's clock is the
 * database's, shifted as the test's clock moves and held still against real time (the contract's
 * intervals are a fifth of a second: on a loaded machine the real time between two calls alone
 * could make a life look dead).
 */
class PgWorkerRegistryTest extends WorkerRegistryContract {
  @RegisterExtension static final TestPostgres PG = new TestPostgres();

  /**
   * More than the held clock can be off between two calls: the time from reading the shift to the
   * start of the transaction that uses it (a pooled connection, BEGIN), which varies with load.
   */
  private static final Duration SLACK = Duration.ofMillis(50);

  @Override
  protected Store newStore(SettableClock clock) {
    String database = PG.createDatabase("workers");
    return PgTestStores.open(
        PG.server().jdbcUrl(database), 2, Duration.ofSeconds(60), PgTestStores.heldOf(clock));
  }

  @Override
  protected WorkerRegistry registryOf(Store store) {
    return (PostgresStore) store;
  }

  /**
   * Moves the store's clock {@code d} and the slack on, so that an age read after is at least d.
   */
  @Override
  protected void passTime(Duration d) {
    clock.advance(d.plus(SLACK));
  }
}
