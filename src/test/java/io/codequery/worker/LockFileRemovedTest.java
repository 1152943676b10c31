package io.codequery.worker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.codequery.Detection;
import io.codequery.MinimalWorkerDetector;
import io.codequery.testing.Processes;
import io.codequery.testing.WorkerProject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code worker.lock} removed under a running worker (as {@code git clean -fdX} does), then another
 * {@code worker start}: one worker and one PID file in the end, and they stay that way.
 */
@EnabledOnOs(OS.LINUX)
@Tag("slow")
class LockFileRemovedTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path dir;

  @RegisterExtension
  final WorkerProject project =
      WorkerProject.processing("\"heartbeat_seconds\": 1, \"stop_timeout_seconds\": 5");

  Path root;

  @BeforeEach
  void init() throws Exception {
    root = project.create(dir);
  }

  private int pidInFile() throws Exception {
    return Integer.parseInt(
        Files.readString(root.resolve(".code-query/worker.pid"), StandardCharsets.US_ASCII).trim());
  }

  private void assertOneWorkerNamedByThePidFileForAWhile() throws Exception {
    await()
        .atMost(WAIT)
        .until(
            () -> {
              List<ProcessHandle> workers = Processes.workersOf(root);
              Detection d = new MinimalWorkerDetector(root).detect();
              return workers.size() == 1
                  && d.isRunning()
                  && d.pid().getAsInt() == workers.get(0).pid();
            });
    long pid = Processes.workersOf(root).get(0).pid();
    // Several heartbeats later it is still so: no two workers rewriting one PID file in turn.
    for (int i = 0; i < 6; i++) {
      Thread.sleep(500);
      assertEquals(1, Processes.workersOf(root).size());
      assertEquals(pid, pidInFile());
    }
    assertTrue(
        InstanceLock.tryAcquire(root.resolve(".code-query/worker.lock")).isEmpty(),
        "the lock file the path names is held");
  }

  @Test
  void a_removed_lock_file_is_taken_again_and_a_second_start_finds_the_worker_running()
      throws Exception {
    LifecycleTest.Run first = LifecycleTest.cli("worker", "start", "--project-root", "" + root);
    assertEquals(0, first.code(), first.err());
    Files.delete(root.resolve(".code-query/worker.lock"));
    await().atMost(WAIT).until(() -> Files.exists(root.resolve(".code-query/worker.lock")));
    LifecycleTest.Run second = LifecycleTest.cli("worker", "start", "--project-root", "" + root);
    assertEquals(0, second.code(), second.err());
    assertOneWorkerNamedByThePidFileForAWhile();
  }

  @Test
  void lock_and_pid_file_removed_together_then_a_second_start_still_ends_with_one_worker()
      throws Exception {
    LifecycleTest.Run first = LifecycleTest.cli("worker", "start", "--project-root", "" + root);
    assertEquals(0, first.code(), first.err());
    for (String f : List.of("worker.lock", "worker.pid", "worker.identity", "worker.heartbeat")) {
      Files.deleteIfExists(root.resolve(".code-query").resolve(f));
    }
    LifecycleTest.Run second = LifecycleTest.cli("worker", "start", "--project-root", "" + root);
    assertEquals(0, second.code(), second.err());
    assertOneWorkerNamedByThePidFileForAWhile();
  }
}
