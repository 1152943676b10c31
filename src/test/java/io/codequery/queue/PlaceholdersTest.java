package io.codequery.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
