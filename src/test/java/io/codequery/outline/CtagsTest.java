package io.codequery.outline;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTimeout;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** The real Universal Ctags on real files of several languages, and fake ones that misbehave. */
@EnabledOnOs(OS.LINUX)
class CtagsTest {
  @TempDir Path tmp;
  Ctags ctags;

  @BeforeEach
  void realCtags() {
    CtagsLookup found = FindCtags.onPath();
    ctags =
        assertInstanceOf(
                CtagsLookup.Found.class,
                found,
                "these tests need Universal Ctags on the PATH (Debian: apt-get install"
                    + " universal-ctags; .ci/run installs it): "
                    + found)
            .ctags();
  }

  Path file(String name, String content) throws Exception {
    Path f = tmp.resolve(name);
    Files.createDirectories(f.getParent());
    Files.writeString(f, content);
    return f;
  }

  List<Symbol> symbols(Path file) {
    CtagsRun.Tags tags = assertInstanceOf(CtagsRun.Tags.class, ctags.symbolsOf(file));
    assertFalse(tags.cut());
    assertEquals(0, tags.skippedLines());
    return tags.symbols();
  }

  /** Each symbol as "kind name line[-end] [in scopeKind scope]". */
  static List<String> described(List<Symbol> symbols) {
    return symbols.stream()
        .map(
            s ->
                s.kind()
                    + " "
                    + s.name()
                    + s.signature()
                    + " "
                    + s.line()
                    + (s.endLine() > 0 ? "-" + s.endLine() : "")
                    + (s.scoped() ? " in " + s.scopeKind() + " " + s.scope() : ""))
        .toList();
  }

  static final String JAVA =
      "package demo;\n"
          + "\n"
          + "public class Greeter {\n"
          + "  public static final int MAX = 3;\n"
          + "\n"
          + "  interface Listener {\n"
          + "    void heard(String word);\n"
          + "  }\n"
          + "\n"
          + "  String greet(String name) {\n"
          + "    return \"hi \" + name;\n"
          + "  }\n"
          + "}\n";

  @Test
  void java_classes_interfaces_methods_and_constants_with_lines_and_scopes() throws Exception {
    assertEquals(
        List.of(
            "package demo 1-1",
            "class Greeter 3-13",
            "field MAX 4-4 in class Greeter",
            "interface Listener 6-8 in class Greeter",
            "method heard(String word) 7-7 in interface Greeter.Listener",
            "method greet(String name) 10-12 in class Greeter"),
        described(symbols(file("src/demo/Greeter.java", JAVA))));
  }

  @Test
  void python_classes_methods_functions_and_module_constants() throws Exception {
    Path py =
        file(
            "tool.py",
            "LIMIT = 10\n"
                + "\n"
                + "class Shape:\n"
                + "    def area(self):\n"
                + "        return 0\n"
                + "\n"
                + "def main(argv):\n"
                + "    pass\n");
    assertEquals(
        List.of(
            "variable LIMIT 1",
            "class Shape 3-5",
            "member area(self) 4-5 in class Shape",
            "function main(argv) 7-8"),
        described(symbols(py)));
  }

  @Test
  void c_macros_structs_their_members_and_functions() throws Exception {
    Path c =
        file(
            "point.c",
            "#define MAX 10\n"
                + "struct point { int x; };\n"
                + "static int twice(int a) { return 2 * a; }\n");
    assertEquals(
        List.of(
            "macro MAX 1-1",
            "struct point 2-2",
            "member x 2-2 in struct point",
            "function twice(int a) 3-3"),
        described(symbols(c)));
  }

  @Test
  void shell_functions_also_in_a_script_without_extension_by_its_first_line() throws Exception {
    String script = "#!/bin/sh\ngreet() { echo hi; }\nfunction other { :; }\n";
    assertEquals(
        List.of("function greet 2", "function other 3"),
        described(symbols(file("run.sh", script))));
    List<Symbol> bare = symbols(file("bin/deploy", script));
    assertEquals(List.of("function greet 2", "function other 3"), described(bare));
    assertEquals("Sh", bare.get(0).language());
  }

  @Test
  void markdown_headings_nest_by_level() throws Exception {
    Path md = file("README.md", "# Title\n## Install\ntext\n### From source\n## Use\n");
    assertEquals(
        List.of(
            "chapter Title 1-5",
            "section Install 2-4 in chapter Title",
            "subsection From source 4-4 in section Title\"\"Install",
            "section Use 5-5 in chapter Title"),
        described(symbols(md)));
  }

  @Test
  void a_file_ctags_does_not_know_has_no_symbols() throws Exception {
    assertEquals(List.of(), symbols(file("notes.txt", "just words\n")));
  }

  @Test
  void option_files_of_the_project_are_never_read() throws Exception {
    // ctags reads ./.ctags.d/*.ctags from its working directory unless told not to.
    Path java = file("src/demo/Greeter.java", JAVA);
    file("src/demo/.ctags.d/hostile.ctags", "--kinds-Java=-m\n--languages=-Java\n");
    assertEquals(6, symbols(java).size());
  }

  @Test
  void output_past_what_is_kept_gives_the_first_symbols_and_says_it_was_cut() throws Exception {
    StringBuilder many = new StringBuilder();
    for (int i = 1; i <= 60_000; i++) {
      many.append(String.format("#define NAME_%06d %d%n", i, i));
    }
    Path c = file("generated.h", many.toString());
    CtagsRun.Tags tags = assertInstanceOf(CtagsRun.Tags.class, ctags.symbolsOf(c));
    assertTrue(tags.cut());
    assertEquals(0, tags.skippedLines(), "the cut line is dropped, not counted as malformed");
    List<Symbol> s = tags.symbols();
    assertTrue(s.size() > 10_000 && s.size() < 60_000, s.size() + " symbols");
    for (int i = 0; i < s.size(); i++) {
      assertEquals(i + 1, s.get(i).line(), "the first ones, in order");
    }
  }

  Ctags fake(String script, Duration deadline) throws Exception {
    Path program = tmp.resolve("fake/ctags");
    Files.createDirectories(program.getParent());
    Files.writeString(program, "#!/bin/sh\n" + script + "\n");
    Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwxr-xr-x"));
    return new Ctags(program, "fake", deadline);
  }

  @Test
  void a_ctags_that_hangs_is_killed_at_its_deadline() throws Exception {
    Ctags hangs = fake("exec sleep 300", Duration.ofSeconds(1));
    Path f = file("a.c", "int x;\n");
    CtagsRun.Failed failed =
        assertTimeoutPreemptively(
            Duration.ofSeconds(30),
            () -> assertInstanceOf(CtagsRun.Failed.class, hangs.symbolsOf(f)));
    assertEquals("ctags timed out after 1 s", failed.reason());
  }

  @Test
  void an_interrupted_caller_stops_ctags_and_learns_nothing() throws Exception {
    Path started = tmp.resolve("started");
    Ctags hangs = fake("touch '" + started + "'; exec sleep 300", Duration.ofSeconds(120));
    Path f = file("a.c", "int x;\n");
    Thread caller = Thread.currentThread();
    Thread interrupter =
        new Thread(
            () -> {
              await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(started));
              caller.interrupt();
            });
    interrupter.start();
    try {
      // Not preemptively: the interrupt belongs to this thread.
      CtagsRun run = assertTimeout(Duration.ofSeconds(30), () -> hangs.symbolsOf(f));
      assertInstanceOf(CtagsRun.Stopped.class, run);
      assertTrue(Thread.currentThread().isInterrupted(), "the interrupt is kept for the caller");
    } finally {
      interrupter.join();
      Thread.interrupted();
    }
  }

  @Test
  void a_caller_interrupted_before_ctags_starts_learns_nothing_either() throws Exception {
    Ctags hangs = fake("exec sleep 300", Duration.ofSeconds(120));
    Path f = file("a.c", "int x;\n");
    Thread.currentThread().interrupt();
    try {
      CtagsRun run = assertTimeout(Duration.ofSeconds(30), () -> hangs.symbolsOf(f));
      assertInstanceOf(CtagsRun.Stopped.class, run);
      assertTrue(Thread.currentThread().isInterrupted(), "the interrupt is kept for the caller");
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void a_ctags_that_fails_is_reported_with_its_status_and_what_it_said() throws Exception {
    Ctags fails =
        fake("echo 'ctags: Warning: something broke' >&2; exit 2", Duration.ofSeconds(10));
    CtagsRun.Failed failed =
        assertInstanceOf(CtagsRun.Failed.class, fails.symbolsOf(file("a.c", "int x;\n")));
    assertEquals("ctags exited with status 2: ctags: Warning: something broke", failed.reason());
  }

  @Test
  void malformed_lines_among_the_output_are_skipped_and_counted() throws Exception {
    Ctags garbled =
        fake(
            "echo '{\"_type\": \"tag\", \"name\": \"a\", \"line\": 1, \"kind\": \"function\"}'\n"
                + "printf 'garbage\\377\\n"
                + "{\"name\":\\n"
                + "'\n"
                + "echo '{\"_type\": \"tag\", \"name\": \"b\", \"line\": 2, \"kind\":"
                + " \"function\"}'",
            Duration.ofSeconds(10));
    CtagsRun.Tags tags =
        assertInstanceOf(CtagsRun.Tags.class, garbled.symbolsOf(file("a.c", "int x;\n")));
    assertEquals(List.of("a", "b"), tags.symbols().stream().map(Symbol::name).toList());
    assertEquals(2, tags.skippedLines());
  }
}
