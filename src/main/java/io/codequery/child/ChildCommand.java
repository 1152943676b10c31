package io.codequery.child;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * One child command to run with {@link RunChild}: argv (never a shell), working directory,
 * environment additions, standard input, a deadline, and how much output to keep. Immutable; start
 * from {@link #of} and change what differs with the {@code with…} methods.
 *
 * @param environment variables added to (or replacing in) the caller's environment
 * @param deadline how long the child may run, measured on the monotonic clock from its start
 * @param keepBytes bytes kept of each stream: all of it when it fits, else head and tail
 * @param hardCapBytes a child that writes more than this to one stream is killed, and says so
 * @param mergeStderr stderr goes where stdout goes (one captured stream, in order)
 * @param dieWithParent the child gets SIGKILL when the thread that started it ends (Linux parent
 *     death signal, through util-linux {@code setpriv}); start it from a long-lived thread
 * @param marker {@code NAME=VALUE} put into the child's environment; processes of its session are
 *     ended only if they carry it (see {@link io.codequery.os.ProcessTable#sessionMembers})
 * @param scratchDir where the private, at once unlinked, output files are made
 * @param abandon polled while the child runs; true ends it ({@link ChildRun.End#ABANDONED})
 * @param onStart told the child's PID and start ticks once it runs (e.g. to record the run)
 * @param stdoutFile where stdout goes instead of being captured (an existing file the caller made,
 *     with the mode it wants; the hard cap still applies), or null to capture it
 */
public record ChildCommand(
    List<String> argv,
    Path directory,
    Map<String, String> environment,
    ChildStdin stdin,
    Duration deadline,
    int keepBytes,
    long hardCapBytes,
    boolean mergeStderr,
    boolean dieWithParent,
    String marker,
    Path scratchDir,
    BooleanSupplier abandon,
    Consumer<Started> onStart,
    Path stdoutFile) {

  /** Output kept per stream unless said otherwise: 64 KiB. */
  public static final int DEFAULT_KEEP_BYTES = 64 * 1024;

  /** A child writing more than this to one stream is killed unless said otherwise: 64 MiB. */
  public static final long DEFAULT_HARD_CAP_BYTES = 64L * 1024 * 1024;

  /** The environment variable every child carries, unless its caller names another marker. */
  public static final String CHILD_MARKER = "CODE_QUERY_CHILD";

  /**
   * The child, once started: its PID and its start time in clock ticks since boot (-1: unknown).
   */
  public record Started(long pid, long startTicks) {}

  public ChildCommand {
    if (argv.isEmpty() || argv.get(0).isEmpty()) {
      throw new IllegalArgumentException("argv must start with a program name");
    }
    if (deadline.isNegative() || deadline.isZero()) {
      throw new IllegalArgumentException("deadline must be positive, was " + deadline);
    }
    if (keepBytes < 2 || hardCapBytes < 1) {
      throw new IllegalArgumentException("keepBytes must be at least 2 and hardCapBytes positive");
    }
    if (marker.indexOf('=') <= 0) {
      throw new IllegalArgumentException("marker must read NAME=VALUE, was " + marker);
    }
    argv = List.copyOf(argv);
    environment = Map.copyOf(environment);
  }

  /** {@code argv} in {@code directory}: stdin empty, 60 s, 64 KiB kept, 64 MiB cap, a marker. */
  public static ChildCommand of(List<String> argv, Path directory) {
    byte[] random = new byte[8];
    ThreadLocalRandom.current().nextBytes(random);
    return new ChildCommand(
        argv,
        directory,
        Map.of(),
        ChildStdin.empty(),
        Duration.ofSeconds(60),
        DEFAULT_KEEP_BYTES,
        DEFAULT_HARD_CAP_BYTES,
        false,
        false,
        CHILD_MARKER + "=" + HexFormat.of().formatHex(random),
        Path.of(System.getProperty("java.io.tmpdir")),
        () -> false,
        started -> {},
        null);
  }

  public ChildCommand withEnvironment(String name, String value) {
    Changes c = new Changes(this);
    c.environment = new LinkedHashMap<>(environment);
    c.environment.put(name, value);
    return c.build();
  }

  public ChildCommand withStdin(ChildStdin in) {
    Changes c = new Changes(this);
    c.stdin = in;
    return c.build();
  }

  public ChildCommand withDeadline(Duration d) {
    Changes c = new Changes(this);
    c.deadline = d;
    return c.build();
  }

  /** Keeps {@code keep} bytes of each stream and kills the child past {@code hardCap}. */
  public ChildCommand withOutputLimits(int keep, long hardCap) {
    Changes c = new Changes(this);
    c.keepBytes = keep;
    c.hardCapBytes = hardCap;
    return c.build();
  }

  public ChildCommand withStderrMerged() {
    Changes c = new Changes(this);
    c.mergeStderr = true;
    return c.build();
  }

  public ChildCommand withDieWithParent() {
    Changes c = new Changes(this);
    c.dieWithParent = true;
    return c.build();
  }

  /** Marks the child with {@code name=value} instead of a random {@value #CHILD_MARKER}. */
  public ChildCommand withMarker(String name, String value) {
    Changes c = new Changes(this);
    c.marker = name + "=" + value;
    return c.build();
  }

  public ChildCommand withScratchDir(Path dir) {
    Changes c = new Changes(this);
    c.scratchDir = dir;
    return c.build();
  }

  public ChildCommand withAbandon(BooleanSupplier when) {
    Changes c = new Changes(this);
    c.abandon = when;
    return c.build();
  }

  public ChildCommand withOnStart(Consumer<Started> then) {
    Changes c = new Changes(this);
    c.onStart = then;
    return c.build();
  }

  /** Sends stdout into {@code file} (which must exist) instead of capturing it. */
  public ChildCommand withStdoutTo(Path file) {
    Changes c = new Changes(this);
    c.stdoutFile = file;
    return c.build();
  }

  /** The marker's variable name. */
  public String markerName() {
    return marker.substring(0, marker.indexOf('='));
  }

  /** The marker's value. */
  public String markerValue() {
    return marker.substring(marker.indexOf('=') + 1);
  }

  /** A mutable copy, for the {@code with…} methods: change a field, build a new command. */
  private static final class Changes {
    private final List<String> argv;
    private final Path directory;
    private Map<String, String> environment;
    private ChildStdin stdin;
    private Duration deadline;
    private int keepBytes;
    private long hardCapBytes;
    private boolean mergeStderr;
    private boolean dieWithParent;
    private String marker;
    private Path scratchDir;
    private BooleanSupplier abandon;
    private Consumer<Started> onStart;
    private Path stdoutFile;

    Changes(ChildCommand c) {
      argv = c.argv;
      directory = c.directory;
      environment = c.environment;
      stdin = c.stdin;
      deadline = c.deadline;
      keepBytes = c.keepBytes;
      hardCapBytes = c.hardCapBytes;
      mergeStderr = c.mergeStderr;
      dieWithParent = c.dieWithParent;
      marker = c.marker;
      scratchDir = c.scratchDir;
      abandon = c.abandon;
      onStart = c.onStart;
      stdoutFile = c.stdoutFile;
    }

    ChildCommand build() {
      return new ChildCommand(
          argv,
          directory,
          environment,
          stdin,
          deadline,
          keepBytes,
          hardCapBytes,
          mergeStderr,
          dieWithParent,
          marker,
          scratchDir,
          abandon,
          onStart,
          stdoutFile);
    }
  }
}
