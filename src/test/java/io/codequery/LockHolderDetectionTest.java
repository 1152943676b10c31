package io.codequery;

import static io.codequery.testing.ProjectFiles.deadPid;
import static io.codequery.testing.ProjectFiles.logLines;
import static io.codequery.testing.ProjectFiles.pidFileExists;
import static io.codequery.testing.ProjectFiles.pidFileText;
import static io.codequery.testing.ProjectFiles.writeConfig;
import static io.codequery.testing.ProjectFiles.writePidFile;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.codequery.cli.Main;
import io.codequery.os.ProcessTable;
import io.codequery.project.ProjectLayout;
import io.codequery.testing.Processes;
import io.codequery.testing.RealWorker;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lock is the proof of life: the holder of {@code worker.lock} (an fcntl lock, as {@code
 * /proc/locks} lists it) is never reported not running or stale, and {@code stop}, {@code start}
 * and {@code status} act on it when the PID file is missing or wrong. Real workers, real lock
 * holders.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LockHolderDetectionTest {
  @TempDir Path dir;
  Path root;
  ProjectLayout layout;

  record Run(int code, String out, String err) {}

  @BeforeEach
  void init() throws Exception {
    assumeTrue(
        ProcessTable.system().name().equals("proc"), "lock holders are listed by /proc/locks");
    root = dir.toRealPath();
    layout = ProjectLayout.of(root);
    writeConfig(root, 3600); // no self-repair of the PID file unless a test asks for it
  }

  static Run cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.execute(args, new PrintWriter(out), new PrintWriter(err));
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void a_worker_whose_pid_file_was_removed_is_running_and_start_and_stop_act_on_it()
      throws Exception {
    try (RealWorker w = RealWorker.start(root)) {
      Files.delete(layout.pidFile());

      for (Detection d :
          List.of(new MinimalWorkerDetector(root).detect(), new WorkerDetector(root).detect())) {
        Detection.Running r = assertInstanceOf(Detection.Running.class, d, d.reason());
        assertEquals(w.pid(), r.processId());
        assertTrue(d.reason().contains("no PID file"), d.reason());
        assertTrue(d.reason().contains("rewrites its PID file"), d.reason());
      }
      Run status = cli("worker", "status", "--project-root", root.toString());
      assertEquals(0, status.code(), status.out() + status.err());

      Run start = cli("worker", "start", "--project-root", root.toString());
      assertEquals(0, start.code(), start.err());
      assertTrue(start.out().contains("already running — PID " + w.pid()), start.out());
      assertFalse(pidFileExists(root), "start launched nothing that wrote a PID file");

      Run stop = cli("worker", "stop", "--project-root", root.toString());
      assertEquals(0, stop.code(), stop.out() + stop.err());
      assertTrue(stop.out().contains("stopped — PID " + w.pid()), stop.out());
      assertTrue(w.process().waitFor(30, TimeUnit.SECONDS), "the worker still runs");
      assertEquals(0, w.process().exitValue(), "stopped with SIGTERM, cleanly");
    }
    assertEquals("not_running", new WorkerDetector(root).detect().outcome());
  }

  @Test
  void a_stale_pid_file_beside_the_live_worker_names_the_worker_and_is_left_for_it()
      throws Exception {
    try (RealWorker w = RealWorker.start(root)) {
      int dead = deadPid();
      writePidFile(root, dead + "\n");

      Detection d = new WorkerDetector(root).detect();
      Detection.Running r = assertInstanceOf(Detection.Running.class, d, d.reason());
      assertEquals(w.pid(), r.processId());
      assertTrue(d.reason().contains("PID " + dead), d.reason());
      assertFalse(d.cleanedUp());
      assertEquals(dead + "\n", pidFileText(root), "the worker rewrites it; nobody else does");
      assertTrue(logLines(root).stream().noneMatch(l -> l.contains("[detector]")));

      Run stop = cli("worker", "stop", "--project-root", root.toString());
      assertEquals(0, stop.code(), stop.out() + stop.err());
      assertTrue(stop.out().contains("stopped — PID " + w.pid()), stop.out());
      assertTrue(w.process().waitFor(30, TimeUnit.SECONDS), "the worker still runs");
    }
    // The stale PID file the stopped worker did not own is cleaned up like any other.
    assertFalse(pidFileExists(root));
    assertEquals("not_running", new WorkerDetector(root).detect().outcome());
  }

  @Test
  void the_worker_rewrites_a_removed_pid_file_and_detection_says_running_throughout()
      throws Exception {
    writeConfig(root, 1);
    try (RealWorker w = RealWorker.start(root)) {
      Files.delete(layout.pidFile());
      List<String> seen = new ArrayList<>();
      await()
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(20))
          .until(
              () -> {
                Detection d = new MinimalWorkerDetector(root).detect();
                seen.add(d.outcome() + ":" + d.pid().orElse(-1));
                return pidFileExists(root);
              });
      assertEquals(w.pid() + "\n", pidFileText(root));
      assertTrue(
          seen.stream().allMatch(s -> s.equals("running:" + w.pid())),
          "only running while the PID file was missing: " + seen);
    }
  }

  @Test
  void a_stranger_holding_the_lock_is_unknown_nothing_is_removed_and_stop_sends_no_signal()
      throws Exception {
    Files.createDirectories(layout.dir());
    Process stranger = Processes.lockHolder(layout.instanceLockFile(), false);
    try {
      Detection none = new WorkerDetector(root).detect();
      assertInstanceOf(Detection.Unknown.class, none, none.reason());
      assertEquals(stranger.pid(), none.pid().getAsInt());
      assertTrue(none.reason().contains("holds"), none.reason());

      int dead = deadPid();
      writePidFile(root, dead + "\n");
      Detection d = new WorkerDetector(root).detect();
      assertInstanceOf(Detection.Unknown.class, d, d.reason());
      assertTrue(d.reason().contains("nothing was removed"), d.reason());
      assertEquals(dead + "\n", pidFileText(root));
      assertFalse(Files.exists(layout.logFile()), "nothing removed, nothing to log");

      // Stop waits, within its timeout, for a lock holder to vouch for itself (a worker rewrites
      // its removed files within a heartbeat); a stranger never does.
      Run stop = cli("worker", "stop", "--timeout", "1", "--project-root", root.toString());
      assertEquals(4, stop.code(), stop.out() + stop.err());
      assertTrue(stop.err().contains("no signal sent"), stop.err());
      assertTrue(stranger.isAlive());
    } finally {
      Processes.kill(stranger);
    }
    Detection after = new WorkerDetector(root).detect();
    assertEquals("stale", after.outcome(), "the lock went with its holder: " + after.reason());
    assertTrue(after.cleanedUp());
  }

  @Test
  void a_flock_on_the_lock_file_is_not_the_workers_kind_of_lock() throws Exception {
    Files.createDirectories(layout.dir());
    Process holder = Processes.lockHolder(layout.instanceLockFile(), true);
    try {
      Detection d = new MinimalWorkerDetector(root).detect();
      assertEquals("not_running", d.outcome(), d.reason());
      writePidFile(root, deadPid() + "\n");
      Detection stale = new WorkerDetector(root).detect();
      assertEquals("stale", stale.outcome(), stale.reason());
      assertTrue(stale.cleanedUp());
    } finally {
      Processes.kill(holder);
    }
  }
}
