package io.codequery.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkerLogTest {
  private static final Instant T = Instant.parse("2026-01-02T03:04:05.678Z");
  private static final Clock CLOCK = Clock.fixed(T, ZoneOffset.UTC);

  @TempDir Path dir;

  @Test
  void a_record_is_an_iso_8601_time_a_source_and_a_message_on_one_line() {
    assertEquals(
        "2026-01-02T03:04:05.678Z [detector] removed stale PID file\n",
        WorkerLog.format(T, "detector", "removed stale PID file"));
  }

  @Test
  void newlines_and_control_characters_in_a_message_are_escaped_so_lines_cannot_be_forged() {
    String line = WorkerLog.format(T, "d", "a\nb\rc\td\u001b[31me\u0000f\u2028g\\h\u0085i");
    assertEquals(
        "2026-01-02T03:04:05.678Z [d] a\\nb\\rc\\td\\x1b[31me\\x00f\\u2028g\\\\h\\x85i\n", line);
    assertEquals(1, line.split("\n", -1).length - 1);
  }

  @Test
  void plain_text_is_left_as_it_is() {
    assertEquals("ünïcode – fine", WorkerLog.escape("ünïcode – fine"));
  }

  @Test
  void the_log_is_created_if_missing_and_appended_to_afterwards() throws IOException {
    Path log = dir.resolve("worker.log");
    WorkerLog w = new WorkerLog(log, CLOCK);
    w.append("detector", "one");
    w.append("worker", "two\nthree");
    assertEquals(
        List.of(
            "2026-01-02T03:04:05.678Z [detector] one",
            "2026-01-02T03:04:05.678Z [worker] two\\nthree"),
        Files.readAllLines(log, StandardCharsets.UTF_8));
  }

  @Test
  void the_log_is_never_written_through_a_symbolic_link() throws IOException {
    Path victim = Files.writeString(dir.resolve("victim"), "precious\n");
    Path log = Files.createSymbolicLink(dir.resolve("worker.log"), victim);
    WorkerLog w = new WorkerLog(log, CLOCK);
    assertThrows(IOException.class, () -> w.append("detector", "x"));
    assertFalse(w.tryAppend("detector", "x"));
    assertEquals("precious\n", Files.readString(victim));
    assertTrue(Files.isSymbolicLink(log));
  }

  @Test
  void a_dangling_symbolic_link_does_not_create_its_target() throws IOException {
    Path target = dir.resolve("elsewhere");
    Path log = Files.createSymbolicLink(dir.resolve("worker.log"), target);
    assertFalse(new WorkerLog(log, CLOCK).tryAppend("detector", "x"));
    assertFalse(Files.exists(target));
  }

  @Test
  void a_failure_to_log_never_fails_the_caller() {
    WorkerLog w = new WorkerLog(dir.resolve("no-such-dir/worker.log"), CLOCK);
    assertFalse(w.tryAppend("detector", "x"));
  }
}
