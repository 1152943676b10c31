package io.codequery.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

class SessionsTest {
  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void the_marker_must_be_a_whole_environment_entry() {
    byte[] environ = bytes("PATH=/bin\0CODE_QUERY_JOB=7:2:pid-1-ab\0HOME=/root\0");
    byte[] wanted = bytes("CODE_QUERY_JOB=7:2:pid-1-ab");
    assertTrue(ProcEnviron.holds(environ, wanted));
    assertFalse(
        ProcEnviron.holds(environ, bytes("CODE_QUERY_JOB=7:2:pid-1-a")),
        "a prefix of the value is another run");
    assertFalse(ProcEnviron.holds(environ, bytes("CODE_QUERY_JOB=7:2")));
    assertTrue(
        ProcEnviron.holds(bytes("X=1\0CODE_QUERY_JOB=7:2:pid-1-ab"), wanted),
        "the last entry, unterminated");
  }

  @Test
  void a_pid_mark_bounds_the_pids_handed_out_since_unless_they_may_have_wrapped_round() {
    PidMark before = new PidMark(1_000, 50_000);
    PidMark after = new PidMark(1_010, 50_012);
    assertTrue(before.allocatedBetween(1_001, after, 32_768));
    assertTrue(before.allocatedBetween(1_010, after, 32_768));
    assertFalse(before.allocatedBetween(1_000, after, 32_768), "the mark's own last PID is older");
    assertFalse(before.allocatedBetween(999, after, 32_768));
    assertFalse(before.allocatedBetween(1_011, after, 32_768));
    PidMark wrapped = new PidMark(305, 50_100);
    PidMark nearTop = new PidMark(32_700, 50_000);
    assertTrue(nearTop.allocatedBetween(32_750, wrapped, 32_768));
    assertTrue(nearTop.allocatedBetween(300, wrapped, 32_768));
    assertFalse(nearTop.allocatedBetween(10_000, wrapped, 32_768));
    PidMark manyForksLater = new PidMark(1_010, 50_000 + 16_384);
    assertTrue(
        before.allocatedBetween(10_000, manyForksLater, 32_768),
        "half the PID space forked since: it may have wrapped, so every PID counts");
  }

  @Test
  void the_pids_handed_out_since_a_mark_are_counted_across_a_wrap_and_unknown_after_many_forks() {
    PidMark before = new PidMark(1_000, 50_000);
    assertEquals(10, before.handedOutUntil(new PidMark(1_010, 50_012), 32_768));
    assertEquals(0, before.handedOutUntil(new PidMark(1_000, 50_003), 32_768));
    // 32,701 .. 32,767, then 1 .. 305
    assertEquals(
        67 + 305, new PidMark(32_700, 50_000).handedOutUntil(new PidMark(305, 50_100), 32_768));
    assertEquals(-1, before.handedOutUntil(new PidMark(1_010, 50_000 + 16_384), 32_768));
    assertEquals(-1, before.handedOutUntil(new PidMark(1_010, 49_999), 32_768));
    assertEquals(32_768 - 1, PidMark.next(32_766, 32_768));
    assertEquals(1, PidMark.next(32_767, 32_768));
  }

  @Test
  @EnabledOnOs(OS.LINUX)
  void a_thread_of_a_process_is_not_taken_for_a_process() throws Exception {
    long self = ProcessHandle.current().pid();
    assertTrue(ProcFsProcessTable.leadsThreadGroup((int) self));
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      List<Integer> others =
          tasks
              .map(t -> Integer.parseInt(t.getFileName().toString()))
              .filter(t -> t != self)
              .toList();
      assertFalse(others.isEmpty(), "a JVM has more than one thread");
      for (int tid : others) {
        assertFalse(ProcFsProcessTable.leadsThreadGroup(tid), "thread " + tid);
      }
    }
  }
}
