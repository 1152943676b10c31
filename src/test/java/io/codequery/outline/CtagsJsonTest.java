package io.codequery.outline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class CtagsJsonTest {
  @Test
  void a_tag_line_becomes_a_symbol_with_every_field_ctags_gave() {
    CtagsJson.Parsed p =
        CtagsJson.parse(
            "{\"_type\": \"tag\", \"name\": \"run\", \"language\": \"Java\", \"line\": 9,"
                + " \"kind\": \"method\", \"signature\": \"(String s)\", \"scope\": \"A\","
                + " \"scopeKind\": \"class\", \"end\": 12}\n");
    assertEquals(
        List.of(new Symbol("run", "method", 9, 12, "A", "class", "(String s)", "Java")),
        p.symbols());
    assertEquals(0, p.skippedLines());
  }

  @Test
  void fields_it_does_not_know_are_ignored_and_absent_ones_are_empty() {
    CtagsJson.Parsed p =
        CtagsJson.parse(
            "{\"_type\": \"tag\", \"name\": \"greet\", \"path\": \"s.sh\", \"pattern\": \"/^x$/\","
                + " \"line\": 3, \"kind\": \"function\", \"roles\": \"def\", \"extras\": {\"a\":"
                + " [1, 2]}, \"file\": true}");
    assertEquals(List.of(new Symbol("greet", "function", 3, 0, "", "", "", "")), p.symbols());
    assertEquals(0, p.skippedLines());
  }

  @Test
  void pseudo_tags_and_blank_lines_are_passed_over_without_counting_as_skipped() {
    CtagsJson.Parsed p =
        CtagsJson.parse(
            "{\"_type\": \"ptag\", \"name\": \"JSON_OUTPUT_VERSION\", \"path\": \"0.0\"}\n"
                + "\n   \n"
                + "{\"_type\": \"tag\", \"name\": \"x\", \"line\": 1, \"kind\": \"package\"}\n");
    assertEquals(1, p.symbols().size());
    assertEquals(0, p.skippedLines());
  }

  @Test
  void malformed_lines_are_skipped_and_counted_and_the_rest_is_kept() {
    String good = "{\"_type\": \"tag\", \"name\": \"ok%d\", \"line\": %d}";
    CtagsJson.Parsed p =
        CtagsJson.parse(
            String.join(
                "\n",
                String.format(good, 1, 1),
                "{\"_type\": \"tag\", \"name\": \"cut in the mid",
                "not json at all",
                "[1, 2, 3]",
                "\"a string\"",
                "{\"_type\": \"tag\", \"line\": 4}",
                "{\"_type\": \"tag\", \"name\": \"\", \"line\": 4}",
                "{\"_type\": \"tag\", \"name\": \"a\", \"line\": \"4\"}",
                "{\"_type\": \"tag\", \"name\": \"a\", \"line\": 4.5}",
                "{\"_type\": \"tag\", \"name\": \"a\", \"line\": 0}",
                "{\"_type\": \"tag\", \"name\": \"a\", \"line\": -3}",
                "{\"_type\": \"tag\", \"name\": \"a\", \"line\": 99999999999999999999}",
                "{\"_type\": \"tag\", \"name\": \"a\", \"line\": 1e400}",
                "{\"_type\": \"tag\", \"name\": 7, \"line\": 4}",
                "{\"_type\": \"tag\", \"name\": \"a\", \"line\": 4} trailing",
                "[".repeat(100_000),
                String.format(good, 2, 20)));
    assertEquals(
        List.of("ok1", "ok2"), p.symbols().stream().map(Symbol::name).toList(), p.toString());
    assertEquals(15, p.skippedLines());
  }

  @Test
  void an_end_before_the_start_line_is_no_end() {
    CtagsJson.Parsed p =
        CtagsJson.parse("{\"_type\": \"tag\", \"name\": \"f\", \"line\": 10, \"end\": 3}");
    assertEquals(0, p.symbols().get(0).endLine());
  }

  @Test
  void text_that_is_not_valid_utf8_arrives_replaced_and_is_read_like_any_other() {
    CtagsJson.Parsed p =
        CtagsJson.parse("{\"_type\": \"tag\", \"name\": \"caf\ufffd\", \"line\": 2}");
    assertEquals("caf\ufffd", p.symbols().get(0).name());
  }
}
