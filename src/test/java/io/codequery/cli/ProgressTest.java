package io.codequery.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgressTest {
  private final StringWriter text = new StringWriter();

  private Progress progress(boolean terminal, long due) {
    return new Progress(new PrintWriter(text), terminal, due);
  }

  @Test
  void off_a_terminal_each_finished_job_is_one_plain_line_with_its_file() {
    Progress p = progress(false, 2);
    p.started("src/a.txt");
    p.finished("done", "src/a.txt", "(3 ms)", 1);
    p.started("b.txt");
    p.finished("failed", "b.txt", "— exit code 1", 0);
    p.end();

    assertEquals(
        List.of("[1/2] done src/a.txt (3 ms)", "[2/2] failed b.txt — exit code 1"),
        text.toString().lines().toList());
    assertFalse(text.toString().contains("\r"), "no redrawing off a terminal");
  }

  @Test
  void the_total_grows_only_by_what_arrives_and_never_falls_behind_the_count() {
    Progress p = progress(false, 2);
    p.started("a");
    p.finished("done", "a", "", 1);
    assertEquals(2, p.total());
    p.started("b");
    p.finished("done", "b", "", 3); // three more arrived meanwhile
    assertEquals(5, p.total());
    p.started("c");
    p.finished("done", "c", "", 0); // another consumer took the rest
    assertEquals(5, p.total(), "a total never shrinks back and forth");

    Progress nothingDue = progress(false, 0);
    nothingDue.started("late");
    assertEquals(1, nothingDue.total(), "the item in hand is always counted");
  }

  @Test
  void on_a_terminal_one_line_is_redrawn_naming_the_file_being_worked_on() {
    Progress p = progress(true, 4);
    p.started("docs/guide.md");
    String drawn = text.toString();
    assertTrue(drawn.startsWith("\r["), drawn);
    assertTrue(drawn.contains("] 0/4 docs/guide.md"), drawn);
    p.finished("done", "docs/guide.md", "", 3);
    assertTrue(text.toString().contains("] 1/4 docs/guide.md"), text.toString());
    p.end();
    assertTrue(text.toString().endsWith(System.lineSeparator()), "the line is ended");
    assertEquals(
        1, text.toString().split("\n", -1).length - 1, "one line, redrawn in place: " + text);
  }

  @Test
  void a_long_name_keeps_its_end_and_never_splits_a_character() {
    String name = "very/".repeat(20) + "deep/\uD83D\uDE00-File.java";
    String fitted = Progress.fit(name);
    assertEquals(40, fitted.codePointCount(0, fitted.length()));
    assertTrue(fitted.startsWith("…"), fitted);
    assertTrue(fitted.endsWith("deep/\uD83D\uDE00-File.java"), fitted);
    assertEquals(40, Progress.fit("short").length(), "padded to its column");
  }
}
