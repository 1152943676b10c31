package io.codequery.outline;

import io.codequery.child.CapturedOutput;
import io.codequery.child.ChildCommand;
import io.codequery.child.ChildRun;
import io.codequery.child.RunChild;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A Universal Ctags program (found by {@link FindCtags}) run on one file at a time through {@link
 * RunChild}: argv only, a deadline, bounded output, killed with the thread that runs it.
 *
 * <p>ctags reads no option files and no environment ({@code --options=NONE} first): a project's
 * {@code .ctags.d/} is the project's to write, and must not change what the worker runs or reads.
 * Thread-safe: each run is independent.
 */
public final class Ctags {
  /** How long ctags may take on one file; it takes milliseconds on a source file. */
  public static final Duration DEADLINE = Duration.ofSeconds(10);

  /** Output read as tags: about 20,000 of them. Past this only the first half is used. */
  static final int KEEP_BYTES = 4 * 1024 * 1024;

  /** ctags is killed past this much output (a generated file of endless symbols). */
  static final long HARD_CAP_BYTES = 16L * 1024 * 1024;

  private static final int REASON_CHARS = 300;

  private final Path program;
  private final String version;
  private final Duration deadline;

  /**
   * @param program an absolute path to Universal Ctags
   * @param version what it says it is, e.g. {@code Universal Ctags 5.9.0}
   */
  public Ctags(Path program, String version) {
    this(program, version, DEADLINE);
  }

  Ctags(Path program, String version, Duration deadline) {
    if (!program.isAbsolute()) {
      throw new IllegalArgumentException("ctags must be named by an absolute path: " + program);
    }
    this.program = program;
    this.version = version;
    this.deadline = deadline;
  }

  public Path program() {
    return program;
  }

  public String version() {
    return version;
  }

  /** The argv that outlines {@code file} (absolute), as JSON lines on stdout. */
  List<String> argv(Path file) {
    return List.of(
        program.toString(),
        "--options=NONE",
        "--output-format=json",
        "--sort=no",
        // name, line, kind's long name, scope, signature, scope kind, end line, language
        "--fields=NnKsSZel",
        // extension-less scripts by their #! line
        "--guess-language-eagerly",
        "-o",
        "-",
        file.toString());
  }

  /** Runs ctags on {@code file}; never throws for what ctags does. */
  public CtagsRun symbolsOf(Path file) {
    Path absolute = file.toAbsolutePath();
    Path dir = absolute.getParent();
    ChildRun run =
        RunChild.run(
            ChildCommand.of(argv(absolute), dir == null ? absolute : dir)
                .withDeadline(deadline)
                .withOutputLimits(KEEP_BYTES, HARD_CAP_BYTES)
                .withDieWithParent());
    if (run instanceof ChildRun.NotStarted n) {
      // An interrupt that came first fails the start (its files' channels close on it).
      return Thread.currentThread().isInterrupted()
          ? new CtagsRun.Stopped()
          : new CtagsRun.Failed(n.message());
    }
    ChildRun.Ended e = (ChildRun.Ended) run;
    switch (e.end()) {
      case TIMED_OUT:
        return new CtagsRun.Failed("ctags timed out after " + deadline.toSeconds() + " s");
      case ABANDONED:
        return new CtagsRun.Stopped();
      case OUTPUT_CAPPED:
        return tags(e.stdout(), true);
      default:
        break;
    }
    if (!e.succeeded()) {
      String err = e.stderr().text().strip();
      return new CtagsRun.Failed(
          "ctags exited with status "
              + e.exitCode()
              + (err.isEmpty() ? "" : ": " + CapturedOutput.lastChars(err, REASON_CHARS)));
    }
    return tags(e.stdout(), !e.stdout().complete());
  }

  /** The tags in {@code out}: all of it, or where it was cut, its head up to the last full line. */
  private static CtagsRun tags(CapturedOutput out, boolean cut) {
    String text;
    if (cut) {
      String head = new String(out.head(), StandardCharsets.UTF_8);
      int lastNewline = head.lastIndexOf('\n');
      text = lastNewline < 0 ? "" : head.substring(0, lastNewline);
    } else {
      text = new String(out.bytes(), StandardCharsets.UTF_8);
    }
    CtagsJson.Parsed parsed = CtagsJson.parse(text);
    return new CtagsRun.Tags(parsed.symbols(), cut, parsed.skippedLines());
  }

  @Override
  public String toString() {
    return version + " (" + program + ")";
  }
}
