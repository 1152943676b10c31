package io.codequery.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogRotationTest {
  @TempDir Path dir;

  @Test
  void a_log_past_the_limit_moves_to_dot_one_and_a_new_log_starts() throws Exception {
    WorkerLog log = new WorkerLog(dir.resolve("worker.log"));
    Files.write(dir.resolve("worker.log"), new byte[2048]);
    assertTrue(log.rotateIfLarger(1024));
    assertEquals(2048, Files.size(dir.resolve("worker.log.1")));
    String fresh = Files.readString(dir.resolve("worker.log"));
    assertTrue(fresh.contains("rotated"), fresh);
    assertTrue(Files.size(dir.resolve("worker.log")) < 1024);
  }

  @Test
  void a_small_log_is_left_alone_and_a_missing_log_is_not_an_error() throws Exception {
    WorkerLog log = new WorkerLog(dir.resolve("worker.log"));
    assertFalse(log.rotateIfLarger(1024));
    log.append("test", "one line");
    assertFalse(log.rotateIfLarger(1024));
    assertFalse(Files.exists(dir.resolve("worker.log.1")));
  }

  @Test
  void a_symlinked_log_is_never_rotated_or_written_through() throws Exception {
    Path victim = Files.write(dir.resolve("victim"), new byte[4096]);
    Files.createSymbolicLink(dir.resolve("worker.log"), victim);
    WorkerLog log = new WorkerLog(dir.resolve("worker.log"));
    assertFalse(log.rotateIfLarger(1024));
    assertFalse(log.tryAppend("test", "must not land in the victim"));
    assertEquals(4096, Files.size(victim));
  }
}
