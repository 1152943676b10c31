package io.codequery.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.codequery.log.WorkerLog;
import io.codequery.outline.CtagsLookup;
import io.codequery.outline.FindCtags;
import io.codequery.outline.Outline;
import io.codequery.outline.Symbol;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** Documents of real files with the real Universal Ctags, and with ctags hidden from the PATH. */
@EnabledOnOs(OS.LINUX)
class BuiltinDocumentTest {
  /** A lookup that fails the test if asked: the file must be judged without ctags. */
  static final Supplier<CtagsLookup> NOT_ASKED =
      () -> {
        throw new AssertionError("ctags was looked up for a file it must not outline");
      };

  @TempDir Path tmp;
  Path root;
  WorkerLog log;

  @BeforeEach
  void project() throws Exception {
    root = Files.createDirectories(tmp.resolve("project"));
    Files.createDirectories(root.resolve(".code-query"));
    log = new WorkerLog(root.resolve(".code-query/worker.log"));
  }

  Path file(String name, String content) throws Exception {
    Path f = root.resolve(name);
    Files.createDirectories(f.getParent());
    Files.writeString(f, content);
    return f;
  }

  String document(String name) throws Exception {
    return BuiltinDocument.of(root.resolve(name), name, log);
  }

  /** ctags hidden: a PATH of one empty directory. */
  Supplier<CtagsLookup> hidden() throws Exception {
    Path empty = Files.createDirectories(tmp.resolve("empty-bin"));
    return () -> FindCtags.on(empty.toString());
  }

  List<String> logLines() throws Exception {
    Path f = log.file();
    return Files.exists(f) ? Files.readAllLines(f, StandardCharsets.UTF_8) : List.of();
  }

  @Test
  void a_java_file_gets_its_facts_and_an_outline_nested_by_scope() throws Exception {
    file(
        "src/demo/Greeter.java",
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
            + "}\n");
    String expected =
        "# src/demo/Greeter.java\n"
            + "\n"
            + "- Language: java\n"
            + "- Size: 192 bytes\n"
            + "- Lines: 13\n"
            + "- SHA-256: 6552c8e45bd2516422d7602f96f5fc182c5461d2dfd2f2cbda66bd5eaca0f762\n"
            + "\n"
            + "## Outline\n"
            + "\n"
            + "- package `demo` — line 1\n"
            + "- class `Greeter` — lines 3–13\n"
            + "  - field `MAX` — line 4\n"
            + "  - interface `Listener` — lines 6–8\n"
            + "    - method `heard(String word)` — line 7\n"
            + "  - method `greet(String name)` — lines 10–12\n";
    assertEquals(expected, document("src/demo/Greeter.java"));
  }

  @Test
  void python_c_shell_and_markdown_files_are_outlined() throws Exception {
    file("tool.py", "LIMIT = 10\n\nclass Shape:\n    def area(self):\n        return 0\n");
    assertTrue(
        document("tool.py")
            .endsWith(
                "- variable `LIMIT` — line 1\n"
                    + "- class `Shape` — lines 3–5\n"
                    + "  - member `area(self)` — lines 4–5\n"),
        document("tool.py"));

    file("point.c", "#define MAX 10\nstruct point { int x; };\nint twice(int a) { return a; }\n");
    String c = document("point.c");
    assertTrue(c.contains("- Language: c\n"), c);
    assertTrue(
        c.endsWith(
            "- macro `MAX` — line 1\n"
                + "- struct `point` — line 2\n"
                + "  - member `x` — line 2\n"
                + "- function `twice(int a)` — line 3\n"),
        c);

    file("run.sh", "#!/bin/sh\ngreet() { echo hi; }\n");
    assertTrue(document("run.sh").endsWith("- function `greet` — line 2\n"), document("run.sh"));

    file("README.md", "# Title\n## Install\ntext\n### From source\n## Use\n");
    assertTrue(
        document("README.md")
            .endsWith(
                "- chapter `Title` — lines 1–5\n"
                    + "  - section `Install` — lines 2–4\n"
                    + "    - subsection `From source` — line 4\n"
                    + "  - section `Use` — line 5\n"),
        document("README.md"));
  }

  @Test
  void a_file_that_is_not_utf8_is_outlined_as_far_as_ctags_can_name_its_symbols() throws Exception {
    // ctags leaves out the heading whose text is not UTF-8, and the scope it would give the next.
    Path latin1 = root.resolve("notes.md");
    Files.write(
        latin1,
        new byte[] {'#', ' ', 'c', 'a', 'f', (byte) 0xe9, '\n', '#', '#', ' ', 'o', 'k', '\n'});
    String doc = document("notes.md");
    assertTrue(doc.contains("- Lines: 2\n"), doc);
    assertTrue(doc.endsWith("## Outline\n\n- section `ok` — line 2\n"), doc);
  }

  @Test
  void a_script_without_extension_takes_its_language_from_ctags() throws Exception {
    file("bin/deploy", "#!/bin/sh\nship() { :; }\n");
    String doc = document("bin/deploy");
    assertTrue(doc.contains("- Language: shell\n"), doc);
    assertTrue(doc.contains("- function `ship` — line 2\n"), doc);
  }

  @Test
  void a_file_ctags_does_not_know_gets_the_facts_and_says_why_there_is_no_outline()
      throws Exception {
    file("notes.txt", "just words\nand more\n");
    String doc = document("notes.txt");
    assertTrue(doc.contains("- Language: text\n- Size: 20 bytes\n- Lines: 2\n"), doc);
    assertTrue(
        doc.endsWith("\nNo outline: ctags found no symbols (or does not know the language).\n"),
        doc);
    assertFalse(doc.contains("## Outline"), doc);
  }

  @Test
  void with_ctags_hidden_from_the_path_every_file_gets_the_facts_and_the_log_says_so_once()
      throws Exception {
    Supplier<CtagsLookup> hidden = hidden();
    for (String name : List.of("A.java", "b.py", "c.c")) {
      file(name, "int x;\n");
      String doc = BuiltinDocument.of(root.resolve(name), name, log, hidden);
      assertTrue(doc.startsWith("# " + name + "\n\n- Language: "), doc);
      assertTrue(doc.contains("- Lines: 1\n"), doc);
      assertTrue(
          doc.endsWith("\nNo outline: Universal Ctags was not available (worker.log says why).\n"),
          doc);
    }
    List<String> lines = logLines();
    assertEquals(1, lines.size(), lines.toString());
    assertTrue(
        lines
            .get(0)
            .endsWith(
                "[builtin] documents without outlines (the facts alone): ctags is not on the"
                    + " PATH — install Universal Ctags (Debian, Ubuntu: apt-get install"
                    + " universal-ctags) and restart the worker"),
        lines.get(0));
  }

  @Test
  void the_log_names_the_ctags_that_makes_outlines_once() throws Exception {
    for (String name : List.of("A.java", "b.py", "c.c")) {
      file(name, "int x;\n");
      document(name);
    }
    List<String> lines = logLines();
    assertEquals(1, lines.size(), lines.toString());
    assertTrue(lines.get(0).contains("[builtin] outlines by Universal Ctags "), lines.get(0));
  }

  @Test
  void binary_empty_and_huge_files_get_the_facts_without_asking_ctags() throws Exception {
    Path bin = root.resolve("logo.png");
    Files.write(bin, new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0, 0, 13, '\n'});
    String doc = BuiltinDocument.of(bin, "logo.png", log, NOT_ASKED);
    assertTrue(doc.contains("- Size: 9 bytes\n- Content: binary\n"), doc);
    assertTrue(doc.endsWith("\nNo outline: the content is binary.\n"), doc);

    file("empty.py", "");
    doc = BuiltinDocument.of(root.resolve("empty.py"), "empty.py", log, NOT_ASKED);
    assertTrue(doc.contains("- Size: 0 bytes\n- Lines: 0\n"), doc);
    assertTrue(doc.endsWith("\nNo outline: the file is empty.\n"), doc);

    String line = "int value_%07d = 1;\n";
    StringBuilder big = new StringBuilder();
    for (int i = 0; big.length() <= BuiltinDocument.MAX_OUTLINE_BYTES; i++) {
      big.append(String.format(line, i));
    }
    file("huge.c", big.toString());
    doc = BuiltinDocument.of(root.resolve("huge.c"), "huge.c", log, NOT_ASKED);
    assertTrue(
        doc.endsWith(
            "\nNo outline: the file is larger than 1024 KiB, the most that is outlined.\n"),
        doc);
    assertEquals(List.of(), logLines(), "nothing to say: ctags was never needed");
  }

  @Test
  void a_nul_byte_past_the_first_8000_bytes_is_still_text() throws Exception {
    byte[] late = new byte[FileFacts.BINARY_PROBE_BYTES + 1];
    Arrays.fill(late, (byte) 'a');
    late[FileFacts.BINARY_PROBE_BYTES] = 0;
    Path f = root.resolve("late.txt");
    Files.write(f, late);
    assertFalse(FileFacts.of(f).binary());
    late[FileFacts.BINARY_PROBE_BYTES - 1] = 0;
    Files.write(f, late);
    assertTrue(FileFacts.of(f).binary());
  }

  @Test
  void a_ctags_that_fails_on_a_file_leaves_the_facts_and_a_log_line_naming_the_file()
      throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("failing-bin"));
    Path ctags = dir.resolve("ctags");
    Files.writeString(
        ctags,
        "#!/bin/sh\n"
            + "if [ \"$1\" = --version ]; then\n"
            + "  echo 'Universal Ctags 9.9.9, Copyright (C) 2015 Universal Ctags Team'\n"
            + "  echo '  Optional compiled features: +json'\n"
            + "  exit 0\n"
            + "fi\n"
            + "echo 'ctags: out of luck' >&2\n"
            + "exit 3\n");
    Files.setPosixFilePermissions(ctags, PosixFilePermissions.fromString("rwxr-xr-x"));
    file("src/A.java", "class A {}\n");
    String doc =
        BuiltinDocument.of(
            root.resolve("src/A.java"), "src/A.java", log, () -> FindCtags.on(dir.toString()));
    assertTrue(
        doc.endsWith("\nNo outline: ctags exited with status 3: ctags: out of luck.\n"), doc);
    List<String> lines = logLines();
    assertEquals(2, lines.size(), lines.toString());
    assertTrue(lines.get(0).contains("outlines by Universal Ctags 9.9.9 (" + ctags + ")"));
    assertTrue(
        lines
            .get(1)
            .endsWith(
                "[builtin] no outline of src/A.java: ctags exited with status 3: ctags: out of"
                    + " luck"),
        lines.get(1));
  }

  @Test
  void an_interrupted_worker_thread_gets_no_document_rather_than_one_without_its_outline()
      throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("slow-bin"));
    Path ctags = dir.resolve("ctags");
    Files.writeString(
        ctags,
        "#!/bin/sh\n"
            + "if [ \"$1\" = --version ]; then\n"
            + "  echo 'Universal Ctags 9.9.9, Copyright (C) 2015 Universal Ctags Team +json'\n"
            + "  exit 0\n"
            + "fi\n"
            + "exec sleep 300\n");
    Files.setPosixFilePermissions(ctags, PosixFilePermissions.fromString("rwxr-xr-x"));
    Supplier<CtagsLookup> slow = () -> FindCtags.on(dir.toString());
    assertInstanceOf(CtagsLookup.Found.class, slow.get(), "looked up before the interrupt");
    file("src/A.java", "class A {}\n");
    Thread.currentThread().interrupt();
    try {
      InterruptedIOException e =
          assertThrows(
              InterruptedIOException.class,
              () -> BuiltinDocument.of(root.resolve("src/A.java"), "src/A.java", log, slow));
      assertEquals("stopped while ctags read src/A.java", e.getMessage());
      assertTrue(Thread.currentThread().isInterrupted());
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void a_file_that_is_gone_is_an_error_naming_no_outline() throws Exception {
    try {
      BuiltinDocument.of(root.resolve("gone.java"), "gone.java", log, NOT_ASKED);
      throw new AssertionError("a missing file must not get a document");
    } catch (NoSuchFileException expected) {
      assertTrue(expected.getMessage().endsWith("gone.java"), expected.getMessage());
    }
  }

  static FileFacts facts() {
    return new FileFacts(10, 1, "ab".repeat(32), "java", false);
  }

  @Test
  void a_long_outline_is_bounded_and_says_how_many_symbols_it_leaves_out() {
    List<Symbol> symbols = new ArrayList<>();
    for (int i = 1; i <= 5_000; i++) {
      symbols.add(
          new Symbol("method" + i, "method", i, 0, "", "", "(int a, int b, int c)", "Java"));
    }
    String doc =
        BuiltinDocument.render(
            "Big.java",
            facts(),
            new BuiltinDocument.OutlineSection(Outline.of(symbols), "", "", false));
    assertTrue(doc.length() <= BuiltinDocument.MAX_CHARS, doc.length() + " chars");
    int shown = (int) doc.lines().filter(l -> l.startsWith("- method `method")).count();
    assertTrue(shown > 500 && shown < 5_000, shown + " shown");
    assertTrue(doc.endsWith(String.format("- … %,d more symbols not shown\n", 5_000 - shown)), doc);
  }

  @Test
  void an_outline_ctags_cut_short_says_so() {
    List<Symbol> one = List.of(new Symbol("X", "macro", 1, 0, "", "", "", "C"));
    String doc =
        BuiltinDocument.render(
            "gen.h", facts(), new BuiltinDocument.OutlineSection(Outline.of(one), "", "", true));
    assertTrue(
        doc.endsWith(
            "- macro `X` — line 1\n"
                + "- … and more: ctags wrote more symbols than are read for an outline\n"),
        doc);
  }

  @Test
  void names_never_break_a_line_signatures_are_one_line_and_backticks_stay_code() {
    List<Symbol> odd =
        List.of(
            new Symbol("two\nlines", "function", 1, 0, "", "", "", "C"),
            new Symbol("a`b", "function", 2, 0, "", "", "", "C"),
            new Symbol("m", "method", 3, 0, "Other", "class", "()", "C"),
            new Symbol("await", "method", 4, 9, "", "", "( int a,\n      long b )", "Java"));
    String doc =
        BuiltinDocument.render(
            "odd\\x0a.c",
            facts(),
            new BuiltinDocument.OutlineSection(Outline.of(odd), "", "", false));
    assertTrue(
        doc.endsWith(
            "- function `two\\x0alines` — line 1\n"
                + "- function `` a`b `` — line 2\n"
                + "- method `m()` in class `Other` — line 3\n"
                + "- method `await(int a, long b)` — lines 4–9\n"),
        doc);
    assertTrue(doc.startsWith("# odd\\x0a.c\n"), doc);
  }
}
