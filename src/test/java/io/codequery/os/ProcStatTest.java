package io.codequery.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.codequery.testing.Processes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

class ProcStatTest {
  private static final String TAIL =
      " 4242 4242 0 -1 4194560 1133 0 0 0 12 3 0 0 20 0 17 0 987654 2147483648 5000"
          + " 18446744073709551615";

  @Test
  void state_ppid_and_start_ticks_are_read_from_a_plain_line() {
    assertEquals(
        Optional.of(new ProcStat('S', 1, 4242, 987654)), ProcStat.parse("4242 (java) S 1" + TAIL));
  }

  @Test
  void the_session_is_field_six() {
    assertEquals(
        7, ProcStat.parse("9 (a) (b) c)) Z 1 7 7" + TAIL.substring(10)).orElseThrow().session());
  }

  @Test
  void a_command_name_with_spaces_and_parentheses_does_not_shift_the_fields() {
    assertEquals(
        Optional.of(new ProcStat('T', 77, 4242, 987654)),
        ProcStat.parse("4242 (a b) R 1 (c) d) T 77" + TAIL));
    assertEquals(
        Optional.of(new ProcStat('Z', 9, 4242, 987654)), ProcStat.parse("9 ()) Z 9" + TAIL));
  }

  @Test
  void zombie_and_dead_states_count_as_zombie_and_stopped_does_not() {
    assertTrue(ProcStat.parse("1 (x) Z 1" + TAIL).orElseThrow().isZombie());
    assertTrue(ProcStat.parse("1 (x) X 1" + TAIL).orElseThrow().isZombie());
    assertTrue(ProcStat.parse("1 (x) x 1" + TAIL).orElseThrow().isZombie());
    assertFalse(ProcStat.parse("1 (x) T 1" + TAIL).orElseThrow().isZombie());
  }

  @Test
  void stopped_and_traced_states_count_as_stopped() {
    assertTrue(ProcStat.parse("1 (x) T 1" + TAIL).orElseThrow().isStopped());
    assertTrue(ProcStat.parse("1 (x) t 1" + TAIL).orElseThrow().isStopped());
    assertFalse(ProcStat.parse("1 (x) S 1" + TAIL).orElseThrow().isStopped());
    assertFalse(ProcStat.parse("1 (x) Z 1" + TAIL).orElseThrow().isStopped());
  }

  @Test
  void truncated_or_garbled_lines_are_not_parsed() {
    assertEquals(Optional.empty(), ProcStat.parse(""));
    assertEquals(Optional.empty(), ProcStat.parse("4242 (java"));
    assertEquals(Optional.empty(), ProcStat.parse("4242 (java)"));
    assertEquals(Optional.empty(), ProcStat.parse("4242 (java) S 1 2 3"));
    assertEquals(Optional.empty(), ProcStat.parse("4242 (java) SS 1" + TAIL));
    assertEquals(Optional.empty(), ProcStat.parse("4242 (java) S x" + TAIL));
    assertEquals(
        Optional.empty(), ProcStat.parse("4242 (java) S 1" + TAIL.replace("987654", "soon")));
  }

  @Test
  @EnabledOnOs(OS.LINUX)
  void the_stat_line_of_a_real_process_whose_name_has_spaces_and_parentheses_is_parsed(
      @TempDir Path dir) throws Exception {
    Path exe = dir.resolve("a b) (c");
    Files.copy(Path.of("/bin/sleep"), exe);
    Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwx------"));
    Process p = new ProcessBuilder(exe.toString(), "1000").start();
    try {
      String line = Files.readString(ProcPath.stat((int) p.pid()), StandardCharsets.ISO_8859_1);
      assertTrue(line.contains("(a b) (c)"), line);
      ProcStat stat = ProcStat.parse(line).orElseThrow();
      assertEquals(ProcessHandle.current().pid(), stat.ppid());
      assertTrue(stat.startTicks() > 0);
      assertFalse(stat.isZombie());
    } finally {
      Processes.kill(p);
    }
  }

  @Test
  @EnabledOnOs(OS.LINUX)
  void the_test_jvm_reads_its_own_start_ticks_consistently() throws Exception {
    Path self = ProcPath.SELF.resolve("stat");
    ProcStat a = ProcStat.parse(Files.readString(self, StandardCharsets.ISO_8859_1)).orElseThrow();
    ProcStat b = ProcStat.parse(Files.readString(self, StandardCharsets.ISO_8859_1)).orElseThrow();
    assertEquals(a.startTicks(), b.startTicks());
  }
}
