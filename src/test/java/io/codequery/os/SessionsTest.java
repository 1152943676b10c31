package io.codequery.os;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

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
}
