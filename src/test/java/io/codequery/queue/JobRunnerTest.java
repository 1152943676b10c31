package io.codequery.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.codequery.child.EndProcesses;
import io.codequery.project.RepoPath;
import io.codequery.store.Job;
import io.codequery.store.JobState;
import io.codequery.store.NewDocument;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

@EnabledOnOs({OS.LINUX, OS.MAC})
class JobRunnerTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(120);

  @TempDir Path tmp;
  Path root;

  @BeforeEach
  void project() throws Exception {
    root = Files.createDirectories(tmp.resolve("project")).toRealPath();
  }

  private static Job job(String file) {
    Instant t = Instant.EPOCH;
    return new Job(
        1,
        "0123abcd",
        RepoPath.of(file),
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
  }

  private JobRunner runner(List<String> command) {
    return new JobRunner(root, command, "sonnet", TIMEOUT, JobRunner.DEFAULT_OUTPUT_LIMIT);
  }

  private Path file(String name, String content) throws Exception {
    Path f = root.resolve(name);
    Files.createDirectories(f.getParent());
    Files.writeString(f, content);
    return f;
  }

  @Test
  void built_in_processor_writes_a_document_of_the_facts_and_the_outline() throws Exception {
    file("src/hello.py", "def hello():\n    pass\n");
    JobOutcome outcome = runner(null).run(job("src/hello.py"));
    JobOutcome.Succeeded ok = assertInstanceOf(JobOutcome.Succeeded.class, outcome);
    assertNull(ok.result().exitCode());
    assertEquals("", ok.result().output(), "the document is not the job's output");
    assertEquals(ProcessorId.BUILTIN, ok.result().document().processor());
    assertEquals(
        "# src/hello.py\n"
            + "\n"
            + "- Language: python\n"
            + "- Size: 22 bytes\n"
            + "- Lines: 2\n"
            + "- SHA-256: e3163528c26697e825dd5eec25279a8679ef2c05095c92a8a952de7fe7514ea5\n"
            + "\n"
            + "## Outline\n"
            + "\n"
            + "- function `hello()` — lines 1–2\n",
        ok.result().document().text());
  }

  @Test
  void line_counts_and_languages_follow_simple_rules() throws Exception {
    assertEquals(0, FileFacts.of(file("empty.txt", "")).lines());
    assertEquals(2, FileFacts.of(file("two.txt", "a\nb")).lines());
    assertEquals("java", FileFacts.language("A.java"));
    assertEquals("makefile", FileFacts.language("Makefile"));
    assertEquals("unknown", FileFacts.language("README"));
    assertEquals("unknown", FileFacts.language(".gitignore"));
  }

  @Test
  void true_succeeds_and_false_is_a_retryable_failure_with_its_exit_code() throws Exception {
    file("a.txt", "x");
    JobOutcome.Succeeded ok =
        assertInstanceOf(JobOutcome.Succeeded.class, runner(List.of("true")).run(job("a.txt")));
    assertEquals(0, ok.result().exitCode());
    JobOutcome.Failed failed =
        assertInstanceOf(JobOutcome.Failed.class, runner(List.of("false")).run(job("a.txt")));
    assertTrue(failed.retryable());
    assertEquals(1, failed.result().exitCode());
    assertTrue(failed.reason().startsWith("exit code 1"), failed.reason());
  }

  @Test
  void non_zero_exit_reports_the_tail_of_the_output() throws Exception {
    file("a.txt", "x");
    JobOutcome.Failed failed =
        assertInstanceOf(
            JobOutcome.Failed.class,
            runner(List.of("sh", "-c", "echo starting; echo 'fatal: quota exceeded' >&2; exit 3"))
                .run(job("a.txt")));
    assertEquals(3, failed.result().exitCode());
    assertTrue(failed.reason().contains("fatal: quota exceeded"), failed.reason());
    assertTrue(failed.result().output().contains("starting"));
  }

  @Test
  void a_missing_file_fails_at_once_naming_the_file() {
    JobOutcome.Failed failed =
        assertInstanceOf(
            JobOutcome.Failed.class, runner(List.of("true")).run(job("src/deleted.java")));
    assertFalse(failed.retryable());
    assertTrue(failed.reason().contains("src/deleted.java"), failed.reason());
    assertInstanceOf(JobOutcome.Failed.class, runner(null).run(job("src/deleted.java")));
  }

  @Test
  void a_missing_program_fails_at_once_naming_the_program() throws Exception {
    file("a.txt", "x");
    JobOutcome.Failed failed =
        assertInstanceOf(
            JobOutcome.Failed.class,
            runner(List.of("code-query-no-such-program-xyz", "{file}")).run(job("a.txt")));
    assertFalse(failed.retryable());
    assertTrue(
        failed.reason().contains("program not found: code-query-no-such-program-xyz"),
        failed.reason());
  }

  @Test
  @Tag("slow")
  void a_timeout_kills_the_command_and_its_children() throws Exception {
    file("a.txt", "x");
    Path pidFile = tmp.resolve("child.pid");
    JobRunner r =
        new JobRunner(
            root,
            List.of("sh", "-c", "sleep 300 & echo $! > \"$1\"; wait", "sh", pidFile.toString()),
            "m",
            Duration.ofSeconds(1),
            JobRunner.DEFAULT_OUTPUT_LIMIT);
    JobOutcome.Failed failed =
        assertTimeoutPreemptively(
            Duration.ofSeconds(60),
            () -> assertInstanceOf(JobOutcome.Failed.class, r.run(job("a.txt"))));
    assertTrue(failed.reason().startsWith("timed out after 1 s"), failed.reason());
    assertTrue(failed.retryable());
    long childPid = Long.parseLong(Files.readString(pidFile).trim());
    assertFalse(
        ProcessHandle.of(childPid).map(EndProcesses::running).orElse(false),
        "the child sleep " + childPid + " survived the timeout");
  }

  @Test
  void abandoning_a_run_kills_the_command() throws Exception {
    file("a.txt", "x");
    AtomicBoolean abandon = new AtomicBoolean();
    JobRunner r = runner(List.of("sleep", "300"));
    Thread flip =
        new Thread(
            () -> {
              try {
                Thread.sleep(300);
              } catch (InterruptedException ignored) {
                // test thread
              }
              abandon.set(true);
            });
    flip.start();
    JobOutcome outcome =
        assertTimeoutPreemptively(
            Duration.ofSeconds(60), () -> r.run(job("a.txt"), abandon::get, started -> {}));
    assertInstanceOf(JobOutcome.Abandoned.class, outcome);
  }

  @Test
  void placeholders_are_substituted_into_single_arguments_without_a_shell() throws Exception {
    String name = "dir with space/we ird; touch pwned $(id) `x`.txt";
    file(name, "content");
    Path out = tmp.resolve("argv.txt");
    // The script writes each argument it receives on a line of its own.
    List<String> command =
        List.of(
            "sh",
            "-c",
            "for a in \"$@\"; do printf '%s\\n' \"$a\"; done > \"$0\"",
            out.toString(),
            "{file}",
            "c={commit}",
            "{project_root}",
            "{model}",
            "{unknown}",
            "{{file}}");
    assertInstanceOf(JobOutcome.Succeeded.class, runner(command).run(job(name)));
    List<String> argv = Files.readAllLines(out, StandardCharsets.UTF_8);
    assertEquals(
        List.of(name, "c=0123abcd", root.toString(), "sonnet", "{unknown}", "{" + name + "}"),
        argv);
    assertFalse(Files.exists(root.resolve("pwned")));
  }

  @Test
  void a_file_named_like_an_option_stays_a_file_after_double_dash() throws Exception {
    file("-n", "first\nsecond\n");
    JobOutcome.Succeeded ok =
        assertInstanceOf(
            JobOutcome.Succeeded.class, runner(List.of("cat", "--", "{file}")).run(job("-n")));
    assertEquals(
        "first\nsecond\n",
        ok.result().document().text(),
        "cat numbered lines: -n was read as an option");
  }

  @Test
  void a_file_named_like_an_option_stays_a_file_even_without_double_dash() throws Exception {
    file("-n", "first\nsecond\n");
    JobOutcome.Succeeded ok =
        assertInstanceOf(
            JobOutcome.Succeeded.class, runner(List.of("cat", "{file}")).run(job("-n")));
    assertEquals(
        "first\nsecond\n",
        ok.result().document().text(),
        "the name reached cat as ./-n, not as the option -n");
  }

  @Test
  void the_command_runs_in_the_project_root_with_empty_stdin() throws Exception {
    file("a.txt", "x");
    JobOutcome.Succeeded ok =
        assertInstanceOf(
            JobOutcome.Succeeded.class,
            runner(List.of("sh", "-c", "pwd; cat; echo end")).run(job("a.txt")));
    assertEquals(root + "\nend\n", ok.result().document().text());
  }

  @Test
  void a_symbolic_link_out_of_the_project_is_refused() throws Exception {
    Path outside = Files.writeString(tmp.resolve("secret.txt"), "secret");
    Files.createSymbolicLink(root.resolve("link.txt"), outside);
    JobOutcome.Failed failed =
        assertInstanceOf(JobOutcome.Failed.class, runner(null).run(job("link.txt")));
    assertFalse(failed.retryable());
    assertTrue(failed.reason().contains("leads out of the project root"), failed.reason());
    Files.createSymbolicLink(root.resolve("inside-link.txt"), root.resolve("link-target.txt"));
    file("link-target.txt", "fine");
    assertInstanceOf(JobOutcome.Succeeded.class, runner(null).run(job("inside-link.txt")));
  }

  @Test
  void a_document_of_megabytes_is_bounded_keeping_head_and_tail_and_says_so() throws Exception {
    file("a.txt", "x");
    JobOutcome.Succeeded ok =
        assertInstanceOf(
            JobOutcome.Succeeded.class,
            runner(List.of("sh", "-c", "echo HEAD; yes filler | head -c 3000000; echo TAIL"))
                .run(job("a.txt")));
    NewDocument doc = ok.result().document();
    assertTrue(doc.text().startsWith("HEAD\n"), doc.text().substring(0, 20));
    assertTrue(doc.text().endsWith("TAIL\n"));
    assertTrue(doc.text().contains("bytes omitted"));
    assertTrue(doc.truncated());
    assertEquals(5 + 3_000_000 + 5, doc.writtenBytes());
    assertTrue(
        doc.text().length() <= JobRunner.DOCUMENT_LIMIT_BYTES + 100, "" + doc.text().length());
  }

  @Test
  void what_a_command_says_on_stderr_is_its_output_bounded_keeping_head_and_tail()
      throws Exception {
    file("a.txt", "x");
    JobRunner r =
        new JobRunner(
            root,
            List.of(
                "sh", "-c", "echo doc; (echo HEAD; yes filler | head -n 100000; echo TAIL) >&2"),
            "m",
            TIMEOUT,
            1024);
    JobOutcome.Succeeded ok = assertInstanceOf(JobOutcome.Succeeded.class, r.run(job("a.txt")));
    assertEquals("doc\n", ok.result().document().text());
    String output = ok.result().output();
    assertTrue(output.startsWith("HEAD\n"), output);
    assertTrue(output.endsWith("TAIL\n"), output);
    assertTrue(output.contains("omitted"), output);
    assertTrue(output.length() < 1200, "length " + output.length());
  }

  @Test
  void a_command_runs_marked_with_its_job_and_nothing_it_leaves_running_outlives_it()
      throws Exception {
    file("a.txt", "x");
    Path pidFile = tmp.resolve("bg.pid");
    JobOutcome.Succeeded ok =
        assertInstanceOf(
            JobOutcome.Succeeded.class,
            assertTimeoutPreemptively(
                Duration.ofSeconds(60),
                () ->
                    runner(
                            List.of(
                                "sh",
                                "-c",
                                "sleep 300 & echo $! > \"$0\"; echo \"$CODE_QUERY_JOB\"",
                                pidFile.toString()))
                        .run(job("a.txt"))));
    assertEquals("1:1:w\n", ok.result().document().text(), "id:version:owner of the claim");
    long bg = Long.parseLong(Files.readString(pidFile).trim());
    assertFalse(
        ProcessHandle.of(bg).map(EndProcesses::running).orElse(false),
        "the background sleep " + bg + " outlived its job");
  }

  @Test
  void a_command_flooding_its_output_past_the_hard_cap_is_killed_and_not_retried()
      throws Exception {
    file("a.txt", "x");
    JobOutcome.Failed failed =
        assertInstanceOf(
            JobOutcome.Failed.class,
            assertTimeoutPreemptively(
                Duration.ofSeconds(120), () -> runner(List.of("yes")).run(job("a.txt"))));
    assertFalse(failed.retryable());
    assertTrue(failed.reason().startsWith("wrote more than"), failed.reason());
  }

  /**
   * The fault run's finding (seed 202611289, ORPHANED_JOB, 2 of 43): a worker killed after its
   * job's command started but before it recorded where that command runs left the command's
   * processes unfound, and the job ran again beside them. The command now starts only once the run
   * is recorded (once {@code onStart} returned): a worker that dies before that starts nothing.
   */
  @Test
  void the_command_starts_only_once_its_start_was_recorded() throws Exception {
    file("a.txt", "a\n");
    Path ran = root.resolve("ran");
    AtomicBoolean ranBeforeRecorded = new AtomicBoolean(true);
    JobOutcome outcome =
        runner(List.of("sh", "-c", "echo ran > \"$0\"", ran.toString()))
            .run(
                job("a.txt"),
                () -> false,
                started -> {
                  try {
                    Thread.sleep(1500); // a slow record: the command must not have run meanwhile
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  ranBeforeRecorded.set(Files.exists(ran));
                });
    assertInstanceOf(JobOutcome.Succeeded.class, outcome);
    assertFalse(ranBeforeRecorded.get(), "the command ran before its start was recorded");
    assertEquals("ran\n", Files.readString(ran));
  }
}
