package io.codequery.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.codequery.CodeQueryException;
import io.codequery.log.WorkerLog;
import io.codequery.store.Job;
import io.codequery.testing.SettableClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngestSpoolTest {
  @TempDir Path dir;
  Path spool;
  JobQueue queue;
  WorkerLog log;
  IngestSpool ingest;

  @BeforeEach
  void setUp() throws Exception {
    spool = Files.createDirectory(dir.resolve("spool"));
    queue = JobQueue.open(dir.resolve("queue.db"), 2, Duration.ofSeconds(60), Clock.systemUTC());
    log = new WorkerLog(dir.resolve("worker.log"));
    ingest = new IngestSpool(spool, queue, log);
  }

  @AfterEach
  void close() {
    queue.close();
  }

  static byte[] record(String... fields) {
    StringBuilder sb = new StringBuilder();
    for (String f : fields) {
      sb.append(f).append('\0');
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  List<String> files() {
    return queue.list(Optional.empty(), 100).stream()
        .map(j -> j.file().text().orElseThrow())
        .sorted()
        .toList();
  }

  @Test
  void a_spool_file_becomes_jobs_and_is_removed_only_after() throws Exception {
    Files.write(
        spool.resolve("abc123.files"),
        record("abc123", "a.txt", "dir/with space.md", "new\nline.txt", "ünï.py"));
    assertEquals(4, ingest.run());
    assertEquals(List.of("a.txt", "dir/with space.md", "new\nline.txt", "ünï.py"), files());
    assertFalse(Files.exists(spool.resolve("abc123.files")));
  }

  @Test
  void ingesting_the_same_commit_again_adds_nothing() throws Exception {
    Files.write(spool.resolve("abc.files"), record("abc", "a.txt"));
    ingest.run();
    Files.write(spool.resolve("abc.files"), record("abc", "a.txt"));
    assertEquals(0, ingest.run());
    assertEquals(1, files().size());
  }

  @Test
  void paths_that_escape_the_project_are_skipped_and_logged_and_the_rest_queued() throws Exception {
    Files.write(spool.resolve("c.files"), record("c", "../etc/passwd", "/abs", "ok.txt"));
    assertEquals(1, ingest.run());
    assertEquals(List.of("ok.txt"), files());
    String logText = Files.readString(dir.resolve("worker.log"));
    assertTrue(logText.contains("skipped a file of commit c"), logText);
  }

  @Test
  void an_unparseable_spool_file_is_moved_aside_with_a_logged_reason_never_deleted()
      throws Exception {
    byte[] truncated = "abc\0half-written".getBytes(StandardCharsets.UTF_8);
    Files.write(spool.resolve("t.files"), truncated);
    Files.write(spool.resolve("o.files"), record("-oops", "a.txt"));
    Files.write(spool.resolve("e.files"), new byte[0]);
    assertEquals(0, ingest.run());
    assertTrue(files().isEmpty());
    for (String name : List.of("t.files", "o.files", "e.files")) {
      assertTrue(
          Files.exists(spool.resolve("rejected").resolve(name)), name + " kept in spool/rejected");
    }
    assertEquals(
        List.of(truncated.length), List.of((int) Files.size(spool.resolve("rejected/t.files"))));
    String logText = Files.readString(dir.resolve("worker.log"));
    assertTrue(logText.contains("moved unreadable spool file"), logText);
  }

  @Test
  void a_name_that_is_not_utf8_is_queued_as_its_bytes_beside_its_look_alike() throws Exception {
    // x\xff.txt and x\xef\xbf\xbd.txt (U+FFFD in UTF-8): two files, two jobs, neither lost.
    byte[] bytes = {
      'c',
      0,
      'x',
      (byte) 0xff,
      '.',
      't',
      'x',
      't',
      0,
      'x',
      (byte) 0xef,
      (byte) 0xbf,
      (byte) 0xbd,
      '.',
      't',
      'x',
      't',
      0
    };
    Files.write(spool.resolve("c.files"), bytes);
    assertEquals(2, ingest.run());
    List<String> shown =
        queue.list(Optional.empty(), 10).stream().map(j -> j.file().display()).sorted().toList();
    assertEquals(List.of("x\\xff.txt", "x\ufffd.txt"), shown);
  }

  @Test
  void temp_files_of_an_earlier_hook_still_writing_are_left_alone_until_stale() throws Exception {
    Files.write(spool.resolve(".tmp.abc.123"), record("abc", "a.txt"));
    assertEquals(0, ingest.run());
    assertTrue(Files.exists(spool.resolve(".tmp.abc.123")));
    SettableClock later = new SettableClock(Instant.now().plus(Duration.ofHours(1)));
    new IngestSpool(spool, queue, log, "auto", later).run();
    assertTrue(Files.exists(spool.resolve("rejected/.tmp.abc.123")));
  }

  static String git(Path dir, String... args) throws Exception {
    List<String> cmd =
        new ArrayList<>(List.of("git", "-c", "user.email=t@example.invalid", "-c", "user.name=t"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out);
    return out.strip();
  }

  @Test
  void a_commit_record_is_expanded_with_git_into_the_commits_files() throws Exception {
    // The project root is the spool's grandparent: make it a git repository with two commits.
    Path root = dir.resolve("project");
    Path projectSpool = Files.createDirectories(root.resolve(".code-query/spool"));
    git(root, "init", "-q");
    Files.writeString(root.resolve("old.txt"), "x");
    git(root, "add", "-A");
    git(root, "commit", "-qm", "one");
    Files.writeString(root.resolve("old.txt"), "y");
    Files.writeString(root.resolve("with space\nand newline.md"), "z");
    git(root, "add", "-A");
    git(root, "commit", "-qm", "two");
    String head = git(root, "rev-parse", "HEAD");
    Files.writeString(projectSpool.resolve(head + ".commit"), head + "\n");
    Files.writeString(projectSpool.resolve("bad.commit"), "not a commit id\n");
    Files.writeString(projectSpool.resolve("0000000.commit"), "0000000\n");
    IngestSpool projectIngest = new IngestSpool(projectSpool, queue, log);
    assertEquals(2, projectIngest.run());
    assertEquals(List.of("old.txt", "with space\nand newline.md"), files());
    assertFalse(Files.exists(projectSpool.resolve(head + ".commit")));
    assertTrue(Files.exists(projectSpool.resolve("rejected/bad.commit")), "garbage is moved aside");
    assertTrue(
        Files.exists(projectSpool.resolve("rejected/0000000.commit")),
        "an unknown commit is moved aside");
  }

  /** A repository at dir/project with two commits; returns [first, second]. */
  List<String> twoCommits(Path root) throws Exception {
    Files.createDirectories(root.resolve(".code-query/spool"));
    git(root, "init", "-q");
    Files.writeString(root.resolve("one.txt"), "1");
    git(root, "add", "-A");
    git(root, "commit", "-qm", "one");
    String first = git(root, "rev-parse", "HEAD");
    Files.writeString(root.resolve("two.txt"), "2");
    git(root, "add", "-A");
    git(root, "commit", "-qm", "two");
    return List.of(first, git(root, "rev-parse", "HEAD"));
  }

  @Test
  void a_complete_record_of_several_commits_queues_each_with_its_blob_ids() throws Exception {
    Path root = dir.resolve("project");
    List<String> commits = twoCommits(root);
    Path s = root.resolve(".code-query/spool");
    Files.writeString(
        s.resolve(commits.get(1) + ".42.rec"),
        "commit " + commits.get(0) + "\ncommit " + commits.get(1) + "\nend\n");
    assertEquals(2, new IngestSpool(s, queue, log).run());
    List<Job> jobs = queue.list(Optional.empty(), 10);
    assertEquals(
        List.of("two.txt", "one.txt"), jobs.stream().map(j -> j.file().display()).toList());
    assertEquals(git(root, "rev-parse", commits.get(1) + ":two.txt"), jobs.get(0).blob());
    assertFalse(Files.exists(s.resolve(commits.get(1) + ".42.rec")), "removed once queued");
  }

  @Test
  void a_queue_that_cannot_take_the_jobs_leaves_the_record_to_be_taken_later() throws Exception {
    Path root = dir.resolve("project");
    List<String> commits = twoCommits(root);
    Path s = root.resolve(".code-query/spool");
    Path record = s.resolve(commits.get(1) + ".9.rec");
    Files.writeString(record, "commit " + commits.get(1) + "\nend\n");
    // A queue whose file turns into garbage under it: every enqueue fails.
    Path broken = dir.resolve("broken.db");
    try (JobQueue failing = JobQueue.open(broken, 2, Duration.ofSeconds(60), Clock.systemUTC())) {
      Files.write(broken, "not a database, garbage ".repeat(400).getBytes(StandardCharsets.UTF_8));
      assertThrows(CodeQueryException.class, () -> new IngestSpool(s, failing, log).run());
    }
    assertTrue(Files.exists(record), "kept for the next try, not moved aside");
    assertFalse(Files.exists(s.resolve("rejected")));
    assertEquals(1, new IngestSpool(s, queue, log).run(), "taken once the queue works");
  }

  @Test
  void a_record_without_its_end_line_is_left_alone_then_swept_aside_once_stale() throws Exception {
    Path root = dir.resolve("project");
    List<String> commits = twoCommits(root);
    Path s = root.resolve(".code-query/spool");
    Path partial = s.resolve(commits.get(1) + ".7.rec");
    Files.writeString(partial, "commit " + commits.get(1) + "\n");
    Path cutInLine = s.resolve(commits.get(0) + ".8.rec");
    Files.writeString(cutInLine, "commit " + commits.get(0) + "\nen");
    Instant now = Instant.now();
    SettableClock clock = new SettableClock(now);
    IngestSpool ingest = new IngestSpool(s, queue, log, "auto", clock);
    assertEquals(0, ingest.run());
    assertTrue(Files.exists(partial) && Files.exists(cutInLine), "a hook may still be writing");
    // The writer finishes: the record is taken.
    Files.writeString(partial, "commit " + commits.get(1) + "\nend\n");
    assertEquals(1, ingest.run());
    // The other never does: after the grace period it goes to rejected/, with a reason.
    clock.set(now.plus(IngestSpool.PARTIAL_GRACE).plusSeconds(60));
    assertEquals(0, ingest.run());
    assertTrue(Files.exists(s.resolve("rejected").resolve(cutInLine.getFileName())));
    String logText = Files.readString(dir.resolve("worker.log"));
    assertTrue(logText.contains("incomplete: no \"end\" line"), logText);
  }

  @Test
  void a_record_with_a_line_that_is_not_a_commit_is_moved_aside() throws Exception {
    Files.writeString(spool.resolve("x.1.rec"), "commit abc1234\nrm -rf /\nend\n");
    Files.writeString(spool.resolve("y.1.rec"), "commit -abc\nend\n");
    assertEquals(0, ingest.run());
    assertTrue(Files.exists(spool.resolve("rejected/x.1.rec")));
    assertTrue(Files.exists(spool.resolve("rejected/y.1.rec")));
  }

  @Test
  void in_manual_mode_records_are_dropped_unqueued_and_that_is_logged_once() throws Exception {
    Files.writeString(spool.resolve("a.1.rec"), "commit abc1234\nend\n");
    Files.writeString(spool.resolve("b.1.rec"), "commit abc1235\nend\n");
    Files.write(spool.resolve("c.files"), record("c", "a.txt"));
    IngestSpool manual = new IngestSpool(spool, queue, log, "manual", Clock.systemUTC());
    assertEquals(0, manual.run());
    assertTrue(files().isEmpty());
    try (var left = Files.list(spool)) {
      assertEquals(0, left.filter(Files::isRegularFile).count());
    }
    Files.writeString(spool.resolve("d.1.rec"), "commit abc1236\nend\n");
    manual.run();
    String logText = Files.readString(dir.resolve("worker.log"));
    assertEquals(1, logText.split("processing.mode is manual", -1).length - 1, logText);
  }

  @Test
  void a_missing_spool_directory_is_nothing_to_do() throws Exception {
    Files.delete(spool);
    assertEquals(0, ingest.run());
  }
}
