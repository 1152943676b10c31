package io.codequery;

import static io.codequery.testing.ProjectFiles.deadPid;
import static io.codequery.testing.ProjectFiles.writePidFile;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.codequery.project.ProjectLayout;
import io.codequery.testing.Processes;
import io.codequery.testing.RealWorker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The minimal detector gives the full detector's outcome on every case, and never writes: a stale
 * or invalid PID file stays, no log, no lock file.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MinimalWorkerDetectorTest {
  @TempDir Path root;

  @Test
  void no_pid_file_is_not_running_and_creates_nothing() throws IOException {
    assertSameOutcomeAndMinimalWritesNothing("not_running");
    assertFalse(Files.exists(ProjectLayout.of(root).dir()));
  }

  @Test
  void a_running_worker_is_running_with_its_pid() throws Exception {
    try (RealWorker w = RealWorker.start(root)) {
      Detection d = assertSameOutcomeAndMinimalWritesNothing("running");
      assertEquals(w.pid(), d.pid().getAsInt());
      assertTrue(MinimalWorkerDetector.isWorkerRunning(root));
    }
  }

  @Test
  void a_killed_worker_is_stale_and_its_pid_file_stays() throws Exception {
    try (RealWorker w = RealWorker.start(root)) {
      w.kill9();
    }
    assertSameOutcomeAndMinimalWritesNothing("stale");
    assertFalse(MinimalWorkerDetector.isWorkerRunning(root));
  }

  @Test
  void a_dead_pid_is_stale_and_its_pid_file_stays() throws Exception {
    writePidFile(root, deadPid() + "\n");
    assertSameOutcomeAndMinimalWritesNothing("stale");
  }

  @Test
  void a_pid_reused_by_sleep_is_stale_though_the_process_is_alive() throws Exception {
    Process sleep = Processes.sleep();
    try {
      writePidFile(root, sleep.pid() + "\n");
      // The specification's minimal detector says "running" for any live PID.
      assertSameOutcomeAndMinimalWritesNothing("stale");
      assertTrue(sleep.isAlive());
    } finally {
      Processes.kill(sleep);
    }
  }

  @Test
  void pid_zero_is_invalid_not_running() throws Exception {
    writePidFile(root, "0\n");
    assertSameOutcomeAndMinimalWritesNothing("invalid");
  }

  @Test
  void pid_minus_one_is_invalid_not_running() throws Exception {
    writePidFile(root, "-1\n");
    assertSameOutcomeAndMinimalWritesNothing("invalid");
  }

  @Test
  void garbage_is_invalid_and_stays() throws Exception {
    writePidFile(root, "not a pid\n");
    assertSameOutcomeAndMinimalWritesNothing("invalid");
  }

  @Test
  void a_symbolic_link_is_unknown() throws Exception {
    Files.createDirectories(ProjectLayout.of(root).dir());
    Files.createSymbolicLink(
        ProjectLayout.of(root).pidFile(), Files.writeString(root.resolve("victim"), "1\n"));
    assertSameOutcomeAndMinimalWritesNothing("unknown");
  }

  @Test
  void forged_argv_without_an_identity_record_is_unknown() throws Exception {
    Process forged = Processes.forgedWorker(root.toRealPath().toString());
    try {
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  Processes.cmdline(forged.pid()).stream()
                      .anyMatch(a -> a.startsWith("-Dcode-query.worker=")));
      writePidFile(root, forged.pid() + "\n");
      assertSameOutcomeAndMinimalWritesNothing("unknown");
    } finally {
      Processes.kill(forged);
    }
  }

  /** Minimal first (twice, leaving everything as it was), then full: the same outcome word. */
  private Detection assertSameOutcomeAndMinimalWritesNothing(String expected) throws IOException {
    Map<String, String> before = snapshot();
    Detection minimal = new MinimalWorkerDetector(root).detect();
    Detection again = new MinimalWorkerDetector(root).detect();
    assertEquals(before, snapshot(), "the minimal detector wrote or removed something");
    assertEquals(expected, minimal.outcome(), minimal.reason());
    assertEquals(minimal.outcome(), again.outcome());
    assertFalse(minimal.cleanedUp());
    Detection full = new WorkerDetector(root).detect();
    assertEquals(minimal.outcome(), full.outcome(), "full: " + full.reason());
    assertEquals(minimal.pid(), full.pid());
    return minimal;
  }

  /** Every entry under the project dir with its type, size, inode and modification time. */
  private Map<String, String> snapshot() throws IOException {
    Map<String, String> m = new TreeMap<>();
    Path dir = ProjectLayout.of(root).dir();
    if (!Files.exists(dir)) {
      return m;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        if (p.getFileName().toString().equals("worker.heartbeat")
            || p.getFileName().toString().startsWith(".worker.heartbeat")) {
          continue; // a live worker rewrites this on its own
        }
        BasicFileAttributes a =
            Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        FileTime t = a.lastModifiedTime();
        m.put(
            dir.relativize(p).toString(),
            a.isSymbolicLink() + " " + a.size() + " " + a.fileKey() + " " + t);
      }
    }
    return m;
  }
}
