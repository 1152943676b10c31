package io.codequery.os;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProcCmdlineTest {
  private static List<String> split(String raw) {
    byte[] b = raw.getBytes(StandardCharsets.UTF_8);
    return ProcCmdline.split(b, b.length);
  }

  @Test
  void each_argument_ends_with_a_nul_and_may_hold_spaces_and_newlines() {
    assertEquals(
        List.of("java", "-Dcode-query.worker=/tmp/a b\nc", "Main"),
        split("java\0-Dcode-query.worker=/tmp/a b\nc\0Main\0"));
  }

  @Test
  void empty_arguments_are_kept_and_a_last_argument_without_its_nul_too() {
    assertEquals(List.of("sh", "", "x"), split("sh\0\0x\0"));
    assertEquals(List.of("sh", "cut"), split("sh\0cut"));
  }

  @Test
  void an_exiting_process_or_a_kernel_thread_has_no_arguments() {
    assertEquals(List.of(), split(""));
  }

  @Test
  void only_the_bytes_read_count() {
    byte[] buffer = "a\0b\0garbage".getBytes(StandardCharsets.UTF_8);
    assertEquals(List.of("a", "b"), ProcCmdline.split(buffer, 4));
  }
}
