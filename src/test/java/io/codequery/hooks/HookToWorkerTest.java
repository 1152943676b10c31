package io.codequery.hooks;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.codequery.MinimalWorkerDetector;
import io.codequery.cli.Main;
import io.codequery.project.RepoPath;
import io.codequery.queue.JobQueue;
import io.codequery.store.JobState;
import io.codequery.testing.RealWorker;
import io.codequery.testing.TestLauncher;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Commit → hook → spool → worker → queue → done, with a real worker JVM and real git. */
class HookToWorkerTest {
  private static final String MAIN = Main.class.getName();
  @TempDir Path tmp;
  Path root;
  GitRepo repo;
  Path launcher;

  @BeforeEach
  void setUp() throws Exception {
    root = Files.createDirectory(tmp.resolve("project")).toRealPath();
    repo = GitRepo.init(root);
    Files.createDirectories(root.resolve(".code-query"));
    Files.writeString(root.resolve(".code-query/.gitignore"), "*\n");
    config("queue");
    launcher = TestLauncher.write(tmp.resolve("code-query"));
    new HooksInstaller(root, launcher).install();
  }

  @AfterEach
  void stopWorkers() throws Exception {
    new ProcessBuilder(
            launcher.toString(),
            "worker",
            "stop",
            "--timeout",
            "5",
            "--project-root",
            root.toString())
        .redirectErrorStream(true)
        .start()
        .waitFor(60, TimeUnit.SECONDS);
  }

  void config(String fallback) throws Exception {
    Files.writeString(
        root.resolve(".code-query/config.json"),
        "{\"processing\": {\"heartbeat_seconds\": 1, \"fallback\": \""
            + fallback
            + "\", \"retry_delay_seconds\": 1}}");
  }

  Map<JobState, Long> counts() {
    try (JobQueue q =
        JobQueue.open(
            root.resolve(".code-query/queue.db"), 2, Duration.ofSeconds(1), Clock.systemUTC())) {
      return q.counts();
    }
  }

  void writeFiles(String prefix, int n) throws Exception {
    for (int i = 0; i < n; i++) {
      Files.writeString(root.resolve(prefix + " " + i + ".txt"), "content " + i + "\n");
    }
  }

  @Test
  void a_commit_with_the_worker_running_is_documented_without_a_word_from_the_hook()
      throws Exception {
    try (RealWorker w = RealWorker.start(root)) {
      writeFiles("doc", 5);
      Files.writeString(root.resolve("new\nline ünï.txt"), "weird\n");
      GitRepo.Run c = repo.commitAll(root, "five files");
      assertEquals(0, c.status());
      assertEquals("", c.out().strip(), "the hook is silent while the worker runs");
      await().atMost(Duration.ofSeconds(60)).until(() -> counts().get(JobState.DONE) == 6L);
      assertEquals(0L, counts().get(JobState.FAILED));
      try (var spool = Files.list(root.resolve(".code-query/spool"))) {
        assertEquals(
            0,
            spool
                .filter(p -> p.toString().endsWith(".files") || p.toString().endsWith(".commit"))
                .count(),
            "spool files go once queued");
      }
      w.terminate();
    }
  }

  @Test
  void names_that_are_not_utf8_are_each_documented_and_a_submodule_is_skipped() throws Exception {
    try (RealWorker w = RealWorker.start(root)) {
      // x\xff.txt and x\xef\xbf\xbd.txt: two files a UTF-8 decoder would merge into one.
      GitRepo.Run made =
          repo.run(
              root,
              List.of(
                  "sh",
                  "-c",
                  "printf one > \"$(printf 'x\\377.txt')\"; printf two > \"$(printf"
                      + " 'x\\357\\277\\275.txt')\"; git add -A && git update-index --add"
                      + " --cacheinfo 160000,"
                      + "a".repeat(40)
                      + ",sub"),
              Map.of());
      assertEquals(0, made.status(), made.out());
      GitRepo.Run c = repo.run(root, List.of("git", "commit", "-q", "-m", "odd names"), Map.of());
      assertEquals(0, c.status(), c.out());
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  Files.exists(root.resolve(".code-query/queue.db"))
                      && counts().get(JobState.PENDING) == 0
                      && counts().get(JobState.RUNNING) == 0
                      && counts().get(JobState.DONE) + counts().get(JobState.FAILED) >= 2);
      assertEquals(Map.of(JobState.DONE, 2L, JobState.FAILED, 0L), doneAndFailed());
      String log = Files.readString(root.resolve(".code-query/worker.log"));
      assertTrue(log.contains("1 submodule(s)"), log);
      w.terminate();
    }
  }

  @Test
  void a_commit_in_a_linked_worktree_is_documented_as_committed_there_by_the_main_worker()
      throws Exception {
    Files.writeString(root.resolve("shared.txt"), "main's version\n");
    assertEquals(0, repo.commitAll(root, "first").status());
    Path wt = tmp.resolve("wt");
    repo.git("worktree", "add", "-q", wt.toString(), "-b", "side");
    try (RealWorker w = RealWorker.start(root)) {
      // `worker status` in the worktree reports the main checkout's worker: one project.
      GitRepo.Run status =
          repo.run(wt, List.of(launcher.toString(), "worker", "status", "--json"), Map.of());
      assertEquals(0, status.status(), status.out());
      assertTrue(status.out().contains("\"pid\":" + w.pid() + ","), status.out());

      String committed = "the worktree's version\n";
      Files.writeString(wt.resolve("shared.txt"), committed);
      Files.writeString(root.resolve("shared.txt"), "main's uncommitted edit\n");
      GitRepo.Run c = repo.commitAll(wt, "on the side");
      assertEquals(0, c.status(), c.out());
      assertEquals("", c.out().strip(), "the worker runs: the hook is silent");
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  Files.exists(root.resolve(".code-query/queue.db"))
                      && counts().get(JobState.DONE) == 2L);
      try (JobQueue q =
          JobQueue.open(
              root.resolve(".code-query/queue.db"), 2, Duration.ofSeconds(1), Clock.systemUTC())) {
        // The document of shared.txt is the worktree's commit's (the newer of its two jobs).
        String output = q.document(RepoPath.of("shared.txt")).orElseThrow().text();
        String sha =
            HexFormat.of()
                .formatHex(
                    MessageDigest.getInstance("SHA-256")
                        .digest(committed.getBytes(StandardCharsets.UTF_8)));
        assertTrue(output.contains("\n- SHA-256: " + sha + "\n"), output);
      }
      w.terminate();
    }
  }

  Map<JobState, Long> doneAndFailed() {
    Map<JobState, Long> all = counts();
    return Map.of(JobState.DONE, all.get(JobState.DONE), JobState.FAILED, all.get(JobState.FAILED));
  }

  @Test
  void without_a_worker_the_files_wait_and_the_next_worker_documents_them() throws Exception {
    writeFiles("wait", 3);
    GitRepo.Run c = repo.commitAll(root, "three");
    assertTrue(c.out().contains("1 commit(s) wait for the worker"), c.out());
    try (RealWorker w = RealWorker.start(root)) {
      await().atMost(Duration.ofSeconds(60)).until(() -> counts().get(JobState.DONE) == 3L);
      w.terminate();
    }
  }

  @Test
  void fallback_start_starts_the_worker_in_the_background() throws Exception {
    config("start");
    writeFiles("start", 2);
    GitRepo.Run c = repo.commitAll(root, "two");
    assertEquals(0, c.status());
    assertTrue(c.out().contains("starting the worker"), c.out());
    await().atMost(Duration.ofSeconds(60)).until(() -> MinimalWorkerDetector.isWorkerRunning(root));
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                Files.exists(root.resolve(".code-query/queue.db"))
                    && counts().get(JobState.DONE) == 2L);
  }

  @Test
  void fallback_sync_processes_the_files_before_the_commit_returns() throws Exception {
    config("sync");
    writeFiles("sync", 2);
    GitRepo.Run c = repo.commitAll(root, "two");
    assertEquals(0, c.status(), c.out());
    assertEquals(2L, counts().get(JobState.DONE), c.out());
  }

  @Test
  void a_worker_killed_between_commit_and_ingestion_loses_nothing() throws Exception {
    RealWorker w = RealWorker.start(root);
    // Freeze it so it cannot ingest, commit, then kill it before it ever sees the spool.
    new ProcessBuilder("kill", "-STOP", Integer.toString(w.pid())).start().waitFor();
    writeFiles("killed", 4);
    assertEquals(0, repo.commitAll(root, "four").status());
    w.kill9();
    w.close();
    try (RealWorker again = RealWorker.start(root)) {
      await().atMost(Duration.ofSeconds(60)).until(() -> counts().get(JobState.DONE) == 4L);
      again.terminate();
    }
  }

  @Test
  void a_worker_killed_mid_job_has_the_job_completed_after_restart() throws Exception {
    // A command that takes a while, so the kill lands mid-job.
    Files.writeString(
        root.resolve(".code-query/config.json"),
        "{\"processing\": {\"heartbeat_seconds\": 1, \"command\": [\"sh\", \"-c\", \"sleep 2; echo"
            + " documented $0\", \"{file}\"]}}");
    RealWorker w = RealWorker.start(root);
    writeFiles("slow", 1);
    assertEquals(0, repo.commitAll(root, "one").status());
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                Files.exists(root.resolve(".code-query/queue.db"))
                    && counts().get(JobState.RUNNING) == 1L);
    w.kill9();
    w.close();
    assertEquals(
        1L,
        counts().get(JobState.RUNNING),
        "the dead worker's claim stays until its lease expires");
    try (RealWorker again = RealWorker.start(root)) {
      // The lease (30 s) must run out before the job is claimed again: at-least-once, nothing lost.
      await().atMost(Duration.ofSeconds(90)).until(() -> counts().get(JobState.DONE) == 1L);
      again.terminate();
    }
  }
}
