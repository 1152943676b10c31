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

/** Runs {@code git} in a directory and returns its output; failures become clear exceptions. */
final class Git {
  static final Duration DEADLINE = Duration.ofSeconds(60);

  /** Git's stdout is kept whole (a file list); a git writing more than this is stopped. */
  private static final long MAX_STDOUT_BYTES = 256L * 1024 * 1024;

  private Git() {}

  record Result(int status, String out, String err) {}

  static Result run(Path dir, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add("git");
    cmd.addAll(List.of(args));
    String what = "git " + String.join(" ", args);
    ChildRun run =
        RunChild.run(
            ChildCommand.of(cmd, dir)
                .withDeadline(DEADLINE)
                .withOutputLimits(
                    (int) Math.min(Integer.MAX_VALUE - 8, MAX_STDOUT_BYTES), MAX_STDOUT_BYTES));
    if (run instanceof ChildRun.NotStarted n) {
      throw new CodeQueryException(
          "cannot run git in " + dir + ": " + n.message() + ". Is git installed and on PATH?");
    }
    ChildRun.Ended e = (ChildRun.Ended) run;
    String err = e.stderr().text();
    switch (e.end()) {
      case TIMED_OUT:
        throw new CodeQueryException(
            what + " did not finish within " + DEADLINE.toSeconds() + " s in " + dir + "; killed");
      case OUTPUT_CAPPED:
        throw new CodeQueryException(
            what + " wrote more than " + MAX_STDOUT_BYTES + " bytes in " + dir + "; killed");
      case ABANDONED:
        Thread.currentThread().interrupt();
        throw new CodeQueryException("interrupted while running " + what);
      default:
        break;
    }
    return new Result(e.exitCode(), new String(e.stdout().bytes(), StandardCharsets.UTF_8), err);
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
