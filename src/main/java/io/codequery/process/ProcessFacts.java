package io.codequery.process;

import io.codequery.os.ProcStat;
import io.codequery.os.ProcessStatus;
import io.codequery.os.ProcessTable;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the OS tells about one PID ({@link ProcessTable}): liveness, state and start ticks in one
 * look when made; the command line and the start instant only when asked, so that a detection makes
 * no more reads than it needs.
 *
 * <p>Not thread-safe to share (lazily filled); each call of {@link #of} makes a new one.
 */
public final class ProcessFacts {
  private final ProcessTable os;
  private final int pid;
  private final ProcessStatus status;
  private Optional<List<String>> argv; // null: not read yet
  private Optional<Instant> startInstant; // null: not read yet

  private ProcessFacts(ProcessTable os, int pid, ProcessStatus status) {
    this.os = os;
    this.pid = pid;
    this.status = status;
  }

  /** The facts of {@code pid} from this JVM's {@link ProcessTable#system()}. */
  public static ProcessFacts of(int pid) {
    ProcessTable os = ProcessTable.system();
    return new ProcessFacts(os, pid, os.status(pid));
  }

  public int pid() {
    return pid;
  }

  /** Alive, exited, gone or hidden. */
  public ProcessStatus.Presence presence() {
    return status.presence();
  }

  /** False where the process is gone, hidden, or a zombie (exited, not yet reaped). */
  public boolean alive() {
    return status.isAlive();
  }

  /** Exited and not yet reaped (where the OS tells: {@code /proc}). */
  public boolean exited() {
    return status.presence() == ProcessStatus.Presence.EXITED;
  }

  /** Stopped by a signal or a tracer (where the OS tells: {@code /proc}). */
  public boolean stopped() {
    return status.stat().map(ProcStat::isStopped).orElse(false);
  }

  /** The parsed stat line, where the OS has one and it was readable. */
  public Optional<ProcStat> stat() {
    return status.stat();
  }

  /** The start time as an instant, where the OS tells. */
  public Optional<Instant> startInstant() {
    if (startInstant == null) {
      startInstant = os.startInstant(pid);
    }
    return startInstant;
  }

  /** The command line after argv[0], where readable (absent: unknown, not empty). */
  public Optional<List<String>> args() {
    return argv().map(a -> a.isEmpty() ? a : a.subList(1, a.size()));
  }

  private Optional<List<String>> argv() {
    if (argv == null) {
      argv = os.commandLine(pid);
    }
    return argv;
  }

  /** argv[0] or the executable, for messages. */
  public String command() {
    Optional<List<String>> a = argv();
    if (a.isPresent() && !a.get().isEmpty()) {
      return a.get().get(0);
    }
    return os.executable(pid).orElse("?");
  }

  /** The process's own facts, as the worker records them about itself. */
  public static WorkerIdentity identityOfSelf(String root) {
    ProcessTable os = ProcessTable.system();
    int pid = (int) ProcessHandle.current().pid();
    long ticks = os.status(pid).stat().map(ProcStat::startTicks).orElse(-1L);
    long millis =
        ProcessHandle.current().info().startInstant().map(Instant::toEpochMilli).orElse(-1L);
    return new WorkerIdentity(pid, ticks, millis, os.bootId(), root);
  }
}
