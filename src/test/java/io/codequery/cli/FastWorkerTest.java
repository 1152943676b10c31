package io.codequery.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.codequery.MinimalWorkerDetector;
import io.codequery.testing.CliProcess;
import io.codequery.testing.Processes;
import io.codequery.testing.WorkerProject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code worker start} and {@code worker run} as {@code code-query} runs them (a JVM of their own,
 * through {@code Main.main}): the path without picocli starts the same worker, and anything it does
 * not take — a refusal, an option it does not know — is answered by the full path, word for word as
 * before.
 */
@EnabledOnOs(OS.LINUX)
class FastWorkerTest {
  @TempDir Path dir;
  @RegisterExtension final WorkerProject project = WorkerProject.heartbeat(1);
  Path root;

  @BeforeEach
  void init() throws Exception {
    root = project.create(dir);
  }

  @Test
  void plain_worker_start_starts_a_worker_that_detectors_verify_and_says_so() throws Exception {
    CliProcess.Result r =
        CliProcess.in(root)
            .run("worker", "start", "--wait-seconds", "60", "--project-root", "" + root);
    assertEquals(0, r.code(), r::toString);
    assertTrue(r.out().startsWith("✓ started — PID "), r::toString);
    int pid = new MinimalWorkerDetector(root).detect().pid().getAsInt();
    assertTrue(r.out().contains("PID " + pid), r::toString);
    CliProcess.Result again =
        CliProcess.in(root).run("worker", "start", "--project-root", "" + root);
    assertEquals(0, again.code(), again::toString);
    assertTrue(again.out().contains("already running — PID " + pid), again::toString);
  }

  @Test
  void a_refused_start_is_explained_by_the_full_path_with_status_two() throws Exception {
    Path config = root.resolve(".code-query/config.json");
    Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-rw-rw-"));
    for (String verb : new String[] {"start", "run"}) {
      CliProcess.Result r = CliProcess.in(root).run("worker", verb, "--project-root", "" + root);
      assertEquals(2, r.code(), r::toString);
      assertTrue(r.err().contains("is writable by group or others"), r::toString);
    }
    assertTrue(Processes.workersOf(root).isEmpty());
  }

  @Test
  void a_broken_config_is_reported_by_the_full_path_and_nothing_starts() throws Exception {
    Files.writeString(root.resolve(".code-query/config.json"), "{\"processing\": {\"mode\": 7}}");
    CliProcess.Result r = CliProcess.in(root).run("worker", "start", "--project-root", "" + root);
    assertEquals(2, r.code(), r::toString);
    assertTrue(r.err().contains("config.json"), r::toString);
    assertTrue(Processes.workersOf(root).isEmpty());
  }

  @Test
  void an_option_the_fast_path_does_not_take_goes_down_the_full_path() throws Exception {
    CliProcess.Result r =
        CliProcess.in(root)
            .run("worker", "start", "--wait-seconds=oops", "--project-root", "" + root);
    assertEquals(2, r.code(), r::toString);
    assertTrue(r.err().contains("--wait-seconds"), r::toString);
    assertTrue(Processes.workersOf(root).isEmpty());
  }
}
