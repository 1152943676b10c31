package io.codequery.os;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProcLocksTest {
  private static final FileId LOCK = new FileId(0xfe, 0x01, 2163676);

  @Test
  void a_posix_write_lock_on_the_file_names_its_holder() {
    String text =
        "1: POSIX  ADVISORY  READ 18178 00:27:221 128 128\n"
            + "2: POSIX  ADVISORY  WRITE 16556 fe:01:2163676 0 EOF\n"
            + "3: POSIX  ADVISORY  WRITE 18178 00:27:4 0 EOF\n";
    assertEquals(List.of(16556), ProcLocks.posixWriteHolders(text, LOCK));
  }

  @Test
  void the_device_numbers_are_hexadecimal_and_the_inode_decimal() {
    FileId big = new FileId(259, 0x1f, 123456789);
    String text = "7: POSIX  ADVISORY  WRITE 42 103:1f:123456789 0 EOF\n";
    assertEquals(List.of(42), ProcLocks.posixWriteHolders(text, big));
    assertEquals(List.of(), ProcLocks.posixWriteHolders(text, new FileId(103, 0x1f, 123456789)));
  }

  @Test
  void waiters_read_locks_flock_and_ofd_locks_hold_nothing_that_counts() {
    String text =
        "1: POSIX  ADVISORY  WRITE 100 fe:01:2163676 0 EOF\n"
            + "1: -> POSIX  ADVISORY  WRITE 200 fe:01:2163676 0 EOF\n"
            + "2: POSIX  ADVISORY  READ 300 fe:01:2163676 0 EOF\n"
            + "3: FLOCK  ADVISORY  WRITE 400 fe:01:2163676 0 EOF\n"
            + "4: OFDLCK ADVISORY  WRITE -1 fe:01:2163676 0 EOF\n"
            + "5: LEASE  ACTIVE    WRITE 500 fe:01:2163676 0 EOF\n";
    assertEquals(List.of(100), ProcLocks.posixWriteHolders(text, LOCK));
  }

  @Test
  void byte_range_locks_of_several_holders_are_each_listed_once() {
    String text =
        "1: POSIX  ADVISORY  WRITE 100 fe:01:2163676 0 9\n"
            + "2: POSIX  ADVISORY  WRITE 100 fe:01:2163676 20 29\n"
            + "3: POSIX  ADVISORY  WRITE 101 fe:01:2163676 10 19\n";
    assertEquals(List.of(100, 101), ProcLocks.posixWriteHolders(text, LOCK));
  }

  @Test
  void a_holder_outside_this_pid_namespace_and_garbled_lines_are_skipped() {
    String text =
        "1: POSIX  ADVISORY  WRITE 0 fe:01:2163676 0 EOF\n"
            + "2: POSIX  ADVISORY  WRITE x fe:01:2163676 0 EOF\n"
            + "3: POSIX  ADVISORY  WRITE 7 fe:01 0 EOF\n"
            + "4: POSIX  ADVISORY  WRITE 8 zz:01:2163676 0 EOF\n"
            + "5: POSIX\n"
            + "\n";
    assertEquals(List.of(), ProcLocks.posixWriteHolders(text, LOCK));
    assertEquals(List.of(), ProcLocks.posixWriteHolders("", LOCK));
  }
}
