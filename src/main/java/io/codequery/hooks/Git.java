package io.codequery.hooks;

import io.codequery.CodeQueryException;
import io.codequery.child.ChildCommand;
import io.codequery.child.ChildRun;
import io.codequery.child.RunChild;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/** Runs {@code git} in a directory and returns its output; failures become clear exceptions. */
final class Git {
  static final Duration DEADLINE = Duration.ofSeconds(60);

  /** Git's stdout is kept whole (a file list); a git writing more than this is stopped. */
  private static final long MAX_STDOUT_BYTES = 256L * 1024 * 1024;

  private Git() {}

  /** What git did: its exit status, its output as bytes (names in it need not be UTF-8), stderr. */
  record Result(int status, byte[] stdout, String err) {
    /** The output as UTF-8 text (for ids and other ASCII answers). */
    String out() {
      return new String(stdout, StandardCharsets.UTF_8);
    }
  }

  static Result run(Path dir, String... args) {
    return run(
        dir,
        DEADLINE,
        c ->
            c.withOutputLimits(
                (int) Math.min(Integer.MAX_VALUE - 8, MAX_STDOUT_BYTES), MAX_STDOUT_BYTES),
        args);
  }

  /**
   * Runs git with its standard output written to {@code out} (which must exist: the caller creates
   * it with the mode it wants); returns the status and stderr ({@code stdout} empty).
   */
  static Result runToFile(Path dir, Path out, Duration timeout, String... args) {
    return run(
        dir, timeout, c -> c.withStdoutTo(out).withOutputLimits(64 * 1024, MAX_STDOUT_BYTES), args);
  }

  private static Result run(
      Path dir, Duration deadline, UnaryOperator<ChildCommand> how, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add("git");
    cmd.addAll(List.of(args));
    String what = "git " + String.join(" ", args);
    ChildRun run = RunChild.run(how.apply(ChildCommand.of(cmd, dir).withDeadline(deadline)));
    if (run instanceof ChildRun.NotStarted n) {
      throw new CodeQueryException(
          "cannot run git in " + dir + ": " + n.message() + ". Is git installed and on PATH?");
    }
    ChildRun.Ended e = (ChildRun.Ended) run;
    switch (e.end()) {
      case TIMED_OUT:
        throw new CodeQueryException(
            what + " did not finish within " + deadline.toSeconds() + " s in " + dir + "; killed");
      case OUTPUT_CAPPED:
        throw new CodeQueryException(
            what + " wrote more than " + MAX_STDOUT_BYTES + " bytes in " + dir + "; killed");
      case ABANDONED:
        Thread.currentThread().interrupt();
        throw new CodeQueryException("interrupted while running " + what);
      default:
        break;
    }
    return new Result(e.exitCode(), e.stdout().bytes(), e.stderr().text());
  }

  /** The one-line output of a git query that must succeed. */
  static String query(Path dir, String... args) {
    Result r = run(dir, args);
    if (r.status() != 0) {
      throw new CodeQueryException(
          dir + ": git " + String.join(" ", args) + " failed: " + r.err().strip());
    }
    return r.out().strip();
  }
}
