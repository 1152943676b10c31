package io.codequery.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlaceholdersTest {
  private static final Map<String, String> VALUES =
      Map.of("file", "{commit}.txt", "commit", "abc", "model", "m");

  @Test
  void each_element_is_substituted_in_one_pass_and_stays_one_element() {
    assertEquals(
        List.of("doc", "--file={commit}.txt", "abc:{commit}.txt", "-m", "m"),
        Placeholders.substitute(
            List.of("doc", "--file={file}", "{commit}:{file}", "-m", "{model}"), VALUES));
  }

  @Test
  void unknown_placeholders_and_lone_braces_are_left_as_written() {
    assertEquals("{\"a\": {x}} { } {", Placeholders.substitute("{\"a\": {x}} { } {", VALUES));
    assertEquals("{abc}", Placeholders.substitute("{{commit}}", VALUES));
  }

  @Test
  void bounded_output_keeps_everything_under_the_limit_and_head_and_tail_over_it() {
    BoundedOutput small = new BoundedOutput(16);
    byte[] hi = "hi\n".getBytes(StandardCharsets.UTF_8);
    small.write(hi, 0, hi.length);
    assertEquals("hi\n", small.toString());
    BoundedOutput out = new BoundedOutput(8);
    byte[] text = "0123456789abcdef".getBytes(StandardCharsets.UTF_8);
    out.write(text, 0, 5);
    out.write(text, 5, 11);
    assertEquals(16, out.total());
    assertEquals("0123\n…[8 bytes omitted]…\ncdef", out.toString());
  }
}
