package io.codequery.worker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.codequery.project.RepoPath;
import io.codequery.queue.JobQueue;
import io.codequery.store.Job;
import io.codequery.store.JobState;
import io.codequery.testing.RealWorker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM to a real worker mid-job: the job finishes within the stop timeout, or goes back to the
 * queue.
 */
class GracefulStopTest {
  @TempDir Path dir;
  Path root;

  @BeforeEach
  void setUp() throws Exception {
    root = dir.toRealPath();
    Files.createDirectories(root.resolve(".code-query"));
    Files.writeString(root.resolve("a.txt"), "a\n");
  }

  JobQueue queue() {
    return JobQueue.open(
        root.resolve(".code-query/queue.db"), 2, Duration.ofSeconds(60), Clock.systemUTC());
  }

  Job onlyJob() {
    try (JobQueue q = queue()) {
      return q.list(Optional.empty(), 10).get(0);
    }
  }

  void config(String seconds) throws Exception {
    Files.writeString(
        root.resolve(".code-query/config.json"),
        "{\"processing\": {\"heartbeat_seconds\": 1, \"stop_timeout_seconds\": 10,"
            + " \"command\": [\"sh\", \"-c\", \"sleep "
            + seconds
            + "; echo finished\"]}}");
  }

  @Test
  void a_job_that_ends_within_the_stop_timeout_is_finished_and_recorded() throws Exception {
    config("2");
    try (RealWorker w = RealWorker.start(root)) {
      try (JobQueue q = queue()) {
        q.enqueue("c1", List.of("a.txt"));
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> onlyJob().state() == JobState.RUNNING);
      assertEquals(0, w.terminate());
    }
    Job j = onlyJob();
    assertEquals(JobState.DONE, j.state());
    try (JobQueue q = queue()) {
      assertEquals("finished\n", q.document(RepoPath.of("a.txt")).orElseThrow().text());
    }
    assertFalse(Files.exists(root.resolve(".code-query/worker.pid")));
  }

  @Test
  void a_job_that_outlasts_the_stop_timeout_is_killed_and_released_back_to_pending_uncounted()
      throws Exception {
    config("300");
    try (RealWorker w = RealWorker.start(root)) {
      try (JobQueue q = queue()) {
        q.enqueue("c1", List.of("a.txt"));
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> onlyJob().state() == JobState.RUNNING);
      assertEquals(0, w.terminate(), "a clean stop, even with a job handed back");
    }
    Job j = onlyJob();
    assertEquals(JobState.PENDING, j.state());
    assertEquals(0, j.attempts(), "a released job does not count as an attempt");
    assertFalse(Files.exists(root.resolve(".code-query/worker.pid")));
  }
}
