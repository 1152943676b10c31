package io.codequery.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.codequery.store.Job;
import io.codequery.store.JobResult;
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

/** Schema step 2 (the run of a job) on an existing queue, and one job per file at a time. */
class ClaimFileOrderTest {
  private static final Duration LEASE = Duration.ofSeconds(30);

  @TempDir Path dir;
  SettableClock clock = new SettableClock();

  @Test
  void two_jobs_of_one_file_never_run_at_once_and_run_in_commit_order() {
    try (JobQueue q = JobQueue.open(dir.resolve("q.db"), 2, Duration.ofSeconds(60), clock)) {
      q.enqueue("c1", List.of("a.txt", "b.txt"));
      q.enqueue("c2", List.of("a.txt"));
      Job first = q.claim("slot-1", LEASE).orElseThrow();
      Job second = q.claim("slot-2", LEASE).orElseThrow();
      assertEquals("c1:a.txt", first.describe());
      assertEquals("c1:b.txt", second.describe());
      assertTrue(q.claim("slot-3", LEASE).isEmpty(), "c2:a.txt waits while c1:a.txt runs");
      q.complete(first, new JobResult(0, 1, ""));
      assertEquals("c2:a.txt", q.claim("slot-3", LEASE).orElseThrow().describe());
    }
  }

  @Test
  void a_newer_job_of_a_file_waits_for_an_older_one_in_its_retry_delay() {
    try (JobQueue q = JobQueue.open(dir.resolve("q.db"), 2, Duration.ofSeconds(60), clock)) {
      q.enqueue("c1", List.of("a.txt"));
      q.enqueue("c2", List.of("a.txt"));
      Job first = q.claim("slot-1", LEASE).orElseThrow();
      q.fail(first, "exit code 1", true);
      assertTrue(q.claim("slot-1", LEASE).isEmpty(), "c2 must not overtake c1's retry");
      clock.advance(Duration.ofSeconds(60));
      assertEquals("c1:a.txt", q.claim("slot-1", LEASE).orElseThrow().describe());
    }
  }

  @Test
  void an_expired_run_of_a_file_is_reclaimed_before_a_newer_job_of_it() {
    try (JobQueue q = JobQueue.open(dir.resolve("q.db"), 2, Duration.ofSeconds(60), clock)) {
      q.enqueue("c1", List.of("a.txt"));
      q.enqueue("c2", List.of("a.txt"));
      q.claim("dead-worker", LEASE).orElseThrow();
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
