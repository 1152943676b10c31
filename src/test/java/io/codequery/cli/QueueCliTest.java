package io.codequery.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.codequery.queue.JobQueue;
import io.codequery.store.Job;
import io.codequery.store.JobState;
import io.codequery.testing.CliProject;
import io.codequery.testing.CliProject.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

/** queue status / list / process / retry / add through the CLI, on real SQLite files. */
class QueueCliTest {
  @TempDir Path dir;
  CliProject project;
  Path root;

  @BeforeEach
  void setUp() throws Exception {
    project = CliProject.at(dir);
    root = project.root();
    project.config("{\"processing\": {\"max_retries\": 0}}");
  }

  void enqueue(String commit, String... files) {
    try (JobQueue q =
        JobQueue.open(
            root.resolve(".code-query/queue.db"), 0, Duration.ofSeconds(60), Clock.systemUTC())) {
      q.enqueue(commit, List.of(files));
    }
  }

  static void run(Path cwd, String... cmd) throws Exception {
    Process p =
        new ProcessBuilder(cmd)
            .directory(cwd.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), String.join(" ", cmd));
  }

  static boolean root() {
    return "root".equals(System.getProperty("user.name"));
  }

  @Test
  @EnabledIf("root")
  void queue_add_in_a_repository_git_refuses_passes_gits_reason_on() throws Exception {
    run(root, "git", "init", "-q");
    Files.writeString(root.resolve("a.txt"), "a\n");
    run(root, "git", "add", "a.txt");
    run(
        root,
        "git",
        "-c",
        "user.name=t",
        "-c",
        "user.email=t@example.invalid",
        "commit",
        "-qm",
        "a");
    // Owned by another user: git refuses to work in it ("detected dubious ownership"), and that,
    // not "not a commit", is what the user must read to fix it.
    run(root, "chown", "-R", "65534:65534", root.toString());
    Run r = project.cli("queue", "add", "HEAD");
    assertEquals(2, r.code(), r.out() + r.err());
    assertTrue(r.err().contains("dubious ownership"), r.err());
    assertTrue(r.err().contains("safe.directory"), r.err());
  }

  @Test
  void status_json_has_the_four_states_even_without_a_queue() {
    Run r = project.cli("queue", "status", "--json");
    assertEquals(0, r.code(), r.err());
    JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
    assertEquals(
        List.of("pending", "running", "done", "failed", "spool_waiting", "spool_rejected"),
        List.copyOf(o.keySet()));
    assertEquals(0, o.get("pending").getAsInt());
    assertTrue(
        Files.notExists(root.resolve(".code-query/queue.db")), "status does not create a queue");
  }

  @Test
  void process_runs_the_pending_jobs_with_plain_lines_off_a_terminal_and_status_counts_them()
      throws Exception {
    Files.writeString(root.resolve("a.txt"), "hello\n");
    Files.writeString(root.resolve("b.txt"), "world\n");
    enqueue("c1", "a.txt", "b.txt", "missing.txt");
    Run p = project.cli("queue", "process");
    assertEquals(1, p.code(), "one job failed: " + p.out() + p.err());
    assertTrue(p.out().contains("[1/3] "), p.out());
    assertTrue(p.out().contains("✓ processed 3 job(s): 2 done, 1 failed"), p.out());
    JsonObject o =
        JsonParser.parseString(project.cli("queue", "status", "--json").out()).getAsJsonObject();
    assertEquals(2, o.get("done").getAsInt());
    assertEquals(1, o.get("failed").getAsInt());
    assertEquals(
        "0 pending, 0 running, 2 done, 1 failed", project.cli("queue", "status").out().strip());
  }

  @Test
  void process_names_each_file_not_its_commit_and_counts_only_the_jobs_that_are_due()
      throws Exception {
    Files.writeString(root.resolve("a.txt"), "hello\n");
    Files.writeString(root.resolve("b.txt"), "world\n");
    // A failure waiting out its retry delay: pending, but not due; this run will not take it.
    try (JobQueue q =
        JobQueue.open(
            root.resolve(".code-query/queue.db"), 2, Duration.ofSeconds(600), Clock.systemUTC())) {
      q.enqueue("deadbeef01", List.of("later.txt"));
      Job claimed = q.claim("test", Duration.ofSeconds(30)).orElseThrow();
      assertEquals(JobState.PENDING, q.fail(claimed, "not yet", true).orElseThrow().state());
    }
    enqueue("c0ffee1234", "a.txt", "b.txt");

    Run p = project.cli("queue", "process");

    assertEquals(0, p.code(), p::toString);
    List<String> lines = p.out().lines().toList();
    assertTrue(lines.get(0).matches("\\[1/2] done a\\.txt \\(\\d+ ms\\)"), p.out());
    assertTrue(lines.get(1).matches("\\[2/2] done b\\.txt \\(\\d+ ms\\)"), p.out());
    assertFalse(p.out().contains("c0ffee1234"), "the file, not the commit: " + p.out());
    assertTrue(p.out().contains("1 wait for a retry later"), p.out());
  }

  @Test
  void list_is_newest_first_filters_by_state_and_shows_why_a_job_failed() throws Exception {
    Files.writeString(root.resolve("a.txt"), "x");
    enqueue("c1", "a.txt");
    enqueue("c2", "gone.txt");
    project.cli("queue", "process");
    JsonArray all =
        JsonParser.parseString(project.cli("queue", "list", "--json").out()).getAsJsonArray();
    assertEquals(2, all.size());
    assertEquals(
        "gone.txt", all.get(0).getAsJsonObject().get("file").getAsString(), "newest first");
    Run failed = project.cli("queue", "list", "--state", "failed");
    assertEquals(1, failed.out().strip().lines().count(), failed.out());
    assertTrue(failed.out().contains("gone.txt") && failed.out().contains("—"), failed.out());
    Run bad = project.cli("queue", "list", "--state", "finished");
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("expected pending, running, done or failed"), bad.err());
  }

  @Test
  void retry_puts_failed_jobs_back_to_pending() throws Exception {
    enqueue("c1", "later.txt");
    project.cli("queue", "process");
    Files.writeString(root.resolve("later.txt"), "now it exists");
    Run r = project.cli("queue", "retry");
    assertEquals("✓ 1 failed job(s) back to pending", r.out().strip());
    assertEquals(0, project.cli("queue", "process").code());
    assertEquals(
        1,
        JsonParser.parseString(project.cli("queue", "status", "--json").out())
            .getAsJsonObject()
            .get("done")
            .getAsInt());
  }

  @Test
  void a_corrupted_queue_database_is_a_clear_error_naming_the_file() throws Exception {
    Files.write(
        root.resolve(".code-query/queue.db"),
        "this is not a database, just text, long enough to be read".repeat(100).getBytes());
    Run r = project.cli("queue", "status");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("queue.db"), r.err());
  }

  @Test
  void status_counts_the_spool_and_the_records_set_aside_with_a_hint() throws Exception {
    Path spool = Files.createDirectories(root.resolve(".code-query/spool/rejected"));
    Files.writeString(spool.resolveSibling("0123abcd.commit"), "0123abcd\n");
    Files.writeString(spool.resolveSibling(".wake"), "\n");
    Files.writeString(spool.resolve("bad.files"), "x");
    JsonObject o =
        JsonParser.parseString(project.cli("queue", "status", "--json").out()).getAsJsonObject();
    assertEquals(1, o.get("spool_waiting").getAsInt());
    assertEquals(1, o.get("spool_rejected").getAsInt());
    String text = project.cli("queue", "status").out();
    assertTrue(text.contains("1 commit(s) recorded by the hooks, not yet queued"), text);
    assertTrue(text.contains("set aside as unreadable"), text);
    assertTrue(text.contains("worker.log"), text);
  }
}
