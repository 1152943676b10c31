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
 * @param alive false where the process is gone (or a zombie: exited, not yet reaped)
 * @param stat the parsed stat line, where readable
 * @param startInstant the start time from ProcessHandle, where known
 * @param args the command line after argv[0], where readable (absent: unknown, not empty)
 * @param command argv[0] or the executable, for messages
 */
public record ProcessFacts(
    boolean alive,
    Optional<ProcStat> stat,
    Optional<Instant> startInstant,
    Optional<List<String>> args,
    String command) {

  /** Enough of {@code /proc/<pid>/cmdline} to hold the worker marker and a long root. */
  private static final int CMDLINE_LIMIT = 16 * 1024;

  public static ProcessFacts of(int pid) {
    Optional<ProcessHandle> handle = ProcessHandle.of(pid);
    if (handle.isEmpty()) {
      return gone();
    }
    ProcessHandle.Info info = handle.get().info();
    Optional<ProcStat> stat = Optional.empty();
    Optional<List<String>> args = Optional.empty();
    String command = info.command().orElse("?");
    if (Platform.hasProc()) {
      Path dir = Path.of("/proc", Integer.toString(pid));
      try {
        stat = ProcStat.parse(Files.readString(dir.resolve("stat"), StandardCharsets.ISO_8859_1));
      } catch (NoSuchFileException e) {
        return gone();
      } catch (IOException e) {
        // unreadable stat: start time stays unknown
      }
      if (stat.isPresent() && stat.get().isZombie()) {
        return new ProcessFacts(false, stat, Optional.empty(), Optional.empty(), command);
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
            return new ProcessFacts(false, again, Optional.empty(), Optional.empty(), command);
          }
          args = Optional.of(List.of());
        }
      } catch (NoSuchFileException e) {
        return gone();
      } catch (AccessDeniedException e) {
        // hidden by hidepid or a security module: args stay unknown
      } catch (IOException e) {
        // ESRCH ("No such process") when the process was reaped during the read; else unknown.
        Optional<ProcessFacts> since = goneSince(dir, command);
        if (since.isPresent()) {
          return since.get();
        }
      }
    } else {
      args = info.arguments().map(List::of);
    }
    return new ProcessFacts(true, stat, info.startInstant(), args, command);
  }

  /** After a failed read under {@code dir}: the facts if the process has gone or become a zombie. */
  private static Optional<ProcessFacts> goneSince(Path dir, String command) {
    try {
      Optional<ProcStat> stat = ProcStat.parse(Files.readString(dir.resolve("stat"), StandardCharsets.ISO_8859_1));
      if (stat.isPresent() && stat.get().isZombie()) {
        return Optional.of(new ProcessFacts(false, stat, Optional.empty(), Optional.empty(), command));
      }
      return Optional.empty();
    } catch (AccessDeniedException e) {
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of(gone()); // ENOENT or ESRCH: no such process any more
    }
  }

  private static ProcessFacts gone() {
    return new ProcessFacts(false, Optional.empty(), Optional.empty(), Optional.empty(), "");
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
