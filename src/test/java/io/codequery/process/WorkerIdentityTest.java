package io.codequery.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.codequery.os.ProcessTable;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WorkerIdentityTest {
  private static final WorkerIdentity ID =
      new WorkerIdentity(4242, 987654, 1_700_000_000_123L, "0f1e2d3c-boot", "/srv/project");

  private static String text(WorkerIdentity id) {
    return new String(id.format(), StandardCharsets.UTF_8);
  }

  @Test
  void a_record_survives_format_and_parse() {
    assertEquals(Optional.of(ID), WorkerIdentity.parse(text(ID)));
  }

  @Test
  void the_record_is_one_key_value_per_line() {
    assertEquals(
        "version=1\n"
            + "pid=4242\n"
            + "start_ticks=987654\n"
            + "start_millis=1700000000123\n"
            + "boot_id=0f1e2d3c-boot\n"
            + "root=/srv/project\n",
        text(ID));
  }

  @Test
  void a_root_with_newlines_backslashes_equals_signs_and_unicode_round_trips_on_one_line() {
    WorkerIdentity odd = new WorkerIdentity(7, 1, 2, "b", "/tmp/a\nroot=/evil\\x=y\r/ünï");
    String t = text(odd);
    assertEquals(6, t.split("\n").length, t);
    assertEquals(Optional.of(odd), WorkerIdentity.parse(t));
  }

  @Test
  void unknown_start_times_round_trip_as_minus_one() {
    WorkerIdentity unknown = new WorkerIdentity(7, -1, -1, "", "/r");
    assertEquals(Optional.of(unknown), WorkerIdentity.parse(text(unknown)));
  }

  @Test
  void a_truncated_record_is_not_a_record() {
    String t = text(ID);
    // Up to the last byte: a root cut short ("/tm" of "/tmp/…") must not pass for another root.
    for (int cut = 0; cut < t.length(); cut++) {
      assertEquals(Optional.empty(), WorkerIdentity.parse(t.substring(0, cut)), "cut at " + cut);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "garbage",
        "version=2\npid=1\nstart_ticks=1\nstart_millis=1\nboot_id=b\nroot=/r\n",
        "version=1\npid=0\nstart_ticks=1\nstart_millis=1\nboot_id=b\nroot=/r\n",
        "version=1\npid=-5\nstart_ticks=1\nstart_millis=1\nboot_id=b\nroot=/r\n",
        "version=1\npid=x\nstart_ticks=1\nstart_millis=1\nboot_id=b\nroot=/r\n",
        "version=1\npid=1\nstart_ticks=1\nstart_millis=1\nroot=/r\n",
        "version=1\npid=1\nstart_ticks=1\nstart_millis=1\nboot_id=b\nroot=\n",
        "version=1\npid=1\nstart_ticks=1\nstart_millis=1\nboot_id=b\nroot=/r\\\n",
        "version=1\npid=1\nstart_ticks=1\nstart_millis=1\nboot_id=b\nroot=/r\\t\n",
        "version=1\npid=1\nstart_ticks=1\nstart_millis=1\nboot_id=b\nroot=/r\\r\n",
        "version=1\npid=01\nstart_ticks=1\nstart_millis=1\nboot_id=b\nroot=/r\n",
        "version=1\npid=+1\nstart_ticks=1\nstart_millis=1\nboot_id=b\nroot=/r\n",
        "version=1\npid=1\nstart_ticks=007\nstart_millis=1\nboot_id=b\nroot=/r\n",
        "version=1\npid=1\nstart_ticks=-2\nstart_millis=1\nboot_id=b\nroot=/r\n",
        "version=1\npid=1\nstart_ticks=1\nstart_millis=-0\nboot_id=b\nroot=/r\n",
        "version=1\npid=4294967297\nstart_ticks=1\nstart_millis=1\nboot_id=b\nroot=/r\n",
        "version=1\npid=1\nstart_ticks=1\nstart_millis=1\nboot_id=b\nroot=/r\nnot a pair\n",
        "=1\nversion=1\npid=1\nstart_ticks=1\nstart_millis=1\nboot_id=b\nroot=/r\n"
      })
  void garbage_unknown_versions_and_bad_values_are_not_a_record(String text) {
    assertEquals(Optional.empty(), WorkerIdentity.parse(text));
  }

  @Test
  void a_process_records_its_own_identity_with_this_boot_and_its_own_start() {
    WorkerIdentity self = ProcessFacts.identityOfSelf("/r");
    assertEquals(ProcessHandle.current().pid(), self.pid());
    assertEquals(ProcessTable.system().bootId(), self.bootId());
    assertTrue(self.startMillis() > 0);
    if (ProcessTable.system().name().equals("proc")) {
      assertTrue(self.startTicks() > 0);
    }
  }
}
