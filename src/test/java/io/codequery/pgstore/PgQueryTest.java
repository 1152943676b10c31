package io.codequery.pgstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PgQueryTest {
  @Test
  void the_fts5_syntax_becomes_a_tsquery_with_every_text_a_parameter() {
    PgQuery.Sql q = PgQuery.parse("worker \"the loop\" OR heart* NOT beat").orElseThrow();
    assertEquals(
        "((phraseto_tsquery('simple', ?) && phraseto_tsquery('simple', ?)) ||"
            + " (to_tsquery('simple', ?) && !! phraseto_tsquery('simple', ?)))",
        q.expression());
    assertEquals(List.of("worker", "the loop", "'heart':*", "beat"), q.parameters());
  }

  @Test
  void a_quoted_prefix_phrase_keeps_only_its_words() {
    PgQuery.Sql q = PgQuery.parse("\"it's a b\"*").orElseThrow();
    assertEquals(List.of("'it' <-> 's' <-> 'a' <-> 'b':*"), q.parameters());
  }

  @Test
  void what_the_syntax_refuses_is_empty_and_its_words_are_searched() {
    for (String refused :
        List.of(
            "worker-loop",
            "a\"b",
            "jobs AND(",
            "NEAR/ jobs",
            "a:jobs",
            "NOT",
            "a OR",
            "()",
            "* a",
            "a )",
            "'x'")) {
      assertEquals(Optional.empty(), PgQuery.parse(refused), refused);
    }
    PgQuery.Sql words = PgQuery.plainWords("worker-loop\" jobs* AND(").orElseThrow();
    assertEquals(List.of("worker-loop\"", "'jobs':*", "AND("), words.parameters());
    assertTrue(PgQuery.plainWords(" * ( - ").isEmpty());
  }

  @Test
  void globs_match_as_sqlite_s_glob() {
    assertEquals("^.*\\.java$", PathGlob.regex("*.java"));
    assertEquals("^src\\/.$", PathGlob.regex("src/?"));
    assertEquals("^[^a-c]\\]x$", PathGlob.regex("[^a-c]]x"));
    assertEquals("^\\[a$", PathGlob.regex("[a"));
    assertEquals("^[\\]a]$", PathGlob.regex("[]a]"));
  }
}
