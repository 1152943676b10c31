package io.codequery.pgstore;

import io.codequery.testing.SettableClock;
import io.codequery.testing.TestPostgres;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.function.Supplier;

/** Opening PostgreSQL stores for tests, on a {@link TestPostgres} database. */
final class PgTestStores {
  private PgTestStores() {}

  /**
   * A store on a fresh database of {@code pg}, whose clock is the database's moved forward as far
   * as {@code clock} moves from where it stands now (a test that advances its settable clock moves
   * the store's time alike; the database's own clock runs on underneath).
   */
  static PostgresStore fresh(
      TestPostgres pg, String hint, int maxRetries, Duration retryDelay, SettableClock clock) {
    String database = pg.createDatabase(hint);
    return open(pg.server().jdbcUrl(database), maxRetries, retryDelay, shiftOf(clock));
  }

  static Supplier<Duration> shiftOf(SettableClock clock) {
    Instant start = clock.instant();
    return () -> Duration.between(start, clock.instant());
  }

  /**
   * A shift that holds the database's clock still but for {@code clock}'s moves: the real time
   * passed since now is taken off again (to within the few milliseconds between this read and the
   * transaction's start, which the contract's intervals leave room for).
   */
  static Supplier<Duration> heldOf(SettableClock clock) {
    Supplier<Duration> moved = shiftOf(clock);
    long startNanos = System.nanoTime();
    return () -> moved.get().minusNanos(System.nanoTime() - startNanos);
  }

  static PostgresStore open(
      String jdbcUrl, int maxRetries, Duration retryDelay, Supplier<Duration> shift) {
    return PostgresStore.open(
        jdbcUrl,
        new Properties(),
        jdbcUrl,
        new PostgresStore.Options(maxRetries, retryDelay, shift));
  }
}
