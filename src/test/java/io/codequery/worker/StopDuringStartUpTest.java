package io.codequery.worker;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.codequery.testing.RealWorker;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * A SIGTERM the moment the PID file appears — `worker start` returns then, so `worker start; worker
 * stop` and `worker restart` send exactly that — still ends the worker through its shutdown: the
 * PID file withdrawn, "stopped" in its log. (The worker once published its PID file before it had a
 * shutdown hook, while the store was still registering it; a restart under load left a stale PID
 * file and a log without a word from the old worker.)
 */
@EnabledOnOs(OS.LINUX)
class StopDuringStartUpTest {
  @TempDir Path dir;

  @RepeatedTest(3)
  void a_sigterm_as_soon_as_the_pid_file_appears_withdraws_it_and_logs_the_stop() throws Exception {
    Path root = dir.toRealPath();
    Path pidFile = root.resolve(".code-query/worker.pid");
    Path log = root.resolve(".code-query/worker.log");
    Files.createDirectories(pidFile.getParent());
    try (RealWorker worker = RealWorker.launch(root)) {
      worker.awaitPidFile(Duration.ofSeconds(60));
      worker.process().destroy(); // SIGTERM, as `worker stop` sends
      assertTrue(
          worker.process().waitFor(30, TimeUnit.SECONDS), "the worker did not end within 30 s");
      String written = Files.exists(log) ? Files.readString(log) : "(no worker.log)";
      assertFalse(
          Files.exists(pidFile, LinkOption.NOFOLLOW_LINKS),
          "the worker left its PID file behind; worker.log:\n" + written + worker.output());
      assertTrue(
          written.contains("stopped pid=" + worker.pid()),
          "the worker's log says it stopped:\n" + written + worker.output());
    }
  }
}
