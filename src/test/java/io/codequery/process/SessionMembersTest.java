package io.codequery.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionMembersTest {
  // Fields 7..22 after the session (field 6): tty_nr .. starttime, then the rest.
  private static final String TAIL = " 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 200";

  @TempDir Path dir;

  @Test
  void state_session_and_start_ticks_are_read_after_the_last_parenthesis() {
    assertEquals(
        Optional.of(new SessionMembers.SessionStat('S', 4242, 987654)),
        SessionMembers.parse("4300 (sleep) S 4242 4242 4242" + TAIL));
    assertEquals(
        Optional.of(new SessionMembers.SessionStat('Z', 7, 987654)),
        SessionMembers.parse("9 (a) (b) c)) Z 1 7 7" + TAIL));
  }

  @Test
  void a_cut_or_garbled_line_is_not_parsed() {
    assertEquals(Optional.empty(), SessionMembers.parse("4300 (sleep S 1 2 3"));
    assertEquals(Optional.empty(), SessionMembers.parse("4300 (sleep) S 1 2"));
    assertEquals(Optional.empty(), SessionMembers.parse("4300 (sleep) S 1 2 x" + TAIL));
  }

  @Test
  void the_marker_must_be_a_whole_environment_entry() throws Exception {
    Path environ = dir.resolve("environ");
    Files.write(
        environ,
        "PATH=/bin\0CODE_QUERY_JOB=7:2:pid-1-ab\0HOME=/root\0".getBytes(StandardCharsets.UTF_8));
    byte[] wanted = "CODE_QUERY_JOB=7:2:pid-1-ab".getBytes(StandardCharsets.UTF_8);
    assertTrue(SessionMembers.environHolds(environ, wanted));
    assertFalse(
        SessionMembers.environHolds(
            environ, "CODE_QUERY_JOB=7:2:pid-1-a".getBytes(StandardCharsets.UTF_8)),
        "a prefix of the value is another run");
    assertFalse(
        SessionMembers.environHolds(
            environ, "CODE_QUERY_JOB=7:2".getBytes(StandardCharsets.UTF_8)));
    assertFalse(SessionMembers.environHolds(dir.resolve("missing"), wanted), "unreadable: no");
    Files.write(environ, "X=1\0CODE_QUERY_JOB=7:2:pid-1-ab".getBytes(StandardCharsets.UTF_8));
    assertTrue(SessionMembers.environHolds(environ, wanted), "the last entry, unterminated");
  }

  @Test
  void a_pid_mark_bounds_the_pids_handed_out_since_unless_they_may_have_wrapped_round() {
    SessionMembers.PidMark before = new SessionMembers.PidMark(1_000, 50_000);
    SessionMembers.PidMark after = new SessionMembers.PidMark(1_010, 50_012);
    assertTrue(before.allocatedBetween(1_001, after, 32_768));
    assertTrue(before.allocatedBetween(1_010, after, 32_768));
    assertFalse(before.allocatedBetween(1_000, after, 32_768), "the mark's own last PID is older");
    assertFalse(before.allocatedBetween(999, after, 32_768));
    assertFalse(before.allocatedBetween(1_011, after, 32_768));
    SessionMembers.PidMark wrapped = new SessionMembers.PidMark(305, 50_100);
    SessionMembers.PidMark nearTop = new SessionMembers.PidMark(32_700, 50_000);
    assertTrue(nearTop.allocatedBetween(32_750, wrapped, 32_768));
    assertTrue(nearTop.allocatedBetween(300, wrapped, 32_768));
    assertFalse(nearTop.allocatedBetween(10_000, wrapped, 32_768));
    SessionMembers.PidMark manyForksLater = new SessionMembers.PidMark(1_010, 50_000 + 16_384);
    assertTrue(
        before.allocatedBetween(10_000, manyForksLater, 32_768),
        "half the PID space forked since: it may have wrapped, so every PID counts");
  }
}
