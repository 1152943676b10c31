package io.codequery.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.codequery.hooks.CommitFiles;
import io.codequery.project.RepoPath;
import io.codequery.store.Job;
import io.codequery.store.JobState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job documents the committed content: the working-tree file when it is that content, else a
 * read-only copy from git — for files changed or deleted since, and names that are not UTF-8.
 */
class CommittedContentTest {
  /** Prints the argument it got, the file's mode, then the file. */
  static final List<String> SHOW =
      List.of("sh", "-c", "printf '%s\\n' \"$1\"; stat -c %a \"$1\"; cat \"$1\"", "sh", "{file}");

  @TempDir Path tmp;
  Path root;

  @BeforeEach
  void repo() throws Exception {
    root = Files.createDirectory(tmp.resolve("project")).toRealPath();
    sh("git init -q -b main .");
  }

  void sh(String script) throws Exception {
    Process p =
        new ProcessBuilder("sh", "-c", script)
            .directory(root.toFile())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), script + ": " + out);
  }

  void commit() throws Exception {
    sh("git add -A && git -c user.name=t -c user.email=t@example.invalid commit -qm c");
  }

  /** The jobs the hook's listing gives for HEAD, as the worker queues them. */
  List<Job> jobsOfHead() {
    CommitFiles.Listing l = CommitFiles.of(root, "HEAD");
    List<Job> jobs = new ArrayList<>();
    Instant t = Instant.EPOCH;
    for (CommitFiles.Change c : l.documented()) {
      jobs.add(
          new Job(
              jobs.size() + 1,
              l.commit(),
              c.newPath(),
              c.newBlob(),
              JobState.RUNNING,
              1,
              t,
              "w",
              t,
              1,
              t,
              t,
              null,
              null,
              null,
              null,
              false,
              null,
              null));
    }
    return jobs;
  }

  Job only(List<Job> jobs, RepoPath path) {
    return jobs.stream().filter(j -> j.file().equals(path)).findFirst().orElseThrow();
  }

  JobRunner runner(List<String> command) {
    return new JobRunner(
        root, command, "m", Duration.ofSeconds(30), JobRunner.DEFAULT_OUTPUT_LIMIT);
  }

  String output(JobOutcome o) {
    return assertInstanceOf(JobOutcome.Succeeded.class, o, o.toString()).result().document().text();
  }

  List<Path> copiesLeft() throws Exception {
    Path dir = root.resolve(".code-query/tmp");
    if (!Files.exists(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.toList();
    }
  }

  @Test
  void an_unchanged_file_is_handed_over_as_itself() throws Exception {
    Files.writeString(root.resolve("a.txt"), "committed\n");
    commit();
    String out = output(runner(SHOW).run(only(jobsOfHead(), RepoPath.of("a.txt"))));
    assertTrue(out.startsWith("a.txt\n"), out);
    assertTrue(out.endsWith("committed\n"), out);
  }

  @Test
  void a_file_changed_or_deleted_since_its_commit_is_documented_as_committed() throws Exception {
    Files.writeString(root.resolve("a.txt"), "committed a\n");
    Files.writeString(root.resolve("b.txt"), "committed b\n");
    commit();
    List<Job> jobs = jobsOfHead();
    Files.writeString(root.resolve("a.txt"), "edited since\n");
    Files.delete(root.resolve("b.txt"));
    String a = output(runner(SHOW).run(only(jobs, RepoPath.of("a.txt"))));
    String[] lines = a.split("\n");
    assertTrue(lines[0].matches("\\.code-query/tmp/job-[0-9a-f]+/a\\.txt"), a);
    assertEquals("400", lines[1], "the copy is read-only");
    assertEquals("committed a", lines[2]);
    assertTrue(
        output(runner(SHOW).run(only(jobs, RepoPath.of("b.txt")))).endsWith("committed b\n"));
    assertEquals(List.of(), copiesLeft(), "copies are removed after the job");
  }

  @Test
  void names_that_are_not_utf8_are_documented_under_their_escaped_name() throws Exception {
    sh(
        "printf one > \"$(printf 'x\\377.txt')\"; printf two > \"$(printf"
            + " 'x\\357\\277\\275.txt')\"");
    commit();
    List<Job> jobs = jobsOfHead();
    assertEquals(2, jobs.size());
    RepoPath raw = RepoPath.ofBytes(new byte[] {'x', (byte) 0xff, '.', 't', 'x', 't'});
    String bad = output(runner(SHOW).run(only(jobs, raw)));
    assertTrue(bad.split("\n")[0].endsWith("/x\\xff.txt"), bad);
    assertTrue(bad.endsWith("one"), bad);
    String lookAlike = output(runner(SHOW).run(only(jobs, RepoPath.of("x\ufffd.txt"))));
    assertTrue(lookAlike.startsWith("x\ufffd.txt\n"), "a valid name is the working file itself");
    assertTrue(lookAlike.endsWith("two"), lookAlike);

    String document = output(runner(null).run(only(jobs, raw)));
    assertTrue(
        document.startsWith("# x\\xff.txt\n\n- Language: text\n- Size: 3 bytes\n"), document);
    assertEquals(List.of(), copiesLeft());
  }

  @Test
  void a_name_that_is_not_utf8_without_a_blob_id_is_refused_saying_what_to_do() {
    RepoPath raw = RepoPath.ofBytes(new byte[] {'x', (byte) 0xff});
    Instant t = Instant.EPOCH;
    Job job =
        new Job(
            1,
            "abc1234",
            raw,
            null,
            JobState.RUNNING,
            1,
            t,
            "w",
            t,
            1,
            t,
            t,
            null,
            null,
            null,
            null,
            false,
            null,
            null);
    JobOutcome.Failed f =
        assertInstanceOf(JobOutcome.Failed.class, runner(List.of("true")).run(job));
    assertFalse(f.retryable());
    assertTrue(f.reason().contains("x\\xff is not UTF-8"), f.reason());
    assertTrue(f.reason().contains("code-query queue add abc1234"), f.reason());
  }

  @Test
  void a_blob_git_does_not_have_and_no_remote_can_bring_is_left_for_another_host()
      throws Exception {
    Files.writeString(root.resolve("a.txt"), "a\n");
    commit();
    Instant t = Instant.EPOCH;
    Job job =
        new Job(
            1,
            "abc1234",
            RepoPath.of("gone.txt"),
            "f".repeat(40),
            JobState.RUNNING,
            1,
            t,
            "w",
            t,
            1,
            t,
            t,
            null,
            null,
            null,
            null,
            false,
            null,
            null);
    // Another host's commit, say: this clone has no remote to fetch it from. Not a failure.
    JobOutcome.NotHere n =
        assertInstanceOf(JobOutcome.NotHere.class, runner(List.of("true")).run(job));
    assertTrue(
        n.reason().contains("blob " + "f".repeat(40) + " of gone.txt is not in this clone"),
        n.reason());
    assertTrue(n.reason().contains("no remote"), n.reason());
    assertEquals(Duration.ofSeconds(30), n.retryAfter());
    assertEquals(List.of(), copiesLeft());
  }
}
