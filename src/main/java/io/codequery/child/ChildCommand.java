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
 *     ended only if they carry it (see {@link io.codequery.process.SessionMembers})
 * @param scratchDir where the private, at once unlinked, output files are made
 * @param abandon polled while the child runs; true ends it ({@link ChildRun.End#ABANDONED})
 * @param onStart told the child's PID and start ticks once it runs (e.g. to record the run)
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
    Consumer<Started> onStart) {

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
        started -> {});
  }

  public ChildCommand withEnvironment(String name, String value) {
    Map<String, String> env = new LinkedHashMap<>(environment);
    env.put(name, value);
    return new ChildCommand(
        argv,
        directory,
        env,
        stdin,
        deadline,
        keepBytes,
        hardCapBytes,
        mergeStderr,
        dieWithParent,
        marker,
        scratchDir,
        abandon,
        onStart);
  }

  public ChildCommand withStdin(ChildStdin in) {
    return new ChildCommand(
        argv,
        directory,
        environment,
        in,
        deadline,
        keepBytes,
        hardCapBytes,
        mergeStderr,
        dieWithParent,
        marker,
        scratchDir,
        abandon,
        onStart);
  }

  public ChildCommand withDeadline(Duration d) {
    return new ChildCommand(
        argv,
        directory,
        environment,
        stdin,
        d,
        keepBytes,
        hardCapBytes,
        mergeStderr,
        dieWithParent,
        marker,
        scratchDir,
        abandon,
        onStart);
  }

  /** Keeps {@code keep} bytes of each stream and kills the child past {@code hardCap}. */
  public ChildCommand withOutputLimits(int keep, long hardCap) {
    return new ChildCommand(
        argv,
        directory,
        environment,
        stdin,
        deadline,
        keep,
        hardCap,
        mergeStderr,
        dieWithParent,
        marker,
        scratchDir,
        abandon,
        onStart);
  }

  public ChildCommand withStderrMerged() {
    return new ChildCommand(
        argv,
        directory,
        environment,
        stdin,
        deadline,
        keepBytes,
        hardCapBytes,
        true,
        dieWithParent,
        marker,
        scratchDir,
        abandon,
        onStart);
  }

  public ChildCommand withDieWithParent() {
    return new ChildCommand(
        argv,
        directory,
        environment,
        stdin,
        deadline,
        keepBytes,
        hardCapBytes,
        mergeStderr,
        true,
        marker,
        scratchDir,
        abandon,
        onStart);
  }

  /** Marks the child with {@code name=value} instead of a random {@value #CHILD_MARKER}. */
  public ChildCommand withMarker(String name, String value) {
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
        name + "=" + value,
        scratchDir,
        abandon,
        onStart);
  }

  public ChildCommand withScratchDir(Path dir) {
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
        dir,
        abandon,
        onStart);
  }

  public ChildCommand withAbandon(BooleanSupplier when) {
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
        when,
        onStart);
  }

  public ChildCommand withOnStart(Consumer<Started> then) {
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
        then);
  }

  /** The marker's variable name. */
  public String markerName() {
    return marker.substring(0, marker.indexOf('='));
  }

  /** The marker's value. */
  public String markerValue() {
    return marker.substring(marker.indexOf('=') + 1);
  }
}
