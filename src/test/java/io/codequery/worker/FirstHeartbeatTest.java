package io.codequery.worker;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.codequery.testing.RealWorker;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whoever sees the worker's PID file sees its heartbeat too: `worker health` right after a start is
 * healthy. (The worker's registration opens the store; it once came between the two files, and a
 * health check in that window said the worker was unresponsive.)
 */
@EnabledOnOs(OS.LINUX)
class FirstHeartbeatTest {
  @TempDir Path dir;

  @Test
  void the_first_heartbeat_is_written_before_the_pid_file_appears() throws Exception {
    Path root = dir.toRealPath();
    Path pidFile = root.resolve(".code-query/worker.pid");
    Path heartbeat = root.resolve(".code-query/worker.heartbeat");
    Files.createDirectories(pidFile.getParent());
    try (RealWorker worker = RealWorker.launch(root)) {
      worker.awaitPidFile(Duration.ofSeconds(60));
      assertTrue(
          Files.exists(heartbeat, LinkOption.NOFOLLOW_LINKS),
          "the PID file appeared before the first heartbeat");
      worker.awaitReady(Duration.ofSeconds(60));
    }
  }
}
