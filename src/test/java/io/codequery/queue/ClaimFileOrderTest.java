package io.codequery.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.codequery.store.Job;
import io.codequery.store.JobResult;
import io.codequery.store.JobState;
import io.codequery.store.Outcome;
import io.codequery.store.RecordedRun;
import io.codequery.testing.SettableClock;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Schema step 2 (the run of a job) on an existing queue, one job per file at a time, in the order
 * queued; a pending job overtaken by a newer one of its file is not run at all.
 */
class ClaimFileOrderTest {
  private static final Duration LEASE = Duration.ofSeconds(30);

  @TempDir Path dir;
  SettableClock clock = new SettableClock();

  @Test
  void two_jobs_of_one_file_never_run_at_once_and_run_in_commit_order() {
    try (JobQueue q = JobQueue.open(dir.resolve("q.db"), 2, Duration.ofSeconds(60), clock)) {
      q.enqueue("c1", List.of("a.txt", "b.txt"));
      Job first = q.claim("slot-1", LEASE).orElseThrow();
      // Queued while c1:a.txt runs: a running job is not superseded, so c2's must wait for it.
      q.enqueue("c2", List.of("a.txt"));
      Job second = q.claim("slot-2", LEASE).orElseThrow();
      assertEquals("c1:a.txt", first.describe());
      assertEquals("c1:b.txt", second.describe());
      assertTrue(q.claim("slot-3", LEASE).isEmpty(), "c2:a.txt waits while c1:a.txt runs");
      q.complete(first, new JobResult(0, 1, ""));
      assertEquals("c2:a.txt", q.claim("slot-3", LEASE).orElseThrow().describe());
    }
  }

  @Test
  void a_retry_overtaken_by_a_newer_job_of_its_file_is_superseded_not_run() {
    try (JobQueue q = JobQueue.open(dir.resolve("q.db"), 2, Duration.ofSeconds(60), clock)) {
      q.enqueue("c1", List.of("a.txt"));
      Job first = q.claim("slot-1", LEASE).orElseThrow();
      q.fail(first, "exit code 1", true);
      q.enqueue("c2", List.of("a.txt"));
      assertEquals("c2:a.txt", q.claim("slot-1", LEASE).orElseThrow().describe());
      Job old = q.get(first.id()).orElseThrow();
      assertEquals(JobState.DONE, old.state());
      assertEquals(Outcome.SUPERSEDED, old.outcome());
      assertTrue(old.note().contains("commit c2"), old.note());
    }
  }

  @Test
  void an_older_job_put_back_by_retry_runs_before_a_newer_one_of_its_file() {
    try (JobQueue q = JobQueue.open(dir.resolve("q.db"), 0, Duration.ofSeconds(60), clock)) {
      q.enqueue("c1", List.of("a.txt"));
      q.fail(q.claim("slot-1", LEASE).orElseThrow(), "exit code 1", false);
      q.enqueue("c2", List.of("a.txt"));
      assertEquals(1, q.retryFailed());
      assertEquals("c1:a.txt", q.claim("slot-1", LEASE).orElseThrow().describe());
      assertTrue(q.claim("slot-2", LEASE).isEmpty(), "c2 must not overtake c1's retry");
    }
  }

  @Test
  void an_expired_run_of_a_file_is_reclaimed_before_a_newer_job_of_it() {
    try (JobQueue q = JobQueue.open(dir.resolve("q.db"), 2, Duration.ofSeconds(60), clock)) {
      q.enqueue("c1", List.of("a.txt"));
      q.claim("dead-worker", LEASE).orElseThrow();
      q.enqueue("c2", List.of("a.txt"));
      clock.advance(LEASE.plusSeconds(1));
      assertEquals("c1:a.txt", q.claim("slot-1", LEASE).orElseThrow().describe());
      assertTrue(q.claim("slot-2", LEASE).isEmpty());
    }
  }

  @Test
  void a_run_is_recorded_for_its_claim_only() throws Exception {
    Path db = dir.resolve("q.db");
    try (JobQueue q = JobQueue.open(db, 2, Duration.ofSeconds(60), clock)) {
      q.enqueue("c1", List.of("a.txt"));
      Job claimed = q.claim("w", LEASE).orElseThrow();
      assertTrue(q.recordRun(claimed, new RecordedRun(4242, 777, "boot")));
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
        assertEquals(
            Optional.of(new RecordedRun(4242, 777, "boot")), ClaimJobs.recordedRun(c, claimed));
      }
      clock.advance(LEASE.plusSeconds(1));
      // A different boot: nothing to end; the job is claimed again, the old claim fenced.
      Job again = q.claim("w2", LEASE).orElseThrow();
      assertTrue(!q.recordRun(claimed, new RecordedRun(1, 1, "b")), "the old claim is fenced");
      assertTrue(q.recordRun(again, new RecordedRun(5, 6, "boot")));
    }
  }
}
