package io.codequery.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.codequery.MinimalWorkerDetector;
import io.codequery.testing.WorkerProject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A started worker runs at a lower CPU and I/O priority than its user. */
@EnabledOnOs(OS.LINUX)
class WorkerYieldsTest {
  @TempDir Path dir;
  @RegisterExtension final WorkerProject project = WorkerProject.heartbeat(1);
  Path root;

  @BeforeEach
  void init() throws Exception {
    root = project.create(dir);
  }

  /** Field 19 of /proc/<pid>/stat. */
  static int niceness(long pid) throws Exception {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"), StandardCharsets.US_ASCII);
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Integer.parseInt(f[16]);
  }

  @Test
  void worker_start_runs_the_worker_niced_and_at_best_effort_lowest_io_priority() throws Exception {
    assertTrue(Files.isExecutable(Path.of("/usr/bin/nice")), "this test needs nice(1)");
    LifecycleTest.Run start = LifecycleTest.cli("worker", "start", "--project-root", "" + root);
    assertEquals(0, start.code(), start.err());
    long pid = new MinimalWorkerDetector(root).detect().pid().getAsInt();
    assertEquals(niceness(ProcessHandle.current().pid()) + WorkerLaunch.NICENESS, niceness(pid));
    if (Files.isExecutable(Path.of("/usr/bin/ionice"))) {
      Process p = new ProcessBuilder("ionice", "-p", Long.toString(pid)).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      p.waitFor();
      assertEquals("best-effort: prio 7", out);
    }
  }
}
