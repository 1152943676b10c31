package io.codequery.queue;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.codequery.child.EndProcesses;
import io.codequery.log.WorkerLog;
import io.codequery.project.ProjectLayout;
import io.codequery.project.RepoPath;
import io.codequery.store.Job;
import io.codequery.store.JobState;
import io.codequery.store.Outcome;
import io.codequery.testing.SettableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

@EnabledOnOs({OS.LINUX, OS.MAC})
class QueueTaskTest {
  private static final Duration WAIT = Duration.ofSeconds(90);

  @TempDir Path tmp;
  ProjectLayout layout;
  SettableClock clock = new SettableClock();
  JobQueue queue;
  WorkerLog log;
  QueueTask task;

  @BeforeEach
  void setUp() throws Exception {
    layout = ProjectLayout.of(tmp);
    Files.createDirectories(layout.dir());
    Files.writeString(layout.root().resolve("a.txt"), "hello\n");
    queue = JobQueue.open(layout.queueDatabase(), 2, Duration.ofSeconds(60), clock);
    log = new WorkerLog(layout.logFile(), clock);
  }

  @AfterEach
  void tearDown() {
    if (task != null) {
      task.close();
    }
  }

  private QueueTask task(List<String> command, Duration lease, Duration stopTimeout) {
    JobRunner runner =
        new JobRunner(
            layout.root(),
            command,
            "sonnet",
            Duration.ofSeconds(120),
            JobRunner.DEFAULT_OUTPUT_LIMIT);
    task = new QueueTask(queue, runner, log, "test-owner", lease, stopTimeout);
    return task;
  }

  private Job only() {
    return queue.list(Optional.empty(), 10).get(0);
  }

  @Test
  void a_job_runs_to_done_with_the_built_in_processor_and_is_logged() throws Exception {
    queue.enqueue("c0ffee", List.of("a.txt"));
    QueueTask t = task(null, QueueTask.DEFAULT_LEASE, Duration.ofSeconds(10));
    assertEquals("", t.current());
    assertTrue(t.runOnce());
    assertFalse(t.runOnce(), "nothing left to do");
    Job job = only();
    assertEquals(JobState.DONE, job.state());
    assertEquals(Outcome.DOCUMENTED, job.outcome());
    String doc = queue.document(RepoPath.of("a.txt")).orElseThrow().text();
    assertTrue(doc.startsWith("# a.txt\n"), doc);
    assertTrue(Files.readString(layout.logFile()).contains("done c0ffee:a.txt"));
  }

  /**
   * Under job slots a completion claims the task's next job ({@link QueueTask#chainClaims}); the
   * next {@code runOnce} runs it without a claim of its own, and a task asked to stop hands a job
   * claimed that way back to pending at once (not counted as an attempt), instead of leaving it
   * running until its lease expires.
   */
  @Test
  void a_job_claimed_with_a_completion_runs_next_or_goes_back_when_the_task_stops()
      throws Exception {
    Files.writeString(layout.root().resolve("b.txt"), "b\n");
    Files.writeString(layout.root().resolve("c.txt"), "c\n");
    queue.enqueue("c0ffee", List.of("a.txt", "b.txt", "c.txt"));
    QueueTask t = task(null, QueueTask.DEFAULT_LEASE, Duration.ofSeconds(10));
    t.chainClaims();
    assertTrue(t.runOnce());
    assertEquals(JobState.DONE, job("a.txt").state());
    assertEquals(JobState.RUNNING, job("b.txt").state(), "claimed with a.txt's completion");
    assertEquals("test-owner", job("b.txt").leaseOwner());
    assertEquals(JobState.PENDING, job("c.txt").state());

    assertTrue(t.runOnce());
    assertEquals(JobState.DONE, job("b.txt").state());
    assertEquals(JobState.RUNNING, job("c.txt").state(), "claimed with b.txt's completion");

    t.requestStop();
    assertFalse(t.runOnce(), "a task asked to stop runs nothing more");
    Job c = job("c.txt");
    assertEquals(JobState.PENDING, c.state(), "handed back, due at once");
    assertEquals(0, c.attempts(), "the attempt that never ran is not counted");
    assertTrue(
        Files.readString(layout.logFile()).contains("released c0ffee:c.txt unstarted"),
        Files.readString(layout.logFile()));
  }

  private Job job(String file) {
    return queue.list(Optional.empty(), 10).stream()
        .filter(j -> j.file().equals(RepoPath.of(file)))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void a_failing_command_is_retried_after_the_delay_then_failed() throws Exception {
    queue.enqueue("c", List.of("a.txt"));
    QueueTask t = task(List.of("false"), QueueTask.DEFAULT_LEASE, Duration.ofSeconds(10));
    assertTrue(t.runOnce());
    assertEquals(JobState.PENDING, only().state());
    assertFalse(t.runOnce(), "not before the retry delay");
    clock.advance(Duration.ofSeconds(60));
    assertTrue(t.runOnce());
    clock.advance(Duration.ofSeconds(60));
    assertTrue(t.runOnce());
    Job job = only();
    assertEquals(JobState.FAILED, job.state());
    assertEquals(3, job.attempts());
    assertEquals(1, job.exitCode());
  }

  @Test
  void current_describes_the_running_job_and_a_stop_request_releases_it() throws Exception {
    queue.enqueue("c", List.of("a.txt"));
    Path pidFile = tmp.resolve("sleep.pid");
    // stop timeout 1 s: no time to finish, so the command is killed at once and the job released.
    QueueTask t =
        task(
            List.of("sh", "-c", "echo $$ > \"$0\"; exec sleep 300", pidFile.toString()),
            QueueTask.DEFAULT_LEASE,
            Duration.ofSeconds(1));
    CompletableFuture<Boolean> run =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return t.runOnce();
              } catch (Exception e) {
                throw new RuntimeException(e);
              }
            });
    await().atMost(WAIT).until(() -> Files.exists(pidFile) && !Files.readString(pidFile).isBlank());
    assertEquals("c:a.txt", t.current());
    t.requestStop();
    assertTrue(run.get(WAIT.toSeconds(), TimeUnit.SECONDS));
    Job job = only();
    assertEquals(JobState.PENDING, job.state());
    assertEquals(0, job.attempts(), "a released job does not count an attempt");
    long pid = Long.parseLong(Files.readString(pidFile).trim());
    assertFalse(
        ProcessHandle.of(pid).map(EndProcesses::running).orElse(false),
        "the command survived the stop");
    assertFalse(t.runOnce(), "a stopped task claims nothing");
    assertEquals("", t.current());
  }

  @Test
  void a_stop_request_lets_a_quick_job_finish() throws Exception {
    queue.enqueue("c", List.of("a.txt"));
    Path started = tmp.resolve("started");
    QueueTask t =
        task(
            List.of("sh", "-c", ": > \"$0\"; sleep 1", started.toString()),
            QueueTask.DEFAULT_LEASE,
            Duration.ofSeconds(60));
    CompletableFuture<Boolean> run =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return t.runOnce();
              } catch (Exception e) {
                throw new RuntimeException(e);
              }
            });
    await().atMost(WAIT).until(() -> Files.exists(started));
    t.requestStop();
    assertTrue(run.get(WAIT.toSeconds(), TimeUnit.SECONDS));
    assertEquals(JobState.DONE, only().state());
  }

  @Test
  void a_job_whose_lease_is_lost_is_abandoned_and_its_result_discarded() throws Exception {
    queue.enqueue("c", List.of("a.txt"));
    Duration lease = Duration.ofMillis(600); // renewed every 200 ms of real time
    QueueTask t = task(List.of("sleep", "300"), lease, Duration.ofSeconds(10));
    CompletableFuture<Boolean> run =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return t.runOnce();
              } catch (Exception e) {
                throw new RuntimeException(e);
              }
            });
    await().atMost(WAIT).until(() -> !t.current().isEmpty());
    // The worker seems dead to the queue (its clock jumped past the lease): another worker takes
    // over.
    // (A renewal can slip in between the jump and the claim; then jump again.)
    AtomicReference<Job> taken = new AtomicReference<>();
    await()
        .atMost(WAIT)
        .until(
            () -> {
              clock.advance(Duration.ofSeconds(5));
              queue.claim("other", Duration.ofHours(1)).ifPresent(taken::set);
              return taken.get() != null;
            });
    Job stolen = taken.get();
    assertTrue(run.get(WAIT.toSeconds(), TimeUnit.SECONDS));
    Job job = only();
    assertEquals(JobState.RUNNING, job.state());
    assertEquals("other", job.leaseOwner());
    assertEquals(stolen.version(), job.version());
    assertTrue(
        Files.readString(layout.logFile()).contains("lease was lost"),
        Files.readString(layout.logFile()));
  }
}
