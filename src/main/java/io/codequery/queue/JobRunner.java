package io.codequery.queue;

import io.codequery.config.Config;
import io.codequery.project.ProjectLayout;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs one job: the configured documentation command for the job's file, or, with no command
 * configured, the built-in processor ({@link FileFacts}).
 *
 * <p>The command is argv, never a shell: placeholders ({@code {file}}, {@code {commit}}, {@code
 * {project_root}}, {@code {model}}) are substituted inside each element, the working directory is
 * the project root, stdin is {@code /dev/null}, and stdout and stderr are captured together,
 * bounded. On timeout (or when the caller abandons the run) the whole process tree is killed.
 * Timeouts are measured with {@link System#nanoTime()}: they are intervals, immune to wall clock
 * steps, and no test needs to fake them.
 *
 * <p>Before anything runs, the file is resolved through symbolic links and refused if it leaves the
 * project root. (The command receives the relative path; a file swapped for a link after this check
 * is the command's to guard against.) Thread-safe: each call is independent.
 */
public final class JobRunner {
  /** Between SIGTERM and SIGKILL when a command is killed. */
  public static final Duration KILL_GRACE = Duration.ofSeconds(2);

  private static final long POLL_MS = 100;
  private static final long READER_JOIN_MS = 5_000;
  private static final int REASON_TAIL_CHARS = 2_000;
  private static final Pattern ERRNO = Pattern.compile("error=(\\d+)");

  private final Path root;
  private final List<String> command;
  private final String model;
  private final Duration timeout;
  private final int outputLimit;

  /**
   * @param realRoot the project root in its real form (as {@link ProjectLayout#root()} holds it)
   * @param command argv with placeholders, or null for the built-in processor
   */
  public JobRunner(
      Path realRoot, List<String> command, String model, Duration timeout, int outputLimit) {
    if (command != null && (command.isEmpty() || command.get(0).isBlank())) {
      throw new IllegalArgumentException("command must be null or start with a program name");
    }
    this.root = realRoot;
    this.command = command == null ? null : List.copyOf(command);
    this.model = model == null ? "" : model;
    this.timeout = timeout;
    this.outputLimit = outputLimit;
  }

  /** A runner for the project's configured command, model and job timeout. */
  public static JobRunner of(ProjectLayout layout, Config config) {
    return new JobRunner(
        layout.root(),
        config.command(),
        config.model(),
        Duration.ofSeconds(config.jobTimeoutSeconds()),
        BoundedOutput.DEFAULT_LIMIT);
  }

  public JobOutcome run(Job job) {
    return run(job, () -> false);
  }

  /**
   * Runs {@code job}. {@code abandonNow} is polled while the command runs (every ~100 ms); once it
   * answers true the command's tree is killed and the outcome is {@link JobOutcome.Abandoned}.
   */
  public JobOutcome run(Job job, BooleanSupplier abandonNow) {
    long start = System.nanoTime();
    JobPaths.Resolved resolved = JobPaths.resolve(root, job);
    if (resolved instanceof JobPaths.Resolved.Missing m) {
      return new JobOutcome.Failed(m.reason() + " — not retried", false, result(null, start, ""));
    }
    if (resolved instanceof JobPaths.Resolved.Refused r) {
      return new JobOutcome.Failed(r.reason(), false, result(null, start, ""));
    }
    try (JobPaths.Resolved.Inside input = (JobPaths.Resolved.Inside) resolved) {
      if (abandonNow.getAsBoolean()) {
        return new JobOutcome.Abandoned("stopped before it started", result(null, start, ""));
      }
      return command == null
          ? builtIn(job, input.realPath(), start)
          : runCommand(job, input.argument(), abandonNow, start);
    }
  }

  private JobOutcome builtIn(Job job, Path real, long start) {
    try {
      FileFacts facts = FileFacts.of(real);
      return new JobOutcome.Succeeded(
          result(null, start, facts.toJson(job.file().display(), job.commit())));
    } catch (NoSuchFileException e) {
      return new JobOutcome.Failed(
          "file " + job.file().display() + " disappeared while it was read — not retried",
          false,
          result(null, start, ""));
    } catch (IOException e) {
      return new JobOutcome.Failed(
          "cannot read " + job.file().display() + ": " + e, true, result(null, start, ""));
    }
  }

  private JobOutcome runCommand(
      Job job, String fileArgument, BooleanSupplier abandonNow, long start) {
    List<String> argv =
        Placeholders.substitute(
            command,
            Map.of(
                "file",
                fileArgument,
                "commit",
                job.commit(),
                "project_root",
                root.toString(),
                "model",
                model));
    ProcessBuilder pb =
        new ProcessBuilder(argv)
            .directory(root.toFile())
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      return startFailed(argv.get(0), e, start);
    }
    BoundedOutput out = new BoundedOutput(outputLimit);
    Thread reader = drain(p, out);
    long deadline = start + timeout.toNanos();
    try {
      while (!p.waitFor(POLL_MS, TimeUnit.MILLISECONDS)) {
        if (abandonNow.getAsBoolean()) {
          KillProcessTree.kill(p, KILL_GRACE);
          return new JobOutcome.Abandoned(
              "stopped while running; command killed", finish(p, reader, out, start));
        }
        if (System.nanoTime() - deadline >= 0) {
          KillProcessTree.kill(p, KILL_GRACE);
          JobResult r = finish(p, reader, out, start);
          return new JobOutcome.Failed(
              "timed out after " + timeout.toSeconds() + " s; command killed" + tailOf(r.output()),
              true,
              r);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      KillProcessTree.kill(p, KILL_GRACE);
      return new JobOutcome.Abandoned("interrupted; command killed", finish(p, reader, out, start));
    }
    JobResult r = finish(p, reader, out, start);
    if (r.exitCode() == 0) {
      return new JobOutcome.Succeeded(r);
    }
    return new JobOutcome.Failed("exit code " + r.exitCode() + tailOf(r.output()), true, r);
  }

  private static JobOutcome startFailed(String program, IOException e, long start) {
    Matcher m = ERRNO.matcher(String.valueOf(e.getMessage()));
    int errno = m.find() ? Integer.parseInt(m.group(1)) : -1;
    String where = " (processing.command[0] in config.json)";
    String reason =
        switch (errno) {
          case 2 -> "program not found: " + program + where;
          case 13 -> "program not executable (permission denied): " + program + where;
          default -> "cannot start " + program + ": " + e.getMessage();
        };
    // Out of processes, memory or descriptors can heal; a wrong program name cannot.
    boolean retryable = errno == 11 || errno == 12 || errno == 23 || errno == 24;
    return new JobOutcome.Failed(
        reason + (retryable ? "" : " — not retried"), retryable, result(null, start, ""));
  }

  private static Thread drain(Process p, BoundedOutput out) {
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[8192];
              try (InputStream in = p.getInputStream()) {
                int n;
                while ((n = in.read(buf)) > 0) {
                  out.write(buf, 0, n);
                }
              } catch (IOException e) {
                // The pipe closed under us (process killed): what we have is the output.
              }
            },
            "job-output-" + p.pid());
    t.setDaemon(true);
    t.start();
    return t;
  }

  /**
   * Waits for the output to end. A grandchild that escaped the kill (or was started in the
   * background) can hold the pipe open; after a bounded wait we keep what we have.
   */
  private static JobResult finish(Process p, Thread reader, BoundedOutput out, long start) {
    try {
      reader.join(READER_JOIN_MS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Integer exit = p.isAlive() ? null : p.exitValue();
    return result(exit, start, out.toString());
  }

  private static String tailOf(String output) {
    String trimmed = output.strip();
    return trimmed.isEmpty()
        ? ""
        : "; output ends: " + BoundedOutput.tail(trimmed, REASON_TAIL_CHARS);
  }

  private static JobResult result(Integer exit, long start, String output) {
    return new JobResult(exit, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), output);
  }

  /**
   * The file as a command argument: a name starting with '-' gets a leading "./" (the same file) so
   * that no command can read it as an option, whether or not it understands "--".
   */
  static String asArgument(String file) {
    return file.startsWith("-") ? "./" + file : file;
  }
}
