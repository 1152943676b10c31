package io.codequery.child;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.codequery.testing.Processes;
import io.codequery.testing.RealWorker;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** {@link RunChild} with real children that misbehave in every way a pipe or a tree can. */
@EnabledOnOs(OS.LINUX)
class RunChildTest {
  private static final Duration LIMIT = Duration.ofSeconds(60);

  @TempDir Path dir;

  private ChildRun.Ended run(ChildCommand c) {
    return assertInstanceOf(
        ChildRun.Ended.class, assertTimeoutPreemptively(LIMIT, () -> RunChild.run(c)));
  }

  private ChildCommand sh(String script) {
    return ChildCommand.of(List.of("sh", "-c", script, "sh", dir.toString()), dir);
  }

  private List<Long> pids(String file) throws Exception {
    List<Long> pids = new ArrayList<>();
    for (String line : Files.readAllLines(dir.resolve(file))) {
      pids.add(Long.parseLong(line.trim()));
    }
    return pids;
  }

  private static boolean running(long pid) {
    return ProcessHandle.of(pid).map(EndProcesses::running).orElse(false);
  }

  @Test
  void a_child_that_fills_stderr_with_a_mebibyte_ends_and_its_output_is_kept_bounded() {
    ChildRun.Ended e =
        run(
            sh("head -c 1048576 /dev/zero | tr '\\0' e >&2; echo out")
                .withOutputLimits(1024, ChildCommand.DEFAULT_HARD_CAP_BYTES));
    assertEquals(ChildRun.End.EXITED, e.end());
    assertEquals(0, e.exitCode());
    assertEquals("out\n", e.stdout().text());
    assertEquals(1024 * 1024, e.stderr().total());
    assertEquals(1024, e.stderr().head().length + e.stderr().tail().length);
    assertTrue(e.stderr().text().contains("bytes omitted"), "the gap is marked");
  }

  @Test
  void a_child_whose_stdout_a_background_grandchild_holds_open_ends_by_the_deadline()
      throws Exception {
    // The grandchild holds stdout open for 300 s: a caller waiting for end-of-file would wait that
    // long. The leader exits at once; the grandchild is ended as a straggler of its session.
    ChildRun.Ended e =
        run(
            sh("sleep 300 & echo $! > \"$1/bg.pid\"; echo leader")
                .withDeadline(Duration.ofSeconds(5)));
    assertEquals(ChildRun.End.EXITED, e.end());
    assertEquals("leader\n", e.stdout().text());
    assertEquals(1, e.stragglersEnded());
    long bg = pids("bg.pid").get(0);
    assertFalse(running(bg), "the background sleep " + bg + " survived");
  }

  @Test
  void a_child_past_its_deadline_is_killed_with_its_whole_tree() throws Exception {
    long start = System.nanoTime();
    ChildRun.Ended e =
        run(
            sh("sleep 300 & echo $! > \"$1/tree.pid\"; echo $$ >> \"$1/tree.pid\"; sleep 300")
                .withDeadline(Duration.ofSeconds(1)));
    assertEquals(ChildRun.End.TIMED_OUT, e.end());
    assertNull(e.exitCode());
    assertTrue(
        Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(10)) < 0,
        "took " + Duration.ofNanos(System.nanoTime() - start));
    for (long pid : pids("tree.pid")) {
      assertFalse(running(pid), "PID " + pid + " of the tree survived");
    }
    assertFalse(Files.exists(Path.of("/proc", Long.toString(e.pid()))), "the leader was reaped");
  }

  @Test
  void a_child_that_ignores_sigterm_is_killed_after_the_grace() throws Exception {
    ChildRun.Ended e =
        run(
            sh("trap '' TERM; echo $$ > \"$1/stubborn.pid\"; while :; do sleep 1; done")
                .withDeadline(Duration.ofSeconds(1)));
    assertEquals(ChildRun.End.TIMED_OUT, e.end());
    assertFalse(running(pids("stubborn.pid").get(0)));
  }

  @Test
  void a_child_writing_past_the_hard_cap_is_killed_and_says_so() {
    ChildRun.Ended e = run(ChildCommand.of(List.of("yes"), dir).withOutputLimits(4096, 1 << 20));
    assertEquals(ChildRun.End.OUTPUT_CAPPED, e.end());
    assertTrue(e.stdout().total() > 1 << 20, "total " + e.stdout().total());
    assertTrue(e.stdout().text().startsWith("y\ny\n"));
  }

  @Test
  void an_abandoned_child_is_killed() {
    long start = System.nanoTime();
    ChildRun.Ended e =
        run(
            ChildCommand.of(List.of("sleep", "300"), dir)
                .withAbandon(() -> System.nanoTime() - start > 300_000_000L));
    assertEquals(ChildRun.End.ABANDONED, e.end());
    assertFalse(running(e.pid()));
  }

  @Test
  void stdin_bytes_environment_and_working_directory_reach_the_child() {
    ChildRun.Ended e =
        run(
            ChildCommand.of(List.of("sh", "-c", "pwd; echo \"$GREETING\"; cat"), dir)
                .withEnvironment("GREETING", "hello")
                .withStdin(new ChildStdin.Bytes("from stdin\n".getBytes(StandardCharsets.UTF_8))));
    assertEquals(dir + "\nhello\nfrom stdin\n", e.stdout().text());
    assertArrayEquals(e.stdout().head(), e.stdout().bytes());
  }

  @Test
  void the_child_runs_in_a_session_of_its_own_marked_in_its_environment() {
    AtomicReference<ChildCommand.Started> started = new AtomicReference<>();
    ChildCommand c =
        ChildCommand.of(List.of("sh", "-c", "ps -o sid= -p $$; echo \"$CQ_TEST_MARK\""), dir)
            .withMarker("CQ_TEST_MARK", "run-1")
            .withOnStart(started::set);
    ChildRun.Ended e = run(c);
    String[] lines = e.stdout().text().split("\n");
    assertEquals(Long.toString(e.pid()), lines[0].trim(), "session id = the child's own PID");
    assertEquals("run-1", lines[1]);
    assertEquals(e.pid(), started.get().pid());
    assertTrue(started.get().startTicks() > 0);
  }

  @Test
  void a_missing_or_non_executable_program_is_not_started_and_named() throws Exception {
    ChildRun.NotStarted missing =
        assertInstanceOf(
            ChildRun.NotStarted.class,
            RunChild.run(ChildCommand.of(List.of("code-query-no-such-program-xyz"), dir)));
    assertEquals(2, missing.errno());
    assertTrue(missing.message().contains("code-query-no-such-program-xyz"), missing.message());
    Path notExecutable = Files.writeString(dir.resolve("script.sh"), "echo hi\n");
    ChildRun.NotStarted denied =
        assertInstanceOf(
            ChildRun.NotStarted.class,
            RunChild.run(ChildCommand.of(List.of(notExecutable.toString()), dir)));
    assertEquals(13, denied.errno());
  }

  @Test
  void an_unrelated_process_in_another_session_is_never_touched() throws Exception {
    Process stranger = Processes.sleep();
    try {
      run(sh("sleep 300 & sleep 300").withDeadline(Duration.ofSeconds(1)));
      run(sh("sleep 300 & true"));
      assertTrue(stranger.isAlive(), "the unrelated sleep was killed");
    } finally {
      Processes.kill(stranger);
    }
  }

  @Test
  void no_output_file_is_left_behind() throws Exception {
    run(sh("echo hi; echo err >&2").withScratchDir(dir));
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(), files.toList());
    }
  }

  @Test
  void captured_output_is_whole_under_the_limit_and_head_and_tail_over_it() throws Exception {
    Path f = Files.writeString(dir.resolve("out"), "0123456789abcdef");
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
      assertEquals("0123456789abcdef", RunChild.capture(ch, 16).text());
      CapturedOutput cut = RunChild.capture(ch, 8);
      assertEquals(16, cut.total());
      assertFalse(cut.complete());
      assertEquals("0123\n…[8 bytes omitted]…\ncdef", cut.text());
    }
  }

  @Test
  void a_command_behind_the_start_gate_never_starts_when_its_parent_dies_first() throws Exception {
    List<String> cmd = new ArrayList<>(RealWorker.javaCommand());
    cmd.addAll(List.of(HaltInOnStart.class.getName(), dir.toString()));
    Process parent = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    assertTrue(parent.waitFor(60, TimeUnit.SECONDS), "the parent did not halt");
    assertEquals(3, parent.exitValue(), "the parent halted inside onStart");
    // The gate read end-of-file and ran nothing; give a wrongly started touch time to show.
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(5))
        .until(() -> !Files.exists(dir.resolve("ran")));
  }

  @Test
  void a_command_behind_the_start_gate_runs_once_told_and_reads_an_empty_stdin() {
    ChildRun.Ended e =
        run(
            ChildCommand.of(List.of("sh", "-c", "echo started; cat"), dir)
                .withStdin(new ChildStdin.AfterOnStart()));
    assertEquals(0, e.exitCode());
    assertEquals("started\n", e.stdout().text());
  }

  @Test
  void a_command_abandoned_while_its_start_was_being_recorded_never_starts() {
    AtomicBoolean abandon = new AtomicBoolean();
    ChildRun.Ended e =
        run(
            ChildCommand.of(List.of("touch", dir.resolve("ran").toString()), dir)
                .withStdin(new ChildStdin.AfterOnStart())
                .withAbandon(abandon::get)
                .withOnStart(started -> abandon.set(true)));
    assertEquals(ChildRun.End.ABANDONED, e.end());
    assertFalse(Files.exists(dir.resolve("ran")), "the gate closed unopened");
  }

  @Test
  void a_command_behind_the_start_gate_reads_the_file_it_was_given() throws Exception {
    Path input = dir.resolve("input with space.txt");
    Files.writeString(input, "what the job reads\n");
    ChildRun.Ended e =
        run(
            ChildCommand.of(List.of("cat"), dir)
                .withStdin(new ChildStdin.AfterOnStart(new ChildStdin.FromFile(input))));
    assertEquals(0, e.exitCode());
    assertEquals("what the job reads\n", e.stdout().text());
  }

  @Test
  void a_start_gate_refuses_bytes_it_could_not_pass_on() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new ChildStdin.AfterOnStart(new ChildStdin.Bytes(new byte[] {1})));
  }
}
