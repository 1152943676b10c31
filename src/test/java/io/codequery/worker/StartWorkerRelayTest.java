package io.codequery.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.codequery.MinimalWorkerDetector;
import io.codequery.project.ProjectLayout;
import io.codequery.testing.WorkerProject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code worker start} leaves no child behind: the worker is started through a relay that is let go
 * once it is ready. (A JVM whose child still runs keeps a thread waiting for it in native code, and
 * such a JVM takes 300 ms to exit: every {@code worker start} paid that after the worker was
 * ready.)
 */
@EnabledOnOs(OS.LINUX)
class StartWorkerRelayTest {
  @TempDir Path dir;
  @RegisterExtension final WorkerProject project = WorkerProject.heartbeat(1);
  Path root;

  @BeforeEach
  void init() throws Exception {
    root = project.create(dir);
  }

  @Test
  void a_started_worker_is_not_a_child_of_the_starter_and_nothing_else_is_left() throws Exception {
    List<ProcessHandle> before = ProcessHandle.current().children().toList();
    StartResult o = new StartWorker(ProjectLayout.of(root), Duration.ofSeconds(60)).run();
    StartResult.Started started = assertInstanceOf(StartResult.Started.class, o, o.toString());
    int pid = new MinimalWorkerDetector(root).detect().pid().getAsInt();
    assertEquals(pid, started.pid(), "the outcome names the worker, not its relay");
    List<ProcessHandle> after =
        ProcessHandle.current().children().filter(h -> !before.contains(h)).toList();
    assertTrue(after.isEmpty(), "children left: " + after);
    assertTrue(ProcessHandle.of(pid).orElseThrow().isAlive());
    // Its own session: the relay's end reached no one else.
    assertEquals(
        pid,
        Long.parseLong(
            Files.readString(Path.of("/proc/" + pid + "/stat")).split("\\) ")[1].split(" ")[3]));
  }
}
