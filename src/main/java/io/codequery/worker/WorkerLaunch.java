package io.codequery.worker;

import io.codequery.pidfile.StrictFiles;
import io.codequery.pidfile.UnsafeFileException;
import io.codequery.process.WorkerMarker;
import io.codequery.project.ProjectLayout;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * The command line of a detached worker: the same JVM and class path as the caller, the worker
 * marker first (it must stay within the first page of the command line), small-footprint flags, a
 * new session via {@code setsid} where available so the worker outlives the terminal, and a lower
 * CPU and I/O priority ({@code nice}, {@code ionice}) where available so that it never competes
 * with its user's foreground work. Each prefix execs the next: the worker's own command line still
 * starts with {@code java}.
 */
public final class WorkerLaunch {
  /**
   * Flags for a small idle footprint: one GC thread, a small heap, C1 only, and no performance-data
   * file (its sampler wakes the JVM 20 times a second: a third of an idle worker's CPU; {@code jcmd
   * PID} still attaches, only {@code jps} and {@code jstat} do not list it).
   */
  public static final List<String> JVM_FLAGS =
      List.of(
          "-XX:+UseSerialGC",
          "-XX:TieredStopAtLevel=1",
          "-Xss512k",
          "-Xmx64m",
          "-XX:MaxMetaspaceSize=64m",
          "-XX:ReservedCodeCacheSize=16m",
          "-XX:CICompilerCount=1",
          "-XX:-UsePerfData");

  /**
   * The class-data-sharing archive the launcher gives this JVM (it passes the archive's path in
   * this property where it uses one): the worker gets it too, and maps its classes ready-made.
   */
  public static final String CDS_ARCHIVE_PROPERTY = "code-query.cds-archive";

  /**
   * sqlite-jdbc's properties for a native library extracted ahead of time (the build puts one
   * beside the jar; the launcher names it): handed on, so the worker neither extracts its library
   * into the temp directory (nor lists it for earlier copies) nor starts {@code uname} to find out
   * which one it needs.
   */
  static final List<String> SQLITE_LIBRARY_PROPERTIES =
      List.of("org.sqlite.lib.path", "org.sqlite.lib.name", "org.sqlite.tmpdir");

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
    cmd.addAll(sharedFlags());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.addAll(
        List.of(
            "io.codequery.cli.Main", "worker", "run", "--project-root", layout.root().toString()));
    return cmd;
  }

  /** What this JVM was given to start fast, for the worker: the CDS archive, the SQLite library. */
  static List<String> sharedFlags() {
    List<String> flags = new ArrayList<>();
    String archive = System.getProperty(CDS_ARCHIVE_PROPERTY);
    if (archive != null && Files.isRegularFile(Path.of(archive))) {
      // The JVM drops an archive that does not match the class path or the JDK: silently, so that
      // its warning never lands in the log as if it were the worker's.
      flags.addAll(
          List.of(
              "-XX:SharedArchiveFile=" + archive,
              "-Xlog:cds*=off",
              "-D" + CDS_ARCHIVE_PROPERTY + "=" + archive));
    }
    for (String p : SQLITE_LIBRARY_PROPERTIES) {
      String v = System.getProperty(p);
      if (v != null) {
        flags.add("-D" + p + "=" + v);
      }
    }
    return flags;
  }

  /**
   * The relay between {@code worker start} and the worker: starts the worker in the background
   * (stdout and stderr into the log, which is the relay's stderr), says its PID on one line, and
   * ends with the worker's exit status should the worker end first.
   */
  private static final String RELAY = "\"$@\" >&2 & echo $!; wait $!";

  /**
   * A worker launched through its relay. The relay, not the worker, is this JVM's child: a JVM
   * waits for a child in a thread that sits in native code until the child ends, and a JVM with a
   * thread in native code takes 300 ms to exit; so once the worker is ready the relay is let go
   * ({@link #release}), and the JVM that started the worker exits at once.
   *
   * <p>The relay only reports; the worker never depends on it. Where the relay dies first (killed
   * by someone, or by its parent-death signal when this JVM dies), the worker is followed through
   * its own handle (its PID with its start time: never a reused PID), and its exit status is then
   * unknown.
   */
  public static final class Launched {
    private final long pid;
    private final Process relay;
    private final Optional<ProcessHandle> worker;
    private boolean relayDiedFirst;

    Launched(long pid, Process relay, Optional<ProcessHandle> worker) {
      this.pid = pid;
      this.relay = relay;
      this.worker = worker;
    }

    /** The worker's PID. */
    public long pid() {
      return pid;
    }

    /** Whether the worker still runs: its relay still waits for it, or its own handle is alive. */
    public boolean running() {
      if (relay.isAlive()) {
        return true;
      }
      boolean alive = worker.map(ProcessHandle::isAlive).orElse(false);
      relayDiedFirst |= alive;
      return alive;
    }

    /**
     * Once not {@link #running()}: the worker's exit status as its relay reported it; empty where
     * the relay died before the worker (the relay's status then tells how the relay ended).
     */
    public OptionalInt exitStatus() {
      return relayDiedFirst ? OptionalInt.empty() : OptionalInt.of(relay.exitValue());
    }

    /** Ends the relay (never the worker, which has a session of its own) and reaps it. */
    public void release() {
      relay.destroyForcibly();
      try {
        relay.waitFor(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Starts the worker detached: stdin from /dev/null, stdout and stderr appended to the log.
   *
   * @throws UnsafeFileException where {@code .code-query} or {@code worker.log} is a link, FIFO or
   *     anything else but what it must be (nothing is started then)
   */
  public static Launched spawn(ProjectLayout layout) throws IOException {
    layout.ensureDir();
    // The redirect below opens the log as any program would (following links, creating it with
    // 0666 & ~umask); so the log is created here first, strictly, and a link or FIFO planted in
    // its place is refused before anything opens it.
    StrictFiles.createIfAbsent(layout.logFile());
    List<String> cmd = new ArrayList<>();
    // The relay must not outlive this JVM: where `worker start` is killed while it waits, the
    // relay, left waiting for the worker, would stay for as long as the worker runs (one more
    // process per such start). The parent-death signal is cleared for the relay's own children:
    // the worker is not touched.
    Path setpriv = Path.of("/usr/bin/setpriv");
    if (Files.isExecutable(setpriv)) {
      cmd.addAll(List.of(setpriv.toString(), "--pdeathsig", "KILL", "--"));
    }
    cmd.addAll(List.of("/bin/sh", "-c", RELAY, "code-query-start"));
    cmd.addAll(command(layout));
    Process relay =
        new ProcessBuilder(cmd)
            .directory(layout.root().toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectError(ProcessBuilder.Redirect.appendTo(layout.logFile().toFile()))
            .start();
    String line;
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(relay.getInputStream(), StandardCharsets.US_ASCII))) {
      line = r.readLine(); // the relay says the PID at once, before it waits
    }
    try {
      long pid = Long.parseLong(line == null ? "" : line.trim());
      return new Launched(pid, relay, ProcessHandle.of(pid));
    } catch (NumberFormatException e) {
      relay.destroyForcibly();
      throw new IOException(
          "could not start the worker: /bin/sh said \""
              + line
              + "\" instead of its PID; see "
              + layout.logFile());
    }
  }
}
