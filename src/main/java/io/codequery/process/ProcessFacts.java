package io.codequery.process;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What can be learnt about one live PID with {@code java.base} alone: {@link ProcessHandle}, and on
 * Linux {@code /proc/<pid>/stat} and {@code /proc/<pid>/cmdline}.
 *
 * <p>On Linux, liveness, state and start ticks come from {@code /proc/<pid>/stat} and the command
 * line from {@code /proc/<pid>/cmdline}; {@link ProcessHandle.Info} (which reads {@code stat},
 * {@code cmdline}, {@code exe} and looks up the user in the password database) is consulted only
 * when {@link #startInstant()} is asked for, or for {@link #command()} where the command line is
 * empty. That keeps a detection to the reads it needs: the hot path of every detector.
 *
 * <p>Not thread-safe to share (lazily filled); each call of {@link #of} makes a new one.
 */
public final class ProcessFacts {

  /** Enough of {@code /proc/<pid>/cmdline} to hold the worker marker and a long root. */
  private static final int CMDLINE_LIMIT = 16 * 1024;

  private final int pid;
  private final boolean alive;
  private final Optional<ProcStat> stat;
  private final Optional<List<String>> args;
  private String command; // null: not known yet, ask ProcessHandle.Info
  private Optional<Instant> startInstant; // null: not known yet, ask ProcessHandle.Info
  private ProcessHandle.Info info;

  private ProcessFacts(
      int pid,
      boolean alive,
      Optional<ProcStat> stat,
      Optional<Instant> startInstant,
      Optional<List<String>> args,
      String command) {
    this.pid = pid;
    this.alive = alive;
    this.stat = stat;
    this.startInstant = startInstant;
    this.args = args;
    this.command = command;
  }

  /** False where the process is gone (or a zombie: exited, not yet reaped). */
  public boolean alive() {
    return alive;
  }

  /** The parsed stat line, where readable. */
  public Optional<ProcStat> stat() {
    return stat;
  }

  /** The start time from ProcessHandle, where known. */
  public Optional<Instant> startInstant() {
    if (startInstant == null) {
      startInstant = info().flatMap(ProcessHandle.Info::startInstant);
    }
    return startInstant;
  }

  /** The command line after argv[0], where readable (absent: unknown, not empty). */
  public Optional<List<String>> args() {
    return args;
  }

  /** argv[0] or the executable, for messages. */
  public String command() {
    if (command == null) {
      command = info().flatMap(ProcessHandle.Info::command).orElse("?");
    }
    return command;
  }

  private Optional<ProcessHandle.Info> info() {
    if (info == null) {
      Optional<ProcessHandle> handle = ProcessHandle.of(pid);
      if (handle.isEmpty()) {
        return Optional.empty();
      }
      info = handle.get().info();
    }
    return Optional.of(info);
  }

  public static ProcessFacts of(int pid) {
    if (!Platform.hasProc()) {
      Optional<ProcessHandle> handle = ProcessHandle.of(pid);
      if (handle.isEmpty()) {
        return gone();
      }
      ProcessHandle.Info info = handle.get().info();
      return new ProcessFacts(
          pid,
          true,
          Optional.empty(),
          info.startInstant(),
          info.arguments().map(List::of),
          info.command().orElse("?"));
    }
    Path dir = Path.of("/proc", Integer.toString(pid));
    Optional<ProcStat> stat = Optional.empty();
    Optional<List<String>> args = Optional.empty();
    String command = null;
    try {
      // ProcessHandle.of(pid) on Linux is this same read of /proc/<pid>/stat: its failure is
      // "gone".
      stat = ProcStat.parse(Files.readString(dir.resolve("stat"), StandardCharsets.ISO_8859_1));
    } catch (NoSuchFileException e) {
      return gone();
    } catch (IOException e) {
      // unreadable stat: start time stays unknown; ask ProcessHandle whether the process lives
      if (ProcessHandle.of(pid).isEmpty()) {
        return gone();
      }
    }
    if (stat.isPresent() && stat.get().isZombie()) {
      return new ProcessFacts(pid, false, stat, Optional.empty(), Optional.empty(), null);
    }
    try {
      List<String> argv = readCmdline(dir.resolve("cmdline"));
      if (!argv.isEmpty()) {
        command = argv.get(0);
        args = Optional.of(argv.subList(1, argv.size()));
      } else {
        // There is a race: the process may have exited since stat was read; an exiting process
        // (its memory already released) and a kernel thread show an empty command line. That
        // is a command line read, not an unreadable one: it carries no worker marker.
        Optional<ProcStat> again =
            ProcStat.parse(Files.readString(dir.resolve("stat"), StandardCharsets.ISO_8859_1));
        if (again.isPresent() && again.get().isZombie()) {
          return new ProcessFacts(pid, false, again, Optional.empty(), Optional.empty(), null);
        }
        args = Optional.of(List.of());
      }
    } catch (NoSuchFileException e) {
      return gone();
    } catch (AccessDeniedException e) {
      // hidden by hidepid or a security module: args stay unknown
    } catch (IOException e) {
      // ESRCH ("No such process") when the process was reaped during the read; else unknown.
      Optional<ProcessFacts> since = goneSince(pid, dir);
      if (since.isPresent()) {
        return since.get();
      }
    }
    return new ProcessFacts(pid, true, stat, null, args, command);
  }

  /**
   * After a failed read under {@code dir}: the facts if the process has gone or become a zombie.
   */
  private static Optional<ProcessFacts> goneSince(int pid, Path dir) {
    try {
      Optional<ProcStat> stat =
          ProcStat.parse(Files.readString(dir.resolve("stat"), StandardCharsets.ISO_8859_1));
      if (stat.isPresent() && stat.get().isZombie()) {
        return Optional.of(
            new ProcessFacts(pid, false, stat, Optional.empty(), Optional.empty(), null));
      }
      return Optional.empty();
    } catch (AccessDeniedException e) {
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of(gone()); // ENOENT or ESRCH: no such process any more
    }
  }

  private static ProcessFacts gone() {
    return new ProcessFacts(0, false, Optional.empty(), Optional.empty(), Optional.empty(), "");
  }

  static List<String> readCmdline(Path file) throws IOException {
    byte[] raw;
    try (InputStream in = Files.newInputStream(file)) {
      raw = in.readNBytes(CMDLINE_LIMIT);
    }
    List<String> argv = new ArrayList<>();
    int from = 0;
    for (int i = 0; i < raw.length; i++) {
      if (raw[i] == 0) {
        argv.add(new String(raw, from, i - from, StandardCharsets.UTF_8));
        from = i + 1;
      }
    }
    if (from < raw.length) {
      argv.add(new String(raw, from, raw.length - from, StandardCharsets.UTF_8));
    }
    return argv;
  }

  /** The process's own facts, as the worker records them about itself. */
  public static WorkerIdentity identityOfSelf(String root) {
    ProcessHandle self = ProcessHandle.current();
    int pid = (int) self.pid();
    ProcessFacts facts = of(pid);
    long ticks = facts.stat().map(ProcStat::startTicks).orElse(-1L);
    long millis = self.info().startInstant().map(Instant::toEpochMilli).orElse(-1L);
    return new WorkerIdentity(pid, ticks, millis, Platform.bootId(), root);
  }
}
