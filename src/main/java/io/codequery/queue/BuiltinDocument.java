package io.codequery.queue;

import io.codequery.log.WorkerLog;
import io.codequery.outline.Ctags;
import io.codequery.outline.CtagsLookup;
import io.codequery.outline.CtagsRun;
import io.codequery.outline.FindCtags;
import io.codequery.outline.Outline;
import io.codequery.outline.Symbol;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The built-in processor's document of a file (the job's output when no {@code processing.command}
 * is configured): Markdown-like text with the file's path, language, size, lines and SHA-256, then
 * an outline of its symbols — classes, functions, methods, constants, headings, each with its line
 * numbers, nested where ctags gives a scope — from Universal Ctags.
 *
 * <p>The facts alone, with one line saying why, where there is no outline: empty, binary or larger
 * than {@value #MAX_OUTLINE_BYTES} bytes content, a language ctags does not know, or no usable
 * ctags (said once per process in {@code worker.log}, not once per file).
 *
 * <p>Thread-safe. The text is at most about {@value #MAX_CHARS} characters: a long outline ends
 * with how many symbols it leaves out.
 */
public final class BuiltinDocument {
  /**
   * The processor's identity, for the documentation store: a document made by another version of
   * the built-in processor ({@code builtin:facts-1} wrote the facts as JSON) says so by its
   * different identity. The next change to what the document says is {@code builtin:outline-2}.
   */
  public static final String PROCESSOR = "builtin:outline-1";

  /** Files larger than this get the facts only: 1 MiB, past any hand-written source file. */
  public static final long MAX_OUTLINE_BYTES = 1024 * 1024;

  /** The document's length bound: within what the queue keeps of a job's output (64 KiB). */
  static final int MAX_CHARS = 60_000;

  private static final int MAX_NAME_CHARS = 200;
  private static final int MAX_SIGNATURE_CHARS = 160;
  private static final int MAX_INDENT = 12;
  private static final String LOG_SOURCE = "builtin";
  private static final Pattern WHITESPACE = Pattern.compile("\\s+");
  private static final Map<String, String> CTAGS_LANGUAGES =
      Map.of("sh", "shell", "c++", "cpp", "c#", "csharp", "objectivec", "objective-c");

  /** The logs already told which ctags this process uses (or why none): one line each. */
  private static final Set<Path> TOLD = ConcurrentHashMap.newKeySet();

  private BuiltinDocument() {}

  /**
   * The document of {@code file}.
   *
   * @param file the content to document (read, never through a symbolic link in its last part); its
   *     file name decides the language, so a copy must keep the original's name
   * @param displayName the file's path in the repository, as people read it (the title)
   * @param log where the first document of this process says which ctags makes outlines (or why
   *     none does), and where a ctags failure on one file is recorded
   * @throws java.nio.file.NoSuchFileException where {@code file} does not exist (any more)
   * @throws InterruptedIOException where the calling thread was interrupted while ctags ran (the
   *     interrupt flag stays set): no document, rather than one without its outline
   * @throws IOException where it cannot be read
   */
  public static String of(Path file, String displayName, WorkerLog log) throws IOException {
    return of(file, displayName, log, FindCtags::onPath);
  }

  /** As {@link #of(Path, String, WorkerLog)}, with {@code ctags} saying which ctags to use. */
  static String of(Path file, String displayName, WorkerLog log, Supplier<CtagsLookup> ctags)
      throws IOException {
    FileFacts facts = FileFacts.of(file);
    return render(displayName, facts, outline(file, displayName, facts, log, ctags));
  }

  /**
   * What the document says about symbols: the entries, or why there are none.
   *
   * @param language ctags' name for the language where the file name did not tell, else ""
   * @param missing why there is no outline ("" where there is one)
   * @param cut ctags' output was cut: more symbols exist than the entries show
   */
  record OutlineSection(List<Outline.Entry> entries, String language, String missing, boolean cut) {
    static OutlineSection none(String why) {
      return new OutlineSection(List.of(), "", why, false);
    }
  }

  private static OutlineSection outline(
      Path file, String displayName, FileFacts facts, WorkerLog log, Supplier<CtagsLookup> lookup)
      throws InterruptedIOException {
    if (facts.sizeBytes() == 0) {
      return OutlineSection.none("the file is empty");
    }
    if (facts.binary()) {
      return OutlineSection.none("the content is binary");
    }
    if (facts.sizeBytes() > MAX_OUTLINE_BYTES) {
      return OutlineSection.none(
          "the file is larger than "
              + MAX_OUTLINE_BYTES / 1024
              + " KiB, the most that is outlined");
    }
    CtagsLookup found = lookup.get();
    tellOnce(log, found);
    if (found instanceof CtagsLookup.Missing) {
      return OutlineSection.none("Universal Ctags was not available (worker.log says why)");
    }
    Ctags ctags = ((CtagsLookup.Found) found).ctags();
    CtagsRun run = ctags.symbolsOf(file);
    if (run instanceof CtagsRun.Stopped) {
      // A document without its outline would be kept as this content's document for good.
      throw new InterruptedIOException("stopped while ctags read " + displayName);
    }
    if (run instanceof CtagsRun.Failed f) {
      log.tryAppend(LOG_SOURCE, "no outline of " + displayName + ": " + f.reason());
      return OutlineSection.none(f.reason());
    }
    CtagsRun.Tags tags = (CtagsRun.Tags) run;
    if (tags.skippedLines() > 0) {
      log.tryAppend(
          LOG_SOURCE,
          "ctags wrote "
              + tags.skippedLines()
              + " unreadable line(s) for "
              + displayName
              + "; the outline goes without them");
    }
    if (tags.symbols().isEmpty()) {
      return OutlineSection.none("ctags found no symbols (or does not know the language)");
    }
    String language =
        tags.symbols().stream()
            .map(Symbol::language)
            .filter(l -> !l.isEmpty())
            .findFirst()
            .map(BuiltinDocument::ourLanguageName)
            .orElse("");
    return new OutlineSection(Outline.of(tags.symbols()), language, "", tags.cut());
  }

  private static void tellOnce(WorkerLog log, CtagsLookup found) {
    if (!TOLD.add(log.file().toAbsolutePath())) {
      return;
    }
    if (found instanceof CtagsLookup.Found f) {
      log.tryAppend(LOG_SOURCE, "outlines by " + f.ctags());
    } else if (found instanceof CtagsLookup.Missing m) {
      log.tryAppend(
          LOG_SOURCE,
          "documents without outlines (the facts alone): "
              + m.reason()
              + " — install Universal Ctags (Debian, Ubuntu: apt-get install universal-ctags)"
              + " and restart the worker");
    }
  }

  /** The document's text. A pure function. */
  static String render(String displayName, FileFacts facts, OutlineSection outline) {
    StringBuilder out = new StringBuilder(1024);
    String language =
        facts.language().equals("unknown") && !outline.language().isEmpty()
            ? outline.language()
            : facts.language();
    out.append("# ").append(printable(displayName)).append("\n\n");
    out.append("- Language: ").append(language).append('\n');
    out.append("- Size: ").append(String.format(Locale.ROOT, "%,d", facts.sizeBytes()));
    out.append(facts.sizeBytes() == 1 ? " byte\n" : " bytes\n");
    if (facts.binary()) {
      out.append("- Content: binary\n");
    } else {
      out.append("- Lines: ").append(String.format(Locale.ROOT, "%,d", facts.lines())).append('\n');
    }
    out.append("- SHA-256: ").append(facts.sha256()).append('\n');
    if (!outline.missing().isEmpty()) {
      return out.append("\nNo outline: ").append(outline.missing()).append(".\n").toString();
    }
    out.append("\n## Outline\n\n");
    List<Outline.Entry> entries = outline.entries();
    int shown = 0;
    for (Outline.Entry e : entries) {
      String line = entryLine(e);
      // Room is kept for the closing line that says what was left out.
      if (out.length() + line.length() > MAX_CHARS - 200) {
        break;
      }
      out.append(line);
      shown++;
    }
    if (shown < entries.size()) {
      out.append(
          String.format(Locale.ROOT, "- … %,d more symbols not shown\n", entries.size() - shown));
    }
    if (outline.cut()) {
      out.append("- … and more: ctags wrote more symbols than are read for an outline\n");
    }
    return out.toString();
  }

  private static String entryLine(Outline.Entry e) {
    Symbol s = e.symbol();
    StringBuilder line = new StringBuilder(80);
    line.append("  ".repeat(Math.min(e.depth(), MAX_INDENT))).append("- ");
    if (!s.kind().isEmpty()) {
      line.append(printable(s.kind())).append(' ');
    }
    line.append(
        code(
            shorten(s.name(), MAX_NAME_CHARS)
                + shorten(compact(s.signature()), MAX_SIGNATURE_CHARS)));
    if (!e.parentFound()) {
      line.append(" in ");
      if (!s.scopeKind().isEmpty()) {
        line.append(printable(s.scopeKind())).append(' ');
      }
      line.append(code(shorten(s.scope(), MAX_NAME_CHARS)));
    }
    line.append(" — ");
    if (s.endLine() > s.line()) {
      line.append("lines ").append(s.line()).append('–').append(s.endLine());
    } else {
      line.append("line ").append(s.line());
    }
    return line.append('\n').toString();
  }

  /** ctags' language name in the words {@link FileFacts#language} uses. */
  static String ourLanguageName(String ctagsName) {
    String lower = ctagsName.toLowerCase(Locale.ROOT);
    return CTAGS_LANGUAGES.getOrDefault(lower, printable(lower));
  }

  /** Inline code: in backticks, or in double ones with spaces where the text holds a backtick. */
  private static String code(String text) {
    String p = printable(text);
    return p.indexOf('`') < 0 ? "`" + p + "`" : "`` " + p + " ``";
  }

  /** A signature written over several lines, as one: {@code (int a, int b)}. */
  private static String compact(String signature) {
    return WHITESPACE.matcher(signature).replaceAll(" ").replace("( ", "(").replace(" )", ")");
  }

  private static String shorten(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max) + "…";
  }

  /** Control characters as {@code \xNN}: a symbol's name never breaks a line of the document. */
  private static String printable(String text) {
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean control = Character.isISOControl(c) || c == '\u2028' || c == '\u2029';
      if (control && out == null) {
        out = new StringBuilder(text.length() + 8).append(text, 0, i);
      }
      if (out != null) {
        if (control) {
          out.append(String.format(Locale.ROOT, c < 0x100 ? "\\x%02x" : "\\u%04x", (int) c));
        } else {
          out.append(c);
        }
      }
    }
    return out == null ? text : out.toString();
  }
}
