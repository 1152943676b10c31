package io.codequery.faults;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.codequery.process.WorkerMarker;
import io.codequery.testing.Processes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** The run's ground truth, against real processes. */
@EnabledOnOs(OS.LINUX)
class OsTest {
  @TempDir Path dir;

  /**
   * Between fork and exec, a child the worker spawns shows the worker's command line: it must not
   * count as a second worker. Here the child keeps that command line for good (a fork without an
   * exec), so the window cannot close before the look.
   */
  @Test
  void a_child_showing_its_parents_worker_command_line_is_not_a_second_worker() throws Exception {
    Path root = dir.toRealPath();
    Process parent =
        new ProcessBuilder(
                "bash",
                "-c",
                "exec -a /opt/fake/bin/java /usr/bin/python3 -c \"$1\" \"$2\"",
                "forking-worker",
                "import os, time\nos.fork()\ntime.sleep(120)",
                WorkerMarker.forRoot(root.toString()))
            .start();
    try {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> parent.children().count() == 1 && argvShown(parent));
      assertEquals(List.of(parent.pid()), Os.liveWorkers(root, Set.of()));
    } finally {
      parent.descendants().forEach(ProcessHandle::destroyForcibly);
      Processes.kill(parent);
    }
  }

  private static boolean argvShown(Process parent) {
    return parent
            .children()
            .allMatch(
                c ->
                    Os.cmdline(c.pid())
                        .map(a -> a.get(0).equals("/opt/fake/bin/java"))
                        .orElse(false))
        && Os.cmdline(parent.pid()).map(a -> a.get(0).equals("/opt/fake/bin/java")).orElse(false);
  }
}
