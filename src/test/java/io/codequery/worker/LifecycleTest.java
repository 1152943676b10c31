package io.codequery.worker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.codequery.Detection;
import io.codequery.MinimalWorkerDetector;
import io.codequery.cli.Main;
import io.codequery.process.ProcessFacts;
import io.codequery.testing.Processes;
import io.codequery.testing.RealWorker;
import io.codequery.testing.WorkerProject;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** worker start / stop / restart against real detached worker JVMs. */
class LifecycleTest {
  @TempDir Path dir;

  @RegisterExtension
  final WorkerProject project =
      WorkerProject.processing("\"heartbeat_seconds\": 1, \"stop_timeout_seconds\": 5");

  Path root;

  record Run(int code, String out, String err) {}

  @BeforeEach
  void init() throws IOException {
    root = project.create(dir);
  }

  static Run cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.execute(args, new PrintWriter(out), new PrintWriter(err));
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void start_launches_a_detached_worker_and_a_second_start_says_already_running() {
    Run first = cli("worker", "start", "--project-root", root.toString());
    assertEquals(0, first.code(), first.err());
    assertTrue(first.out().startsWith("✓ started — PID "), first.out());
    Detection d = new MinimalWorkerDetector(root).detect();
    assertTrue(d.isRunning(), d.reason());

    Run second = cli("worker", "start", "--project-root", root.toString());
    assertEquals(0, second.code());
    assertTrue(second.out().contains("already running — PID " + d.pid().getAsInt()), second.out());
    assertEquals(1, Processes.workersOf(root).size());
  }

  @Test
  void stop_terminates_the_worker_and_removes_its_pid_file() {
    assertEquals(0, cli("worker", "start", "--project-root", root.toString()).code());
    int pid = new MinimalWorkerDetector(root).detect().pid().getAsInt();
    Run stop = cli("worker", "stop", "--project-root", root.toString());
    assertEquals(0, stop.code(), stop.err());
    assertTrue(stop.out().startsWith("✓ stopped — PID " + pid), stop.out());
    // Gone, or a zombie awaiting its reaper (the init that adopted it): exited either way.
    assertFalse(ProcessFacts.of(pid).alive());
    assertFalse(Files.exists(root.resolve(".code-query/worker.pid")));

    Run again = cli("worker", "stop", "--project-root", root.toString());
    assertEquals(0, again.code());
    assertEquals("✓ not running", again.out().strip());
  }

  @Test
  void stop_never_signals_a_stranger_named_by_the_pid_file() throws Exception {
    Process sleep = Processes.sleep();
    try {
      Files.writeString(root.resolve(".code-query/worker.pid"), sleep.pid() + "\n");
      Run stop = cli("worker", "stop", "--project-root", root.toString());
      assertEquals(0, stop.code());
      assertTrue(stop.out().contains("removed a stale PID file"), stop.out());
      assertFalse(sleep.waitFor(300, TimeUnit.MILLISECONDS), "the sleep must survive");
      assertTrue(sleep.isAlive());
    } finally {
      Processes.kill(sleep);
    }
  }

  @Test
  void stop_refuses_to_signal_a_process_it_cannot_verify() throws Exception {
    Process forged = Processes.forgedWorker(root.toString());
    try {
      Files.writeString(root.resolve(".code-query/worker.pid"), forged.pid() + "\n");
      Run stop = cli("worker", "stop", "--project-root", root.toString());
      assertEquals(4, stop.code(), stop.out() + stop.err());
      assertTrue(stop.err().contains("no signal sent"), stop.err());
      assertTrue(forged.isAlive());
      assertTrue(Files.exists(root.resolve(".code-query/worker.pid")));
    } finally {
      Processes.kill(forged);
    }
  }

  @Test
  void stop_kills_a_worker_that_ignores_sigterm_after_the_timeout() throws Exception {
    assertEquals(0, cli("worker", "start", "--project-root", root.toString()).code());
    int pid = new MinimalWorkerDetector(root).detect().pid().getAsInt();
    // A stopped process cannot act on SIGTERM: stop must escalate to SIGKILL.
    new ProcessBuilder("kill", "-STOP", Integer.toString(pid)).start().waitFor();
    Run stop = cli("worker", "stop", "--timeout", "1", "--project-root", root.toString());
    assertEquals(0, stop.code(), stop.err());
    assertTrue(stop.out().contains("SIGKILL"), stop.out());
    await().atMost(Duration.ofSeconds(10)).until(() -> !ProcessFacts.of(pid).alive());
    assertFalse(
        Files.exists(root.resolve(".code-query/worker.pid")), "the stale PID file is cleaned up");
  }

  @Test
  void restart_replaces_the_worker() {
    assertEquals(0, cli("worker", "start", "--project-root", root.toString()).code());
    int before = new MinimalWorkerDetector(root).detect().pid().getAsInt();
    Run r = cli("worker", "restart", "--project-root", root.toString());
    assertEquals(0, r.code(), r.err());
    Detection after = new MinimalWorkerDetector(root).detect();
    assertTrue(after.isRunning(), after.reason());
    assertTrue(after.pid().getAsInt() != before);
    assertEquals(1, Processes.workersOf(root).size());
  }

  @Test
  void status_calls_during_a_restart_never_remove_the_pid_file_and_see_only_the_old_or_new_worker()
      throws Exception {
    assertEquals(0, cli("worker", "start", "--project-root", root.toString()).code());
    int before = new MinimalWorkerDetector(root).detect().pid().getAsInt();
    AtomicBoolean done = new AtomicBoolean();
    List<String> seen = Collections.synchronizedList(new ArrayList<>());
    Thread watcher =
        new Thread(
            () -> {
              while (!done.get()) {
                Detection d = new io.codequery.WorkerDetector(root).detect();
                seen.add(
                    d.outcome()
                        + (d.pid().isPresent() ? ":" + d.pid().getAsInt() : "")
                        + (d.cleanedUp() ? ":CLEANED" : ""));
              }
            });
    watcher.start();
    Run r = cli("worker", "restart", "--project-root", root.toString());
    done.set(true);
    watcher.join();
    assertEquals(0, r.code(), r.err());
    int after = new MinimalWorkerDetector(root).detect().pid().getAsInt();
    assertTrue(seen.size() > 10, "the watcher looked often: " + seen.size());
    for (String s : seen) {
      // A worker holds worker.lock from before it records its identity until after it withdrew
      // it: in those moments a live lock holder is "unknown", never "not_running".
      assertTrue(
          s.equals("running:" + before)
              || s.equals("running:" + after)
              || s.equals("not_running")
              || s.equals("unknown:" + before)
              || s.equals("unknown:" + after),
          () -> {
            // What a failure needs to be chased. (A stale PID file here once meant a SIGTERM had
            // reached
            // the old worker before its shutdown hook existed: see StopDuringStartUpTest.)
            String log;
            try {
              log = Files.readString(root.resolve(".code-query/worker.log"));
            } catch (IOException e) {
              log = "(no worker.log: " + e.getMessage() + ")";
            }
            return "only the old worker, the new one, or nothing in between: "
                + s
                + " (before "
                + before
                + ", after "
                + after
                + "; seen "
                + new LinkedHashSet<>(seen)
                + ")\nworker.log:\n"
                + log;
          });
    }
    assertTrue(Files.exists(root.resolve(".code-query/worker.pid")));
  }

  @Test
  void start_reports_a_worker_that_dies_during_start_up_with_the_log_tail() throws Exception {
    // The lock file is a directory: the worker JVM starts, cannot lock, and exits.
    Files.createDirectory(root.resolve(".code-query/worker.lock"));
    Run r = cli("worker", "start", "--project-root", root.toString());
    assertEquals(1, r.code(), r.out());
    assertTrue(r.err().contains("exited with status 2 during start-up"), r.err());
    assertTrue(r.err().contains("worker.lock"), "the log tail names the cause: " + r.err());
    assertTrue(Processes.workersOf(root).isEmpty());
  }

  @Test
  void start_reports_a_broken_config_before_launching_anything() throws Exception {
    Files.delete(root.resolve(".code-query/config.json"));
    Files.createDirectory(root.resolve(".code-query/config.json"));
    Run r = cli("worker", "start", "--project-root", root.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("config.json"), r.err());
    assertTrue(Processes.workersOf(root).isEmpty());
  }

  @Test
  void concurrent_starts_from_many_processes_yield_exactly_one_worker() throws Exception {
    int n = 8;
    List<Process> starters = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      List<String> cmd = RealWorker.javaCommand();
      cmd.addAll(
          List.of(
              "io.codequery.cli.Main",
              "worker",
              "start",
              "--wait-seconds",
              "60",
              "--project-root",
              root.toString()));
      starters.add(new ProcessBuilder(cmd).redirectErrorStream(true).start());
    }
    List<String> outputs = new ArrayList<>();
    for (Process p : starters) {
      String out = RealWorker.drain(p).get(120, TimeUnit.SECONDS);
      assertTrue(p.waitFor(120, TimeUnit.SECONDS));
      assertEquals(0, p.exitValue(), out);
      outputs.add(out);
    }
    Detection d = new MinimalWorkerDetector(root).detect();
    assertTrue(d.isRunning(), d.reason());
    int pid = d.pid().getAsInt();
    for (String out : outputs) {
      assertTrue(out.contains("PID " + pid), "every start names the one worker: " + out);
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> Processes.workersOf(root).size() == 1);
  }
}
