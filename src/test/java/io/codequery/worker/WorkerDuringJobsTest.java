package io.codequery.worker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.codequery.HealthCheck;
import io.codequery.HealthReport;
import io.codequery.cli.Main;
import io.codequery.queue.JobQueue;
import io.codequery.store.Job;
import io.codequery.store.JobState;
import io.codequery.testing.RealWorker;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real worker while its jobs run: the heartbeat and the self-check go on (jobs run on slots of
 * their own), slots run jobs side by side, and `queue add`/`queue retry` wake it at once.
 */
@EnabledOnOs(OS.LINUX)
@Tag("slow")
class WorkerDuringJobsTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path dir;
  Path root;

  @BeforeEach
  void setUp() throws Exception {
    root = dir.toRealPath();
    Files.createDirectories(root.resolve(".code-query"));
    for (String f : List.of("a.txt", "b.txt", "c.txt")) {
      Files.writeString(root.resolve(f), f + "\n");
    }
  }

  void config(String processing) throws Exception {
    Files.writeString(
        root.resolve(".code-query/config.json"), "{\"processing\": {" + processing + "}}");
  }

  JobQueue queue() {
    return JobQueue.open(
        root.resolve(".code-query/queue.db"), 0, Duration.ofSeconds(60), Clock.systemUTC());
  }

  Map<String, JobState> states() {
    try (JobQueue q = queue()) {
      return q.list(Optional.empty(), 100).stream()
          .collect(Collectors.toMap(Job::describe, Job::state));
    }
  }

  static String cli(String... args) {
    StringWriter out = new StringWriter();
    int code = Main.execute(args, new PrintWriter(out), new PrintWriter(new StringWriter()));
    assertEquals(0, code, out.toString());
    return out.toString();
  }

  @Test
  void health_stays_healthy_and_says_processing_during_a_30_second_job() throws Exception {
    config("\"heartbeat_seconds\": 1, \"command\": [\"sleep\", \"30\"]");
    try (RealWorker w = RealWorker.start(root)) {
      try (JobQueue q = queue()) {
        q.enqueue("c1", List.of("a.txt"));
      }
      await().atMost(WAIT).until(() -> states().get("c1:a.txt") == JobState.RUNNING);
      long runningSince = System.nanoTime();
      // Look several times across the job: every look must find the worker fresh and busy.
      for (int look = 0; look < 6; look++) {
        Thread.sleep(3_000);
        HealthReport r = HealthCheck.run(root);
        assertTrue(r.isHealthy(), "look " + look + ": " + r.checks() + " " + r);
        assertTrue(r.checks().get("process_responsive"));
        assertEquals("processing", r.workerState(), r.toString());
        assertEquals(List.of("c1:a.txt"), r.currentJobs());
        assertEquals("c1:a.txt", r.lastJob());
      }
      // PID-file repair goes on too: a removed PID file is back within a heartbeat or two.
      Path pid = root.resolve(".code-query/worker.pid");
      Files.delete(pid);
      await()
          .atMost(Duration.ofSeconds(5))
          .until(
              () ->
                  Files.exists(pid)
                      && Files.readString(pid, StandardCharsets.US_ASCII).equals(w.pid() + "\n"));
      assertTrue(
          System.nanoTime() - runningSince < Duration.ofSeconds(30).toNanos(),
          "the checks were made while the job ran");
      assertEquals(JobState.RUNNING, states().get("c1:a.txt"));
    }
  }

  @Test
  void two_slots_run_two_jobs_at_once_and_one_slot_runs_them_one_after_the_other()
      throws Exception {
    Path log = root.resolve("starts.txt");
    String command =
        "\"command\": [\"sh\", \"-c\", \"echo start >> \\\"$0\\\"; sleep 3\", \"" + log + "\"]";
    config("\"heartbeat_seconds\": 1, \"concurrency\": 2, " + command);
    try (RealWorker w = RealWorker.start(root)) {
      try (JobQueue q = queue()) {
        q.enqueue("c1", List.of("a.txt", "b.txt", "c.txt"));
      }
      await().atMost(WAIT).until(() -> Files.exists(log) && Files.readAllLines(log).size() >= 2);
      assertEquals(
          2,
          states().values().stream().filter(s -> s == JobState.RUNNING).count(),
          "two jobs run side by side, not three");
      await()
          .atMost(WAIT)
          .until(() -> states().values().stream().allMatch(s -> s == JobState.DONE));
    }
  }

  static void git(Path cwd, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("git", "-c", "user.name=T", "-c", "user.email=t@t"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), "git " + args[0] + ": " + out);
  }

  @Test
  void queue_retry_and_queue_add_wake_a_worker_whose_heartbeat_is_an_hour() throws Exception {
    config(
        "\"heartbeat_seconds\": 3600, \"max_retries\": 0, \"command\": [\"test\", \"-f\", \"ok\"]");
    try (JobQueue q = queue()) {
      q.enqueue("c1", List.of("a.txt"));
    }
    try (RealWorker w = RealWorker.start(root)) {
      // Taken in at start-up; fails (no "ok" file; no retries).
      await().atMost(WAIT).until(() -> states().get("c1:a.txt") == JobState.FAILED);
      Files.writeString(root.resolve("ok"), "");
      // The worker's next heartbeat is an hour away: only the wake-up can start the job now.
      cli("queue", "retry", "--project-root", root.toString());
      await().atMost(Duration.ofSeconds(20)).until(() -> states().get("c1:a.txt") == JobState.DONE);

      git(root, "init", "-q");
      git(root, "add", "b.txt");
      git(root, "commit", "-q", "-m", "b");
      cli("queue", "add", "--project-root", root.toString());
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  states().entrySet().stream()
                      .anyMatch(
                          e -> e.getKey().endsWith(":b.txt") && e.getValue() == JobState.DONE));
    }
  }
}
