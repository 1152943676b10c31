package io.codequery.os;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MountInfoTest {
  private static final String ROOT = "22 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw\n";

  @Test
  void a_plain_proc_mount_hides_nothing() {
    assertFalse(
        MountInfo.procHidesProcesses(
            ROOT
                + "23 22 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw\n"));
  }

  @Test
  void hidepid_other_than_zero_or_off_hides_other_users_processes() {
    for (String value : new String[] {"1", "2", "4", "invisible", "noaccess", "ptraceable"}) {
      assertTrue(
          MountInfo.procHidesProcesses(
              ROOT + "23 22 0:21 / /proc rw,relatime - proc proc rw,hidepid=" + value + "\n"),
          value);
    }
    for (String value : new String[] {"0", "off"}) {
      assertFalse(
          MountInfo.procHidesProcesses(
              ROOT + "23 22 0:21 / /proc rw,relatime - proc proc rw,hidepid=" + value + "\n"),
          value);
    }
  }

  @Test
  void the_last_proc_mount_is_the_one_on_top() {
    String hiddenThenPlain =
        "23 22 0:21 / /proc rw - proc proc rw,hidepid=2\n"
            + "40 22 0:33 / /proc rw master:5 - proc proc rw,gid=4\n";
    assertFalse(MountInfo.procHidesProcesses(ROOT + hiddenThenPlain));
    String plainThenHidden =
        "23 22 0:21 / /proc rw - proc proc rw\n"
            + "40 22 0:33 / /proc rw - proc proc rw,hidepid=invisible,subset=pid\n";
    assertTrue(MountInfo.procHidesProcesses(ROOT + plainThenHidden));
  }

  @Test
  void other_file_systems_on_proc_paths_and_garbled_lines_do_not_count() {
    assertFalse(
        MountInfo.procHidesProcesses(
            "30 23 0:40 / /proc/sys/fs/binfmt_misc rw - binfmt_misc x rw,hidepid=2\n"
                + "31 22 0:41 / /proc rw - tmpfs tmpfs rw,hidepid=2\n"
                + "32 22 0:42 / /proc rw - proc\n"
                + "garbage\n"));
    assertFalse(MountInfo.procHidesProcesses(""));
  }
}
