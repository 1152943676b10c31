package io.codequery.pgstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.codequery.CodeQueryException;
import io.codequery.store.Job;
import io.codequery.store.WorkerRecord;
import io.codequery.testing.TestPostgres;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A worker frozen (SIGSTOP) in the middle of one of its transactions keeps that session open with
 * its row locks: to the server it is a session idle in a transaction. The store's sessions are
 * ended by the server after {@link PgDatabase#IDLE_IN_TRANSACTION_TIMEOUT}, so the frozen worker's
 * jobs are claimed by others within seconds, and a reaper meeting its locks gives up within a
 * second instead of stalling its own worker's heartbeat. (The three-host test saw a worker frozen
 * in its heartbeat's transaction whose jobs no claim could take — {@code SKIP LOCKED} skipped them
 * — and whose reaper stopped the reaping host's heartbeat.) The frozen client here is a thread that
 * sleeps inside {@code inTransaction}: to the server, exactly what a stopped process is.
 */
class PgFrozenSessionTest {
  @RegisterExtension static final TestPostgres PG = new TestPostgres();

  /** Longer than any bound checked here: without the timeout, the locks would outlive the test. */
  private static final Duration FROZEN_FOR = Duration.ofSeconds(25);

  private static PostgresStore open(String url) {
    return PgTestStores.open(url, 2, Duration.ofSeconds(60), () -> Duration.ZERO);
  }

  /** Locks {@code job}'s row in a transaction of the store's own kind, then stops talking. */
  private static CompletableFuture<Void> freezeHolding(
      PgDatabase db, Job job, CountDownLatch locked) {
    return CompletableFuture.runAsync(
        () ->
            db.inTransaction(
                c -> {
                  try (PreparedStatement ps =
                      c.prepareStatement("UPDATE jobs SET updated_at = now() WHERE id = ?")) {
                    ps.setLong(1, job.id());
                    ps.executeUpdate();
                  }
                  locked.countDown();
                  try {
                    Thread.sleep(FROZEN_FOR.toMillis());
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  return null;
                }));
  }

  @Test
  void a_session_frozen_in_a_transaction_is_ended_and_its_job_claimed_by_another()
      throws Exception {
    String url = PG.server().jdbcUrl(PG.createDatabase("frozen"));
    try (PostgresStore alpha = open(url);
        PostgresStore beta = open(url);
        PgDatabase frozen = PgDatabase.open(url, new Properties(), "test")) {
      alpha.enqueue("c1", List.of("a.txt"));
      Job held = alpha.claim("pid-1-aaaa-s1", Duration.ofMillis(500)).orElseThrow();
      CountDownLatch locked = new CountDownLatch(1);
      long start = System.nanoTime();
      CompletableFuture<Void> frozenTransaction = freezeHolding(frozen, held, locked);
      assertTrue(locked.await(30, TimeUnit.SECONDS));
      Thread.sleep(1_000); // the lease has run out; the row is still locked
      assertEquals(
          Optional.empty(), beta.claim("pid-2-bbbb-s1", Duration.ofMinutes(5)), "row locked");

      Awaitility.await()
          .atMost(Duration.ofSeconds(15))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> beta.claim("pid-2-bbbb-s1", Duration.ofMinutes(5)).isPresent());
      long tookMs = (System.nanoTime() - start) / 1_000_000;
      System.out.printf("frozen session's job claimed elsewhere after %d ms%n", tookMs);
      assertTrue(tookMs < FROZEN_FOR.toMillis(), "before the frozen client woke");
      ExecutionException ended =
          assertThrows(ExecutionException.class, () -> frozenTransaction.get(60, TimeUnit.SECONDS));
      assertInstanceOf(CodeQueryException.class, ended.getCause(), "its commit failed");
    }
  }

  @Test
  void a_reaper_meeting_a_frozen_sessions_locks_gives_up_within_seconds() throws Exception {
    String url = PG.server().jdbcUrl(PG.createDatabase("frozen_reap"));
    try (PostgresStore alpha = open(url);
        PostgresStore beta = open(url);
        PgDatabase frozen = PgDatabase.open(url, new Properties(), "test")) {
      alpha.enqueue("c1", List.of("a.txt"));
      WorkerRecord dies = alpha.register(PgWorkerLockTest.worker("alpha", "pid-1-aaaa"));
      beta.register(PgWorkerLockTest.worker("beta", "pid-2-bbbb"));
      Job held = alpha.claim("pid-1-aaaa-s1", Duration.ofMinutes(10)).orElseThrow();
      CountDownLatch locked = new CountDownLatch(1);
      CompletableFuture<Void> frozenTransaction = freezeHolding(frozen, held, locked);
      assertTrue(locked.await(30, TimeUnit.SECONDS));
      assertEquals(1, PgWorkerLockTest.terminateLockSession(url, dies.workerId()));

      long start = System.nanoTime();
      List<WorkerRecord> reaped;
      try {
        reaped = beta.reap();
      } catch (CodeQueryException e) {
        reaped = List.of(); // gave up on the lock; the next beat tries again
      }
      long tookMs = (System.nanoTime() - start) / 1_000_000;
      System.out.printf("reaper facing a frozen session's locks returned in %d ms%n", tookMs);
      assertTrue(tookMs < 4_000, "the reaper waited " + tookMs + " ms on a frozen session");
      if (reaped.isEmpty()) {
        Awaitility.await()
            .atMost(Duration.ofSeconds(15))
            .pollInterval(Duration.ofMillis(500))
            .ignoreExceptionsInstanceOf(CodeQueryException.class)
            .until(() -> !beta.reap().isEmpty());
      }
      Job again = beta.claim("pid-2-bbbb-s1", Duration.ofMinutes(5)).orElseThrow();
      assertEquals(held.id(), again.id());
      assertThrows(ExecutionException.class, () -> frozenTransaction.get(60, TimeUnit.SECONDS));
    }
  }
}
