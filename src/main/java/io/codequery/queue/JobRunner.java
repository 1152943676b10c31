package io.codequery.queue;

import io.codequery.child.CapturedOutput;
import io.codequery.child.ChildCommand;
import io.codequery.child.ChildRun;
import io.codequery.child.ChildStdin;
import io.codequery.child.RunChild;
import io.codequery.config.Config;
import io.codequery.log.WorkerLog;
import io.codequery.project.ProjectLayout;
import io.codequery.store.Job;
import io.codequery.store.JobResult;
import io.codequery.store.NewDocument;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Runs one job: the configured documentation command for the job's file, or, with no command
 * configured, the built-in processor ({@link BuiltinDocument}). What it writes on stdout is the
 * file's document.
 *
 * <p>The command is argv, never a shell: placeholders ({@code {file}}: a path to the committed
 * content, {@code {path}}: the file's path in the project, {@code {commit}}, {@code {blob}}, {@code
 * {project_root}}, {@code {model}}) are substituted inside each element, the working directory is
 * the project root, stdin is {@code /dev/null} or, with {@code processing.stdin: "content"}, the
 * committed content, and stdout (the document, up to {@value #DOCUMENT_LIMIT_BYTES} bytes kept,
 * head and tail, the cut marked in place) and stderr are captured apart, bounded ({@link RunChild}:
 * no pipe, no thread per job). Bytes that are not UTF-8 become U+FFFD. The command runs in a
 * session of its own, marked {@value #JOB_MARKER}{@code =<id>:<version>:<owner>}, with a
 * parent-death signal: on timeout (or when the caller abandons the run) its whole process tree is
 * killed, and after it exits whatever it left running in its session is ended. Timeouts are
 * measured with {@link System#nanoTime()}: they are intervals, immune to wall clock steps.
 *
 * <p>A job whose blob is not in this clone (its commit was made on another host sharing the store)
 * first has the checkout's remote fetched ({@link FetchMissing}); if that does not bring it, the
 * outcome is {@link JobOutcome.NotHere}: the job is handed back for a host that has the commit.
 *
 * <p>Before anything runs, the file is resolved through symbolic links and refused if it leaves the
 * project root. (The command receives the relative path; a file swapped for a link after this check
 * is the command's to guard against.) Thread-safe: each call is independent.
 */
public final class JobRunner {
  /** Between SIGTERM and SIGKILL when a command is killed. */
  public static final Duration KILL_GRACE = RunChild.KILL_GRACE;

  /** Output kept per job: 64 KiB, head and tail. */
  public static final int DEFAULT_OUTPUT_LIMIT = ChildCommand.DEFAULT_KEEP_BYTES;

  /** Bytes of a document kept: 512 KiB, head and tail. */
  public static final int DOCUMENT_LIMIT_BYTES = 512 * 1024;

  /** The environment variable that marks every process of a job's run. */
  public static final String JOB_MARKER = "CODE_QUERY_JOB";

  /** A command writing more output than this is killed (it would only fill the disk). */
  static final long HARD_CAP_BYTES = 64L * 1024 * 1024;

  private static final int REASON_TAIL_CHARS = 2_000;

  private final Path root;
  private final List<String> command;
  private final String model;
  private final boolean contentOnStdin;
  private final String processor;
  private final Duration timeout;
  private final int outputLimit;
  private final Path scratchDir;
  private final FetchMissing fetcher;

  /**
   * @param realRoot the project root in its real form (as {@link ProjectLayout#root()} holds it)
   * @param command argv with placeholders, or null for the built-in processor
   */
  public JobRunner(
      Path realRoot, List<String> command, String model, Duration timeout, int outputLimit) {
    this(
        realRoot,
        command,
        model,
        timeout,
        outputLimit,
        Path.of(System.getProperty("java.io.tmpdir")));
  }

  /**
   * @param scratchDir where a command's output is kept (private, unlinked files) while it runs
   */
  public JobRunner(
      Path realRoot,
      List<String> command,
      String model,
      Duration timeout,
      int outputLimit,
      Path scratchDir) {
    this(realRoot, command, model, false, timeout, outputLimit, scratchDir);
  }

  /**
   * @param contentOnStdin the command reads the committed content on its standard input
   */
  public JobRunner(
      Path realRoot,
      List<String> command,
      String model,
      boolean contentOnStdin,
      Duration timeout,
      int outputLimit,
      Path scratchDir) {
    if (command != null && (command.isEmpty() || command.get(0).isBlank())) {
      throw new IllegalArgumentException("command must be null or start with a program name");
    }
    this.root = realRoot;
    this.command = command == null ? null : List.copyOf(command);
    this.model = model == null ? "" : model;
    this.contentOnStdin = contentOnStdin;
    this.processor = ProcessorId.of(command, this.model, contentOnStdin ? "content" : "none");
    this.timeout = timeout;
    this.outputLimit = outputLimit;
    this.scratchDir = scratchDir;
    this.fetcher =
        new FetchMissing(
            realRoot,
            FetchMissing.RETRY_AFTER,
            new WorkerLog(ProjectLayout.of(realRoot).logFile()));
  }

  /** A runner for the project's configured command, model and job timeout. */
  public static JobRunner of(ProjectLayout layout, Config config) {
    return new JobRunner(
        layout.root(),
        config.command(),
        config.model(),
        config.contentOnStdin(),
        Duration.ofSeconds(config.jobTimeoutSeconds()),
        DEFAULT_OUTPUT_LIMIT,
        layout.dir());
  }

  /** Who writes the documents: see {@link ProcessorId}. */
  public String processor() {
    return processor;
  }

  public JobOutcome run(Job job) {
    return run(job, () -> false, started -> {});
  }

  /**
   * Runs {@code job}. {@code abandonNow} is polled while the command runs (every ~100 ms); once it
   * answers true the command's tree is killed and the outcome is {@link JobOutcome.Abandoned}.
   * {@code onStart} learns the command's PID and start ticks as soon as it runs (not called for the
   * built-in processor).
   */
  public JobOutcome run(
      Job job, BooleanSupplier abandonNow, Consumer<ChildCommand.Started> onStart) {
    long start = System.nanoTime();
    JobPaths.Resolved resolved = JobPaths.resolve(root, job);
    if (resolved instanceof JobPaths.Resolved.NotInClone absent) {
      FetchMissing.Look look = fetcher.fetchFor(job.commit(), absent.objectId(), abandonNow);
      if (look instanceof FetchMissing.Look.Stopped) {
        return new JobOutcome.Abandoned(
            "stopped while fetching commit " + job.commit(), result(null, start, ""));
      }
      if (look instanceof FetchMissing.Look.NotHere n) {
        return new JobOutcome.NotHere(
            absent.reason() + "; " + n.reason(), FetchMissing.RETRY_AFTER, result(null, start, ""));
      }
      resolved = JobPaths.resolve(root, job);
      if (resolved instanceof JobPaths.Resolved.NotInClone still) {
        // Fetched, seen, then gone (a concurrent gc cannot remove a reachable object; a clone
        // rewound under the worker can): as not here.
        return new JobOutcome.NotHere(
            still.reason(), FetchMissing.RETRY_AFTER, result(null, start, ""));
      }
    }
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
          : runCommand(job, input, abandonNow, onStart, start);
    }
  }

  private JobOutcome builtIn(Job job, Path real, long start) {
    try {
      String text = builtInDocument(job, real);
      NewDocument doc =
          new NewDocument(text, text.getBytes(StandardCharsets.UTF_8).length, false, processor);
      return new JobOutcome.Succeeded(result(null, start, "", doc));
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

  /** The built-in processor's document of {@code real}, the committed content of the job's file. */
  private String builtInDocument(Job job, Path real) throws IOException {
    return BuiltinDocument.of(
        real, job.file().display(), new WorkerLog(ProjectLayout.of(root).logFile()));
  }

  private JobOutcome runCommand(
      Job job,
      JobPaths.Resolved.Inside input,
      BooleanSupplier abandonNow,
      Consumer<ChildCommand.Started> onStart,
      long start) {
    List<String> argv =
        Placeholders.substitute(
            command,
            Map.of(
                "file",
                input.argument(),
                "path",
                job.file().display(),
                "commit",
                job.commit(),
                "blob",
                job.blob() == null ? "" : job.blob(),
                "project_root",
                root.toString(),
                "model",
                model));
    ChildRun run =
        RunChild.run(
            ChildCommand.of(argv, root)
                .withDeadline(timeout)
                .withOutputLimits(Math.max(outputLimit, DOCUMENT_LIMIT_BYTES), HARD_CAP_BYTES)
                .withMarker(JOB_MARKER, markerValue(job))
                .withDieWithParent()
                // Starts once onStart recorded the run: a worker killed before that leaves no
                // command running that a later worker could not find (found by the fault run).
                .withStdin(
                    new ChildStdin.AfterOnStart(
                        contentOnStdin
                            ? new ChildStdin.FromFile(input.realPath())
                            : ChildStdin.empty()))
                .withScratchDir(scratchDir)
                .withAbandon(abandonNow)
                .withOnStart(onStart));
    if (run instanceof ChildRun.NotStarted n) {
      return startFailed(n, start);
    }
    ChildRun.Ended e = (ChildRun.Ended) run;
    String said = bounded(e.stderr().text());
    // Without a document to hold it, what the command wrote on stdout belongs to the job's output.
    JobResult r = result(e.exitCode(), start, joined(bounded(e.stdout().text()), said));
    switch (e.end()) {
      case ABANDONED:
        return new JobOutcome.Abandoned("stopped while running; command killed", r);
      case TIMED_OUT:
        return new JobOutcome.Failed(
            "timed out after " + timeout.toSeconds() + " s; command killed" + tailOf(r.output()),
            true,
            r);
      case OUTPUT_CAPPED:
        return new JobOutcome.Failed(
            "wrote more than "
                + HARD_CAP_BYTES
                + " bytes of output; command killed — not retried"
                + tailOf(r.output()),
            false,
            r);
      default:
        break;
    }
    if (r.exitCode() == 0) {
      CapturedOutput doc = e.stdout();
      return new JobOutcome.Succeeded(
          result(
              e.exitCode(),
              start,
              said,
              new NewDocument(doc.text(), doc.total(), !doc.complete(), processor)));
    }
    return new JobOutcome.Failed("exit code " + r.exitCode() + tailOf(r.output()), true, r);
  }

  /**
   * The value of {@value #JOB_MARKER} in a job command's environment: job id, claim version and
   * lease owner. It names one run of one job in one worker: a later worker ends only processes that
   * carry it (see {@link EndOrphanedRuns}).
   */
  static String markerValue(Job job) {
    return job.id() + ":" + job.version() + ":" + job.leaseOwner();
  }

  private static JobOutcome startFailed(ChildRun.NotStarted n, long start) {
    String where =
        n.errno() == 2 || n.errno() == 13 ? " (processing.command[0] in config.json)" : "";
    // Out of processes, memory or descriptors can heal; a wrong program name cannot.
    boolean retryable = n.errno() == 11 || n.errno() == 12 || n.errno() == 23 || n.errno() == 24;
    return new JobOutcome.Failed(
        n.message() + where + (retryable ? "" : " — not retried"),
        retryable,
        result(null, start, ""));
  }

  private static String tailOf(String output) {
    String trimmed = output.strip();
    return trimmed.isEmpty()
        ? ""
        : "; output ends: " + CapturedOutput.lastChars(trimmed, REASON_TAIL_CHARS);
  }

  private static JobResult result(Integer exit, long start, String output) {
    return result(exit, start, output, null);
  }

  private static JobResult result(Integer exit, long start, String output, NewDocument doc) {
    return new JobResult(
        exit, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), output, doc);
  }

  /** {@code text} within the output limit: head and tail, the cut marked. */
  private String bounded(String text) {
    if (text.length() <= outputLimit) {
      return text;
    }
    int half = Math.max(1, outputLimit / 2);
    return text.substring(0, half)
        + "\n…["
        + (text.length() - 2 * half)
        + " characters omitted]…\n"
        + text.substring(text.length() - half);
  }

  private static String joined(String stdout, String stderr) {
    if (stderr.isEmpty()) {
      return stdout;
    }
    if (stdout.isEmpty()) {
      return stderr;
    }
    return stdout + (stdout.endsWith("\n") ? "" : "\n") + stderr;
  }

  /**
   * The file as a command argument: a name starting with '-' gets a leading "./" (the same file) so
   * that no command can read it as an option, whether or not it understands "--".
   */
  static String asArgument(String file) {
    return file.startsWith("-") ? "./" + file : file;
  }
}
