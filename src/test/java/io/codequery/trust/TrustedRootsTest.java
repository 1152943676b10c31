package io.codequery.trust;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.codequery.CodeQueryException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

@EnabledOnOs(OS.LINUX)
class TrustedRootsTest {
  @TempDir Path tmp;
  private Path file;
  private TrustedRoots roots;

  @BeforeEach
  void list() {
    file = tmp.resolve("config/code-query/trusted-roots");
    roots = new TrustedRoots(file);
  }

  static int mode(Path p) throws IOException {
    return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
  }

  @Test
  void the_list_lives_under_xdg_config_home_else_under_home_dot_config() {
    assertEquals(
        Optional.of(Path.of("/x/code-query/trusted-roots")),
        TrustedRoots.location(Map.of("XDG_CONFIG_HOME", "/x", "HOME", "/h")));
    assertEquals(
        Optional.of(Path.of("/h/.config/code-query/trusted-roots")),
        TrustedRoots.location(Map.of("HOME", "/h")));
    assertEquals(
        Optional.of(Path.of("/h/.config/code-query/trusted-roots")),
        TrustedRoots.location(Map.of("XDG_CONFIG_HOME", "relative", "HOME", "/h")),
        "a relative XDG_CONFIG_HOME is ignored, as the XDG rules say");
    assertEquals(Optional.empty(), TrustedRoots.location(Map.of()));
  }

  @Test
  void roots_are_added_once_listed_and_removed() {
    Path a = Path.of("/srv/a");
    Path b = Path.of("/srv/b c");
    assertTrue(roots.add(a));
    assertFalse(roots.add(a), "already there");
    assertTrue(roots.add(b));
    assertEquals(List.of(a, b), roots.read().roots());
    assertTrue(roots.remove(a));
    assertFalse(roots.remove(a));
    assertEquals(List.of(b), roots.read().roots());
    assertTrue(roots.read().contains(b));
  }

  @Test
  void a_missing_list_is_empty() {
    assertEquals(List.of(), roots.read().roots());
    assertEquals(Optional.empty(), roots.read().ignored());
  }

  @Test
  void the_list_is_written_0600_in_a_directory_created_0700() throws IOException {
    roots.add(Path.of("/srv/a"));
    assertEquals(0600, mode(file));
    assertEquals(0700, mode(file.getParent()));
  }

  @Test
  void a_list_others_may_write_is_ignored_and_says_why() throws IOException {
    roots.add(Path.of("/srv/a"));
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));
    TrustedRoots.Listing l = roots.read();
    assertEquals(List.of(), l.roots());
    assertTrue(l.ignored().orElseThrow().contains("chmod 600"), l.ignored().toString());
    CodeQueryException e =
        assertThrows(CodeQueryException.class, () -> roots.add(Path.of("/srv/b")));
    assertTrue(e.getMessage().contains("writable by other users"), e.getMessage());
  }

  @Test
  void a_list_that_is_a_symbolic_link_is_never_followed() throws IOException {
    Path elsewhere = tmp.resolve("elsewhere");
    Files.writeString(elsewhere, "/srv/a\n");
    Files.createDirectories(file.getParent());
    Files.createSymbolicLink(file, elsewhere);
    TrustedRoots.Listing l = roots.read();
    assertEquals(List.of(), l.roots());
    assertTrue(l.ignored().orElseThrow().contains("symbolic link"), l.ignored().toString());
  }

  @Test
  void comments_blank_lines_and_relative_paths_are_no_roots() throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, "# mine\n\n/srv/a\nrelative/b\n/srv/c/../d\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    assertEquals(List.of(Path.of("/srv/a"), Path.of("/srv/d")), roots.read().roots());
  }

  @Test
  void a_root_holding_a_line_break_cannot_be_trusted() {
    CodeQueryException e =
        assertThrows(CodeQueryException.class, () -> roots.add(Path.of("/srv/a\n/srv/b")));
    assertTrue(e.getMessage().contains("line break"), e.getMessage());
    assertEquals(List.of(), roots.read().roots());
  }
}
