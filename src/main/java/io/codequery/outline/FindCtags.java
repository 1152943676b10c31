package io.codequery.outline;

import io.codequery.child.ChildCommand;
import io.codequery.child.ChildRun;
import io.codequery.child.RunChild;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds Universal Ctags on a PATH and asks it what it is ({@code ctags --version}): the program
 * must say it is Universal Ctags (Exuberant Ctags has no JSON output) built with JSON output.
 *
 * <p>Only absolute PATH entries are searched: an empty or relative entry means the working
 * directory, which for the worker is the project, and the built-in processor must never run a
 * program a commit put there.
 */
public final class FindCtags {
  /** The PATH {@code execvp} uses where none is set. */
  static final String DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin";

  private static final Duration PROBE_DEADLINE = Duration.ofSeconds(10);
  private static final int FIRST_LINE_CHARS = 120;

  /** Lookups that will not change while this process runs, by PATH value. */
  private static final Map<String, CtagsLookup> LASTING = new ConcurrentHashMap<>();

  private FindCtags() {}

  /**
   * The lookup for this process's PATH, made once: a ctags installed later is seen by the next
   * process (a restarted worker), not this one. A lookup that may heal (out of processes) is made
   * again next time.
   */
  public static CtagsLookup onPath() {
    return on(System.getenv("PATH"));
  }

  /** As {@link #onPath()} for {@code pathVariable} (null: the default PATH). */
  public static CtagsLookup on(String pathVariable) {
    String path = pathVariable == null ? DEFAULT_PATH : pathVariable;
    CtagsLookup known = LASTING.get(path);
    if (known != null) {
      return known;
    }
    CtagsLookup found = probe(path);
    if (!(found instanceof CtagsLookup.Missing m) || m.lasting()) {
      LASTING.putIfAbsent(path, found);
    }
    return found;
  }

  /** Looks now, remembering nothing. */
  static CtagsLookup probe(String pathVariable) {
    Optional<Path> program = onPathVariable(pathVariable);
    if (program.isEmpty()) {
      return new CtagsLookup.Missing("ctags is not on the PATH", true);
    }
    Path ctags = program.get();
    ChildRun run =
        RunChild.run(
            ChildCommand.of(List.of(ctags.toString(), "--version"), Path.of("/"))
                .withDeadline(PROBE_DEADLINE)
                .withStderrMerged()
                .withDieWithParent());
    if (run instanceof ChildRun.NotStarted n) {
      // Out of processes (11), memory (12) or descriptors (23, 24) can heal; the rest cannot.
      boolean lasting = n.errno() != 11 && n.errno() != 12 && n.errno() != 23 && n.errno() != 24;
      return new CtagsLookup.Missing(n.message(), lasting);
    }
    ChildRun.Ended e = (ChildRun.Ended) run;
    if (e.end() != ChildRun.End.EXITED) {
      return new CtagsLookup.Missing(
          ctags + " --version did not finish within " + PROBE_DEADLINE.toSeconds() + " s", false);
    }
    String output = e.stdout().text();
    if (!e.succeeded()) {
      return new CtagsLookup.Missing(
          ctags + " --version exited with status " + e.exitCode() + firstLineOf(output), true);
    }
    return judgeVersion(output, ctags)
        .<CtagsLookup>map(why -> new CtagsLookup.Missing(why, true))
        .orElseGet(() -> new CtagsLookup.Found(new Ctags(ctags, versionName(output))));
  }

  /**
   * Why the program that printed {@code versionOutput} cannot make outlines, or empty where it can.
   * A pure function.
   */
  static Optional<String> judgeVersion(String versionOutput, Path program) {
    if (!versionOutput.startsWith("Universal Ctags")) {
      return Optional.of(program + " is not Universal Ctags" + firstLineOf(versionOutput));
    }
    if (!versionOutput.contains("+json")) {
      return Optional.of(
          program + " is Universal Ctags built without JSON output (no +json in --version)");
    }
    return Optional.empty();
  }

  /** {@code Universal Ctags 5.9.0} from the first line of {@code --version}. */
  static String versionName(String versionOutput) {
    String first = versionOutput.lines().findFirst().orElse("").strip();
    int copyright = first.indexOf(", Copyright");
    return copyright > 0 ? first.substring(0, copyright) : first;
  }

  /** The first program named ctags on {@code pathVariable}'s absolute entries. */
  static Optional<Path> onPathVariable(String pathVariable) {
    for (String entry : pathVariable.split(":", -1)) {
      try {
        Path dir = Path.of(entry);
        if (!dir.isAbsolute()) {
          continue;
        }
        Path candidate = dir.resolve("ctags");
        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
          return Optional.of(candidate);
        }
      } catch (InvalidPathException e) {
        // Not a directory name this system can have: nothing to find there.
      }
    }
    return Optional.empty();
  }

  private static String firstLineOf(String output) {
    String first = output.lines().findFirst().orElse("").strip();
    if (first.isEmpty()) {
      return "";
    }
    if (first.length() > FIRST_LINE_CHARS) {
      first = first.substring(0, FIRST_LINE_CHARS) + "…";
    }
    return " (it says: " + first + ")";
  }
}
