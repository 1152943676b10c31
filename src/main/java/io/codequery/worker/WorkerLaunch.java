package io.codequery.worker;

import io.codequery.pidfile.StrictFiles;
import io.codequery.pidfile.UnsafeFileException;
import io.codequery.process.WorkerMarker;
import io.codequery.project.ProjectLayout;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a detached worker: the same JVM and class path as the caller, the worker
 * marker first (it must stay within the first page of the command line), small-footprint flags, a
 * new session via {@code setsid} where available so the worker outlives the terminal, and a lower
 * CPU and I/O priority ({@code nice}, {@code ionice}) where available so that it never competes
 * with its user's foreground work. Each prefix execs the next: the worker's own command line still
 * starts with {@code java}.
 */
public final class WorkerLaunch {
  /** Flags for a small idle footprint: one GC thread, a small heap, C1 only. */
  public static final List<String> JVM_FLAGS =
      List.of(
          "-XX:+UseSerialGC",
          "-XX:TieredStopAtLevel=1",
          "-Xss512k",
          "-Xmx64m",
          "-XX:MaxMetaspaceSize=64m",
          "-XX:ReservedCodeCacheSize=16m",
          "-XX:CICompilerCount=1");

  /** The worker's niceness: it yields the CPU to anything of normal priority. */
  public static final int NICENESS = 10;

  private WorkerLaunch() {}

  /**
   * {@code nice -n 10} and {@code ionice -c 2 -n 7 -t} (best effort, lowest priority; {@code -t}:
   * go on where the I/O class cannot be set), each where installed. The job commands inherit both.
   */
  public static List<String> yieldingPrefix() {
    List<String> prefix = new ArrayList<>();
    Path nice = Path.of("/usr/bin/nice");
    if (Files.isExecutable(nice)) {
      prefix.addAll(List.of(nice.toString(), "-n", Integer.toString(NICENESS)));
    }
    Path ionice = Path.of("/usr/bin/ionice");
    if (Files.isExecutable(ionice)) {
      prefix.addAll(List.of(ionice.toString(), "-c", "2", "-n", "7", "-t"));
    }
    return prefix;
  }

  public static List<String> command(ProjectLayout layout) {
    List<String> cmd = new ArrayList<>();
    Path setsid = Path.of("/usr/bin/setsid");
    if (Files.isExecutable(setsid)) {
      cmd.add(setsid.toString());
    }
    cmd.addAll(yieldingPrefix());
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add(WorkerMarker.forRoot(layout.root().toString()));
    cmd.addAll(JVM_FLAGS);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.addAll(
        List.of(
            "io.codequery.cli.Main", "worker", "run", "--project-root", layout.root().toString()));
    return cmd;
  }

  /**
   * Starts the worker detached: stdin from /dev/null, stdout and stderr appended to the log.
   *
   * @throws UnsafeFileException where {@code .code-query} or {@code worker.log} is a link, FIFO or
   *     anything else but what it must be (nothing is started then)
   */
  public static Process spawn(ProjectLayout layout) throws IOException {
    layout.ensureDir();
    // The redirect below opens the log as any program would (following links, creating it with
    // 0666 & ~umask); so the log is created here first, strictly, and a link or FIFO planted in
    // its place is refused before anything opens it.
    StrictFiles.createIfAbsent(layout.logFile());
    return new ProcessBuilder(command(layout))
        .directory(layout.root().toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectOutput(ProcessBuilder.Redirect.appendTo(layout.logFile().toFile()))
        .redirectErrorStream(true)
        .start();
  }
}
