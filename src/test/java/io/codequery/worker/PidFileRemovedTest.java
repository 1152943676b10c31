package io.codequery.worker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.codequery.testing.RealWorker;
import io.codequery.testing.WorkerProject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rm worker.pid worker.identity} under a running worker: nothing vouches for the process
 * holding {@code worker.lock} until the worker rewrites both, within a heartbeat. {@code stop} must
 * still stop it — found by the fault run (seed 202611289, {@code PID_FILE_REMOVED}, twice in 700
 * iterations), where {@code stop} answered "cannot verify the worker, no signal sent".
 */
@EnabledOnOs(OS.LINUX)
@Tag("slow")
class PidFileRemovedTest {
  @TempDir Path dir;
  // A long heartbeat: the worker rewrites its files only seconds later, so stop meets the gap.
  @RegisterExtension final WorkerProject project = WorkerProject.heartbeat(4);
  Path root;

  @BeforeEach
  void init() throws Exception {
    root = project.create(dir);
  }

  @Test
  void stop_stops_a_worker_whose_pid_file_and_identity_record_were_just_removed() throws Exception {
    try (RealWorker w = RealWorker.start(root)) {
      Files.delete(root.resolve(".code-query/worker.pid"));
      Files.delete(root.resolve(".code-query/worker.identity"));

      LifecycleTest.Run stop =
          LifecycleTest.cli("worker", "stop", "--timeout", "10", "--project-root", "" + root);

      assertEquals(0, stop.code(), stop.out() + stop.err());
      assertTrue(stop.out().contains("stopped — PID " + w.pid()), stop.out());
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  !ProcessHandle.of(w.pid()).isPresent()
                      || !ProcessHandle.of(w.pid()).get().isAlive());
    }
  }
}
