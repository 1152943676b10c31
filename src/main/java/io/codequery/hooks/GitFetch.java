package io.codequery.hooks;

import io.codequery.CodeQueryException;
import io.codequery.child.CapturedOutput;
import io.codequery.child.ChildCommand;
import io.codequery.child.ChildRun;
import io.codequery.child.RunChild;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Fetching a checkout's remote, for the objects of a commit another host pushed and queued on a
 * shared store. Never prompts: no terminal, {@code GIT_TERMINAL_PROMPT=0}, {@code
 * SSH_ASKPASS_REQUIRE=never}; a remote that wants a password fails instead of waiting for one.
 */
public final class GitFetch {
  /** How long one fetch may take before it is killed. */
  public static final Duration DEADLINE = Duration.ofMinutes(2);

  /** Git's messages kept of a failed fetch (its tail is in the reason). */
  private static final int MESSAGE_CHARS = 500;

  private GitFetch() {}

  /** How a fetch went. */
  public sealed interface Fetched {
    /** The remote whose objects were asked for. */
    String remote();

    /** {@code git fetch} succeeded. */
    record Done(String remote, long durationMs) implements Fetched {}

    /** It failed, timed out, or was abandoned; {@code reason} says which, with git's words. */
    record Failed(String remote, String reason) implements Fetched {}
  }

  /**
   * The remote to fetch from in {@code repository}: the current branch's upstream remote, else
   * {@code origin}, else the only remote; empty when there is none to choose (no remote, or several
   * and none of them origin) or git cannot say.
   */
  public static Optional<String> remoteOf(Path repository) {
    try {
      Git.Result branch = Git.run(repository, "symbolic-ref", "-q", "--short", "HEAD");
      if (branch.status() == 0 && !branch.out().isBlank()) {
        Git.Result upstream =
            Git.run(repository, "config", "--get", "branch." + branch.out().strip() + ".remote");
        String name = upstream.out().strip();
        // "." is the repository itself (a branch tracking a local branch): nothing to fetch there.
        if (upstream.status() == 0 && usable(name)) {
          return Optional.of(name);
        }
      }
      Git.Result remotes = Git.run(repository, "remote");
      if (remotes.status() != 0) {
        return Optional.empty();
      }
      List<String> names =
          remotes.out().lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
      if (names.contains("origin")) {
        return Optional.of("origin");
      }
      return names.size() == 1 && usable(names.get(0))
          ? Optional.of(names.get(0))
          : Optional.empty();
    } catch (CodeQueryException e) {
      return Optional.empty();
    }
  }

  private static boolean usable(String remote) {
    return !remote.isEmpty() && !remote.equals(".") && !remote.startsWith("-");
  }

  /**
   * Runs {@code git fetch <remote>} in {@code repository} (its configured refspecs: what was pushed
   * to its branches arrives), within {@link #DEADLINE}, its output bounded; {@code abandon} is
   * polled meanwhile and kills it when true (the worker is stopping).
   */
  public static Fetched fetch(Path repository, String remote, BooleanSupplier abandon) {
    if (!usable(remote)) {
      return new Fetched.Failed(remote, "not a remote to fetch from");
    }
    ChildRun run =
        RunChild.run(
            ChildCommand.of(
                    List.of(
                        "git",
                        // A fetch made for one job must not start a repack of the user's clone.
                        "-c",
                        "gc.auto=0",
                        "-c",
                        "maintenance.auto=false",
                        "fetch",
                        "--quiet",
                        "--no-recurse-submodules",
                        remote),
                    repository)
                .withEnvironment("GIT_TERMINAL_PROMPT", "0")
                .withEnvironment("SSH_ASKPASS_REQUIRE", "never")
                .withDeadline(DEADLINE)
                .withStderrMerged()
                .withOutputLimits(16 * 1024, 1024 * 1024)
                .withAbandon(abandon));
    if (run instanceof ChildRun.NotStarted n) {
      return new Fetched.Failed(remote, "cannot run git: " + n.message());
    }
    ChildRun.Ended e = (ChildRun.Ended) run;
    String said = CapturedOutput.lastChars(e.stdout().text().strip(), MESSAGE_CHARS);
    return switch (e.end()) {
      case EXITED ->
          e.exitCode() == 0
              ? new Fetched.Done(remote, e.durationMs())
              : new Fetched.Failed(
                  remote, "git fetch " + remote + " exited with " + e.exitCode() + ": " + said);
      case TIMED_OUT ->
          new Fetched.Failed(
              remote, "git fetch " + remote + " took over " + DEADLINE.toSeconds() + " s; killed");
      case OUTPUT_CAPPED -> new Fetched.Failed(remote, "git fetch " + remote + " wrote too much");
      case ABANDONED -> new Fetched.Failed(remote, "git fetch " + remote + " stopped: stopping");
    };
  }
}
