package io.codequery.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

class HostIdTest {
  @Test
  void the_stored_form_parses_back_and_only_a_fully_known_equal_id_shares_pids() {
    HostId a = new HostId("m1", "b1", "pid:[4026531836]");
    assertEquals("m1/b1/pid:[4026531836]", a.format());
    assertEquals(Optional.of(a), HostId.parse(a.format()));
    assertEquals(Optional.empty(), HostId.parse("no slashes"));
    assertTrue(a.sharesPidsWith(new HostId("m1", "b1", "pid:[4026531836]")));
    assertFalse(a.sharesPidsWith(new HostId("m1", "b1", "pid:[4026532000]")), "another PID ns");
    assertFalse(a.sharesPidsWith(new HostId("m2", "b1", "pid:[4026531836]")), "another machine");
    assertFalse(new HostId("", "b1", "p").sharesPidsWith(new HostId("", "b1", "p")), "unknown");
    assertTrue(a.isEarlierBootOfThisMachine(new HostId("m1", "b0", "pid:[4026531836]")));
    assertFalse(a.isEarlierBootOfThisMachine(new HostId("m2", "b0", "pid:[4026531836]")));
    assertFalse(a.isEarlierBootOfThisMachine(a));
  }

  @Test
  @EnabledOnOs(OS.LINUX)
  void this_host_is_known_in_full_and_shares_pids_with_itself() {
    HostId here = HostId.ofThisHost();
    assertTrue(here.sharesPidsWith(HostId.ofThisHost()), here.toString());
    assertTrue(here.pidNamespace().startsWith("pid:["), here.toString());
    assertFalse(HostId.hostName().isEmpty());
  }
}
