package io.codequery.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.codequery.CodeQueryException;
import io.codequery.project.RepoPath;
import io.codequery.testing.SettableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The job queue's contract ({@link JobStore}), written once: each store implementation runs these
 * tests through a subclass that says how to open an empty store.
 */
public abstract class JobStoreContract {
  protected static final Duration LEASE = Duration.ofSeconds(30);
  protected static final Duration RETRY_DELAY = Duration.ofSeconds(60);

  /**
   * How close to a deadline the contract looks: a store on a database's clock sees that clock run
   * on between two calls (SQLite's subclass checks the very millisecond, on its injected clock).
   */
  protected static final Duration CLOCK_SLACK = Duration.ofSeconds(1);

  protected final SettableClock clock = new SettableClock();
  protected Store queue;

  /**
   * A new, empty store that retries a retryable failure {@code maxRetries} times after {@code
   * retryDelay} and reads the time from {@code clock}.
   */
  protected abstract Store newStore(int maxRetries, Duration retryDelay, SettableClock clock);

  @BeforeEach
  void openStore() {
    queue = newStore(2, RETRY_DELAY, clock);
  }

  @AfterEach
  void closeStore() {
    queue.close();
  }

  @Test
  void enqueued_files_are_pending_and_duplicates_collapse() {
    assertEquals(2, queue.enqueue("abc123", List.of("src/A.java", "src/B.java")));
    assertEquals(1, queue.enqueue("abc123", List.of("src/A.java", "src/C.java", "src/C.java")));
    assertEquals(
        1, queue.enqueue("def456", List.of("src/A.java")), "same file, other commit: a new job");
    assertEquals(
        Map.of(JobState.PENDING, 3L, JobState.RUNNING, 0L, JobState.DONE, 1L, JobState.FAILED, 0L),
        queue.counts(),
        "abc123's pending job of src/A.java is superseded by def456's: done, never run");
    assertEquals(3, queue.depth());
  }

  @Test
  void re_enqueue_of_a_done_job_does_nothing() {
    queue.enqueue("abc123", List.of("a.txt"));
    Job job = queue.claim("w", LEASE).orElseThrow();
    queue.complete(job, new JobResult(0, 5, "ok"));
    assertEquals(0, queue.enqueue("abc123", List.of("a.txt")));
    assertEquals(JobState.DONE, queue.get(job.id()).orElseThrow().state());
    assertTrue(queue.claim("w", LEASE).isEmpty());
  }

  @Test
  void unsafe_paths_are_refused_with_a_clear_message_and_nothing_is_added() {
    for (String bad : List.of("/etc/passwd", "../outside", "src/../../x", "a\0b", "")) {
      CodeQueryException e =
          assertThrows(
              CodeQueryException.class, () -> queue.enqueue("abc", List.of("ok.txt", bad)));
      assertTrue(
          e.getMessage().contains("refused") || e.getMessage().contains("non-empty"),
          e.getMessage());
    }
    assertThrows(CodeQueryException.class, () -> queue.enqueue("--exec=evil", List.of("ok.txt")));
    assertEquals(0, queue.depth());
    assertEquals(
        4,
        queue.enqueue("abc", List.of("..foo/bar..", "-dash", "a b; c", "line\nbreak")),
        "dots inside names are fine, and so is a newline (a legal file-name byte)");
    assertEquals(4, queue.depth());
  }

  @Test
  void claim_takes_the_oldest_due_job_and_marks_it_running() {
    queue.enqueue("c1", List.of("first", "second"));
    Job job = queue.claim("worker-1", LEASE).orElseThrow();
    assertEquals(RepoPath.of("first"), job.file());
    assertEquals(JobState.RUNNING, job.state());
    assertEquals(1, job.attempts());
    assertEquals("worker-1", job.leaseOwner());
    assertEquals(job.updatedAt().plus(LEASE), job.leaseUntil(), "claimed now, for the lease");
    assertEquals("c1:first", job.describe());
    assertEquals(job, queue.get(job.id()).orElseThrow(), "the returned job is what the row holds");
    assertEquals(RepoPath.of("second"), queue.claim("worker-1", LEASE).orElseThrow().file());
    assertTrue(queue.claim("worker-1", LEASE).isEmpty());
  }

  @Test
  void eight_threads_claiming_from_one_queue_claim_each_job_once() throws Exception {
    int jobs = 200;
    queue.enqueue("c", IntStream.range(0, jobs).mapToObj(i -> "f" + i).toList());
    ConcurrentLinkedQueue<Long> claimed = new ConcurrentLinkedQueue<>();
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        String owner = "thread-" + t;
        futures.add(
            pool.submit(
                () -> {
                  go.await();
                  Optional<Job> job;
                  while ((job = queue.claim(owner, LEASE)).isPresent()) {
                    claimed.add(job.get().id());
                    assertTrue(queue.complete(job.get(), new JobResult(0, 1, "")).isPresent());
                  }
                  return null;
                }));
      }
      go.countDown();
      assertTimeoutPreemptively(
          Duration.ofMinutes(3),
          () -> {
            for (Future<?> f : futures) {
              f.get();
            }
          });
    } finally {
      pool.shutdownNow();
    }
    Set<Long> unique = new HashSet<>(claimed);
    assertEquals(claimed.size(), unique.size(), "a job was claimed twice");
    assertEquals(jobs, unique.size());
    assertEquals(jobs, queue.counts().get(JobState.DONE));
  }

  @Test
  void a_job_whose_lease_expired_is_claimed_again_and_the_old_claim_is_refused() {
    queue.enqueue("c", List.of("a"));
    Job first = queue.claim("dead-worker", LEASE).orElseThrow();
    assertTrue(queue.claim("other", LEASE).isEmpty(), "a live lease is respected");
    clock.advance(LEASE.plusMillis(1));
    Job second = queue.claim("other", LEASE).orElseThrow();
    assertEquals(first.id(), second.id());
    assertEquals(2, second.attempts());
    assertEquals("other", second.leaseOwner());
    assertTrue(
        queue.complete(first, new JobResult(0, 1, "late")).isEmpty(), "the old claim lost the job");
    assertFalse(queue.extendLease(first, LEASE));
    assertEquals(
        JobState.DONE, queue.complete(second, new JobResult(0, 1, "ok")).orElseThrow().state());
  }

  @Test
  void an_extended_lease_keeps_the_job_from_being_reclaimed() {
    queue.enqueue("c", List.of("a"));
    Job job = queue.claim("w", LEASE).orElseThrow();
    clock.advance(LEASE.minusSeconds(5));
    assertTrue(queue.extendLease(job, LEASE));
    clock.advance(Duration.ofSeconds(10));
    assertTrue(queue.claim("other", LEASE).isEmpty());
    assertTrue(queue.complete(job, new JobResult(0, 1, "")).isPresent());
  }

  @Test
  void a_retryable_failure_waits_the_retry_delay_then_fails_after_max_retries() {
    queue.enqueue("c", List.of("a"));
    for (int attempt = 1; attempt <= 3; attempt++) {
      Job job = queue.claim("w", LEASE).orElseThrow(() -> new AssertionError("not claimable"));
      assertEquals(attempt, job.attempts());
      Job recorded =
          queue.fail(job, "exit code 1", true, new JobResult(1, 7, "boom")).orElseThrow();
      if (attempt <= 2) {
        assertEquals(JobState.PENDING, recorded.state());
        assertEquals(recorded.updatedAt().plus(RETRY_DELAY), recorded.notBefore());
        assertTrue(queue.claim("w", LEASE).isEmpty(), "not before the retry delay");
        clock.advance(RETRY_DELAY.minus(CLOCK_SLACK));
        assertTrue(queue.claim("w", LEASE).isEmpty());
        clock.advance(CLOCK_SLACK);
      } else {
        assertEquals(JobState.FAILED, recorded.state());
        assertEquals(1, recorded.exitCode());
        assertEquals("boom", recorded.output());
        assertTrue(recorded.error().startsWith("exit code 1"), recorded.error());
      }
    }
    clock.advance(RETRY_DELAY.multipliedBy(10));
    assertTrue(queue.claim("w", LEASE).isEmpty());
  }

  @Test
  void a_non_retryable_failure_fails_at_once() {
    queue.enqueue("c", List.of("gone.txt"));
    Job job = queue.claim("w", LEASE).orElseThrow();
    Job failed = queue.fail(job, "file gone.txt does not exist", false).orElseThrow();
    assertEquals(JobState.FAILED, failed.state());
    assertEquals("file gone.txt does not exist", failed.error());
    assertNull(failed.leaseOwner());
  }

  @Test
  void release_puts_the_job_back_without_counting_the_attempt() {
    queue.enqueue("c", List.of("a"));
    Job job = queue.claim("w", LEASE).orElseThrow();
    Job released = queue.release(job).orElseThrow();
    assertEquals(JobState.PENDING, released.state());
    assertEquals(0, released.attempts());
    assertEquals(1, queue.claim("w2", LEASE).orElseThrow().attempts());
  }

  @Test
  void release_with_a_delay_keeps_the_job_pending_until_then_and_never_counts_the_attempt() {
    queue.enqueue("c", List.of("a"));
    Duration delay = Duration.ofSeconds(30);
    // More releases than the retry budget (2 retries): a job released for want of its commit is
    // never failed for it.
    for (int round = 0; round < 5; round++) {
      Job job = queue.claim("w" + round, LEASE).orElseThrow();
      assertEquals(1, job.attempts(), "round " + round);
      Job released = queue.release(job, delay).orElseThrow();
      assertEquals(JobState.PENDING, released.state());
      assertEquals(0, released.attempts());
      assertNull(released.leaseOwner());
      assertNull(released.leaseUntil());
      assertEquals(
          released.updatedAt().plus(delay),
          released.notBefore(),
          "due after the delay, on the store's clock");
      assertEquals(released, queue.get(job.id()).orElseThrow(), "returned as the row holds it");
      assertEquals(0, queue.due(), "not due before the delay");
      assertTrue(queue.claim("early", LEASE).isEmpty(), "not claimable before the delay");
      clock.advance(delay.minus(CLOCK_SLACK));
      assertTrue(queue.claim("early", LEASE).isEmpty(), "still not, just before the delay ends");
      clock.advance(CLOCK_SLACK);
    }
    Job last = queue.claim("w", LEASE).orElseThrow();
    assertEquals(1, last.attempts());
    assertEquals(
        JobState.DONE, queue.complete(last, new JobResult(0, 1, "")).orElseThrow().state());
  }

  @Test
  void a_release_by_a_claim_that_lost_its_job_is_refused_and_changes_nothing() {
    queue.enqueue("c", List.of("a"));
    Job first = queue.claim("w1", LEASE).orElseThrow();
    clock.advance(LEASE.plusSeconds(1));
    Job second = queue.claim("w2", LEASE).orElseThrow();
    assertTrue(queue.release(first, Duration.ofSeconds(30)).isEmpty(), "fenced by the claim");
    Job row = queue.get(first.id()).orElseThrow();
    assertEquals(JobState.RUNNING, row.state());
    assertEquals("w2", row.leaseOwner());
    assertEquals(2, row.attempts());
    assertEquals(second, row, "the new claimant's row is untouched");
    assertEquals(1, queue.release(second, Duration.ofSeconds(30)).orElseThrow().attempts());
  }

  @Test
  void a_negative_release_delay_is_refused() {
    queue.enqueue("c", List.of("a"));
    Job job = queue.claim("w", LEASE).orElseThrow();
    assertThrows(IllegalArgumentException.class, () -> queue.release(job, Duration.ofSeconds(-1)));
    assertEquals(JobState.RUNNING, queue.get(job.id()).orElseThrow().state());
  }

  @Test
  void a_job_whose_workers_keep_dying_is_failed_after_the_retry_budget() {
    queue.enqueue("c", List.of("poison"));
    for (int i = 0; i < 3; i++) {
      assertTrue(queue.claim("w" + i, LEASE).isPresent());
      clock.advance(LEASE.plusSeconds(1));
    }
    assertTrue(queue.claim("w3", LEASE).isEmpty());
    Job job = queue.list(Optional.of(JobState.FAILED), 10).get(0);
    assertTrue(job.error().contains("abandoned by its worker 3 times"), job.error());
  }

  @Test
  void counts_are_in_state_order_list_is_newest_first_and_retry_failed_resets() {
    queue.enqueue("c", List.of("a", "b", "c", "d"));
    Job a = queue.claim("w", LEASE).orElseThrow();
    queue.complete(a, new JobResult(0, 1, ""));
    Job b = queue.claim("w", LEASE).orElseThrow();
    queue.fail(b, "bad", false);
    queue.claim("w", LEASE).orElseThrow();
    assertEquals(
        List.of(JobState.PENDING, JobState.RUNNING, JobState.DONE, JobState.FAILED),
        List.copyOf(queue.counts().keySet()));
    assertEquals(List.of(1L, 1L, 1L, 1L), List.copyOf(queue.counts().values()));
    assertEquals(2, queue.depth());
    assertEquals(
        List.of("d", "c", "b", "a"),
        queue.list(Optional.empty(), 10).stream().map(j -> j.file().display()).toList());
    assertEquals(
        List.of("d", "c"),
        queue.list(Optional.empty(), 2).stream().map(j -> j.file().display()).toList());
    assertEquals(
        List.of("b"),
        queue.list(Optional.of(JobState.FAILED), 10).stream()
            .map(j -> j.file().display())
            .toList());
    assertEquals(1, queue.retryFailed());
    Job retried = queue.get(b.id()).orElseThrow();
    assertEquals(JobState.PENDING, retried.state());
    assertEquals(0, retried.attempts());
  }
}
