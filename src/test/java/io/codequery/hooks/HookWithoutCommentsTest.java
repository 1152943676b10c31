package io.codequery.hooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The installed hook is the template without comment lines: the same commands, line for line. */
class HookWithoutCommentsTest {
  private static String template() throws Exception {
    try (InputStream in =
        HookWithoutCommentsTest.class.getResourceAsStream("/io/codequery/hooks/post-commit.sh")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void only_comment_lines_after_the_header_go_and_every_other_line_stays_in_order()
      throws Exception {
    String template = template();
    String stripped = HooksInstaller.withoutComments(template);
    List<String> kept = template.lines().filter(l -> !l.stripLeading().startsWith("#")).toList();
    List<String> code = stripped.lines().filter(l -> !l.stripLeading().startsWith("#")).toList();
    assertEquals(kept, code);
    assertTrue(stripped.startsWith("#!/bin/sh\n"));
    assertTrue(stripped.contains(HooksInstaller.MARK), "the version line stays for `hooks status`");
    assertFalse(stripped.contains("DecideOutcome.java says why"), "a comment in the body went");
    assertTrue(stripped.endsWith("\n") == template.endsWith("\n"));
  }

  @Test
  void the_template_has_no_here_document_line_that_starts_with_a_hash() throws Exception {
    // withoutComments would drop such a line from the document's text.
    String open = null;
    for (String line : template().lines().toList()) {
      if (open != null) {
        assertFalse(line.stripLeading().startsWith("#"), "here-document line: " + line);
        if (line.equals(open)) {
          open = null;
        }
      } else if (line.contains("<<") && !line.stripLeading().startsWith("#")) {
        open = line.substring(line.indexOf("<<") + 2).strip().replace("'", "");
      }
    }
  }
}
