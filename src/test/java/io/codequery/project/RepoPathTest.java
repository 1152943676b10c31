package io.codequery.project;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RepoPathTest {
  static RepoPath bytes(int... b) {
    byte[] a = new byte[b.length];
    for (int i = 0; i < b.length; i++) {
      a[i] = (byte) b[i];
    }
    return RepoPath.ofBytes(a);
  }

  @Test
  void a_name_that_is_not_utf8_and_its_replacement_character_look_alike_are_two_paths() {
    RepoPath raw = bytes('x', 0xff, '.', 't');
    RepoPath replaced = bytes('x', 0xef, 0xbf, 0xbd, '.', 't');
    assertNotEquals(raw, replaced);
    assertFalse(raw.isUtf8());
    assertEquals(Optional.empty(), raw.text());
    assertTrue(replaced.isUtf8());
    assertEquals("x\\xff.t", raw.display());
    assertEquals("x\ufffd.t", replaced.display());
  }

  @Test
  void equality_and_order_are_on_bytes_unsigned_as_git_sorts() {
    assertEquals(
        RepoPath.of("ünï.py"), RepoPath.ofBytes("ünï.py".getBytes(StandardCharsets.UTF_8)));
    assertEquals(RepoPath.of("a").hashCode(), bytes('a').hashCode());
    assertTrue(bytes('a', 0xff).compareTo(bytes('a', 'z')) > 0, "0xff sorts after 'z'");
  }

  @Test
  void the_display_form_escapes_control_characters_backslashes_and_bad_bytes_and_is_one_line() {
    assertEquals("new\\nline\\ttab\\\\back", RepoPath.of("new\nline\ttab\\back").display());
    assertEquals("bell\\x07", RepoPath.of("bell\u0007").display());
    assertEquals("c1\\u0085", RepoPath.of("c1\u0085").display());
    assertEquals("ls\\u2028", RepoPath.of("ls\u2028").display());
    assertEquals("ünï 日本 😀", RepoPath.of("ünï 日本 😀").display());
  }

  @Test
  void no_two_paths_share_a_display_form() {
    List<RepoPath> lookAlikes =
        List.of(
            bytes('x', 0xff),
            RepoPath.of("x\\xff"),
            bytes('x', 0x80),
            RepoPath.of("x\u0080"),
            RepoPath.of("x\\u0080"),
            bytes('x', 0xef, 0xbf, 0xbd),
            RepoPath.of("x\n"),
            RepoPath.of("x\\n"),
            bytes('x', 0x0a));
    Set<String> shown = new HashSet<>();
    Set<RepoPath> distinct = new HashSet<>(lookAlikes);
    for (RepoPath p : distinct) {
      assertTrue(shown.add(p.display()), "two paths display as " + p.display());
    }
  }

  @Test
  void malformed_utf8_is_escaped_byte_by_byte() {
    // overlong '/', a lone continuation byte, a surrogate, beyond U+10FFFF, a cut-short sequence
    assertEquals("\\xc0\\xaf", bytes(0xc0, 0xaf).display());
    assertEquals("\\x80", bytes(0x80).display());
    assertEquals("\\xed\\xa0\\x80", bytes(0xed, 0xa0, 0x80).display());
    assertEquals("\\xf4\\x90\\x80\\x80", bytes(0xf4, 0x90, 0x80, 0x80).display());
    assertEquals("\\xe6\\x97", bytes(0xe6, 0x97).display());
    assertFalse(bytes(0xed, 0xa0, 0x80).isUtf8());
  }

  @Test
  void the_file_name_is_the_last_segment() {
    assertEquals(bytes('b', 0xff), bytes('a', '/', 'b', 0xff).fileName());
    assertEquals(RepoPath.of("top"), RepoPath.of("top").fileName());
  }
}
