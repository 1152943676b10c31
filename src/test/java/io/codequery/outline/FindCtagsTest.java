package io.codequery.outline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

@EnabledOnOs(OS.LINUX)
class FindCtagsTest {
  static final String UNIVERSAL =
      "Universal Ctags 5.9.0, Copyright (C) 2015 Universal Ctags Team\n"
          + "Universal Ctags is derived from Exuberant Ctags.\n"
          + "Exuberant Ctags 5.8, Copyright (C) 1996-2009 Darren Hiebert\n"
          + "  Compiled: Sep  3 2021, 18:12:18\n"
          + "  URL: https://ctags.io/\n"
          + "  Optional compiled features: +wildcards, +regex, +iconv, +json, +yaml\n";

  @TempDir Path tmp;

  /** An executable {@code ctags} in a directory of its own, running {@code script}. */
  Path fakeCtags(String dirName, String script) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve(dirName));
    Path ctags = dir.resolve("ctags");
    Files.writeString(ctags, "#!/bin/sh\n" + script + "\n");
    Files.setPosixFilePermissions(ctags, PosixFilePermissions.fromString("rwxr-xr-x"));
    return ctags;
  }

  @Test
  void universal_ctags_with_json_output_is_usable_and_named_by_its_first_line() {
    Path p = Path.of("/usr/bin/ctags");
    assertEquals(Optional.empty(), FindCtags.judgeVersion(UNIVERSAL, p));
    assertEquals("Universal Ctags 5.9.0", FindCtags.versionName(UNIVERSAL));
    assertEquals(
        "Universal Ctags 6.1.0(v6.1.0)",
        FindCtags.versionName("Universal Ctags 6.1.0(v6.1.0), Copyright (C) 2015-2023\n"));
  }

  @Test
  void exuberant_ctags_is_refused_naming_the_program_and_what_it_said() {
    Optional<String> why =
        FindCtags.judgeVersion(
            "Exuberant Ctags 5.9~svn20110310, Copyright (C) 1996-2009 Darren Hiebert\n"
                + "  Addresses: <dhiebert@users.sourceforge.net>\n",
            Path.of("/opt/bin/ctags"));
    assertEquals(
        Optional.of(
            "/opt/bin/ctags is not Universal Ctags (it says: Exuberant Ctags 5.9~svn20110310,"
                + " Copyright (C) 1996-2009 Darren Hiebert)"),
        why);
  }

  @Test
  void universal_ctags_without_json_output_is_refused() {
    String noJson = UNIVERSAL.replace("+json, ", "");
    Optional<String> why = FindCtags.judgeVersion(noJson, Path.of("/usr/bin/ctags"));
    assertTrue(why.orElseThrow().contains("without JSON output"), why.toString());
  }

  @Test
  void the_first_ctags_on_the_path_is_found_and_relative_or_empty_entries_are_never_searched()
      throws Exception {
    Path first = fakeCtags("first", "exit 0");
    Path second = fakeCtags("second", "exit 0");
    String firstDir = first.getParent().toString();
    assertEquals(
        Optional.of(first),
        FindCtags.onPathVariable(tmp.resolve("none") + ":" + firstDir + ":" + second.getParent()));
    // The same directory spelled relative to the working directory, and an empty entry (".").
    Path relative = Path.of("").toAbsolutePath().relativize(first.getParent());
    assertTrue(Files.isExecutable(relative.resolve("ctags")), "the relative spelling is valid");
    assertEquals(Optional.empty(), FindCtags.onPathVariable(relative + "::."));
    assertEquals(Optional.empty(), FindCtags.onPathVariable(""));
  }

  @Test
  void a_path_without_ctags_is_missing_for_good() throws Exception {
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    CtagsLookup.Missing m =
        assertInstanceOf(CtagsLookup.Missing.class, FindCtags.probe(empty.toString()));
    assertEquals("ctags is not on the PATH", m.reason());
    assertTrue(m.lasting());
  }

  @Test
  void a_ctags_that_is_exuberant_is_missing_and_the_reason_names_it() throws Exception {
    Path ctags =
        fakeCtags(
            "exuberant",
            "echo 'Exuberant Ctags 5.9~svn20110310, Copyright (C) 1996-2009 Darren Hiebert'");
    CtagsLookup.Missing m =
        assertInstanceOf(CtagsLookup.Missing.class, FindCtags.probe(ctags.getParent().toString()));
    assertTrue(m.reason().startsWith(ctags + " is not Universal Ctags"), m.reason());
    assertTrue(m.reason().contains("Exuberant Ctags 5.9"), m.reason());
  }

  @Test
  void a_ctags_whose_version_fails_is_missing_with_its_status() throws Exception {
    Path ctags = fakeCtags("broken", "echo 'cannot load libjansson.so.4' >&2; exit 127");
    CtagsLookup.Missing m =
        assertInstanceOf(CtagsLookup.Missing.class, FindCtags.probe(ctags.getParent().toString()));
    assertEquals(
        ctags + " --version exited with status 127 (it says: cannot load libjansson.so.4)",
        m.reason());
  }

  @Test
  void the_real_universal_ctags_is_found_on_this_machines_path() {
    CtagsLookup found = FindCtags.onPath();
    CtagsLookup.Found f =
        assertInstanceOf(
            CtagsLookup.Found.class,
            found,
            "the tests need Universal Ctags on the PATH (Debian: apt-get install universal-ctags;"
                + " .ci/run installs it): "
                + found);
    assertTrue(f.ctags().version().startsWith("Universal Ctags"), f.ctags().version());
    assertTrue(f.ctags().program().isAbsolute());
    assertEquals(found, FindCtags.onPath(), "looked up once");
  }
}
