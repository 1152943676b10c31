package io.codequery.os;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The Linux implementation: {@code /proc/<pid>/stat} for liveness, state and start ticks, {@code
 * /proc/<pid>/cmdline} for the command line, {@code /proc/locks} for lock holders. {@link
 * ProcessHandle} only where {@code /proc} cannot answer (an unreadable stat, the start instant).
 *
 * <p>Kernel facts that do not change while the system runs (boot id, pid_max, whether {@code /proc}
 * hides processes) are read once, when first asked.
 */
final class ProcFsProcessTable implements ProcessTable {
  /** Enough of a command line to hold the worker marker and a long root. */
  private static final int CMDLINE_LIMIT = 16 * 1024;

  /** After a child, at most this many PIDs handed out are looked at one by one (else: all). */
  private static final int PROBE_LIMIT = 256;

  /** Enough of {@code /proc/<pid>/status} for its Tgid line, the fourth. */
  private static final int STATUS_READ = 2048;

  /** A stat line is a few hundred bytes: one read of this much takes all of it. */
  private static final int STAT_READ = 1024;

  /** One read of {@code /proc/locks} takes this much (about 1,500 locks). */
  private static final int LOCKS_READ = 128 * 1024;

  // Benign races: each is computed from files that do not change while the system runs.
  private volatile String bootId;
  private volatile long pidLimit;
  private volatile Boolean hidesProcesses;

  @Override
  public String name() {
    return "proc";
  }

  @Override
  public ProcessStatus status(int pid) {
    String line;
    try {
      line = readWhole(ProcPath.stat(pid), STAT_READ);
    } catch (NoSuchFileException e) {
      return notVisible();
    } catch (IOException e) {
      // Unreadable (a security module), or reaped during the read (ESRCH): ask ProcessHandle.
      return ProcessHandle.of(pid).isPresent()
          ? new ProcessStatus(ProcessStatus.Presence.ALIVE, Optional.empty())
          : notVisible();
    }
    Optional<ProcStat> stat = ProcStat.parse(line);
    boolean exited = stat.isPresent() && stat.get().isZombie();
    return new ProcessStatus(
        exited ? ProcessStatus.Presence.EXITED : ProcessStatus.Presence.ALIVE, stat);
  }

  /** A PID without a {@code /proc} entry: gone, unless {@code /proc} hides it from us. */
  private ProcessStatus notVisible() {
    return hidesProcesses()
        ? new ProcessStatus(ProcessStatus.Presence.HIDDEN, Optional.empty())
        : ProcessStatus.gone();
  }

  @Override
  public Optional<List<String>> commandLine(int pid) {
    byte[] raw = new byte[CMDLINE_LIMIT];
    int n = 0;
    try (InputStream in = Files.newInputStream(ProcPath.cmdline(pid))) {
      int r;
      while (n < raw.length && (r = in.read(raw, n, raw.length - n)) > 0) {
        n += r;
      }
    } catch (IOException e) {
      return Optional.empty(); // denied (hidepid, a security module), or gone
    }
    return Optional.of(ProcCmdline.split(raw, n));
  }

  @Override
  public OptionalInt ownerUid(int pid) {
    return uidOf(ProcPath.process(pid));
  }

  @Override
  public int effectiveUid() {
    return uidOf(ProcPath.SELF).orElse(-1);
  }

  private static OptionalInt uidOf(Path procDir) {
    try {
      // The owner of /proc/<pid> is the process's effective user (root for a non-dumpable one).
      return OptionalInt.of((Integer) Files.getAttribute(procDir, "unix:uid"));
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return OptionalInt.empty();
    }
  }

  @Override
  public String bootId() {
    String id = bootId;
    if (id == null) {
      id = readFirstLine(ProcPath.BOOT_ID).orElse("");
      bootId = id;
    }
    return id;
  }

  @Override
  public long pidLimit() {
    long limit = pidLimit;
    if (limit == 0) {
      limit = Integer.MAX_VALUE;
      Optional<String> s = readFirstLine(ProcPath.PID_MAX);
      try {
        limit = s.isPresent() ? Long.parseLong(s.get()) : Integer.MAX_VALUE;
      } catch (NumberFormatException e) {
        // keep the largest int: the parser still rejects what no kernel hands out
      }
      pidLimit = limit;
    }
    return limit;
  }

  /**
   * True where other users' processes may be invisible to this process: {@code /proc} is mounted
   * with {@code hidepid} and we are not root. A PID that is not visible may then be alive (as
   * {@code kill(pid, 0)} failing with EPERM would tell), so it must not be called gone.
   */
  boolean hidesProcesses() {
    Boolean hides = hidesProcesses;
    if (hides == null) {
      hides = effectiveUid() != 0 && mountInfoHidesProcesses();
      hidesProcesses = hides;
    }
    return hides;
  }

  private static boolean mountInfoHidesProcesses() {
    try {
      return MountInfo.procHidesProcesses(
          Files.readString(ProcPath.SELF_MOUNTINFO, StandardCharsets.ISO_8859_1));
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public LockHolders lockHolders(Path file) {
    Optional<FileId> id;
    try {
      id = FileId.of(file);
    } catch (IOException e) {
      return new LockHolders.Unavailable("cannot stat " + file + ": " + e.getMessage());
    }
    if (id.isEmpty()) {
      return new LockHolders.Known(List.of()); // no such file: nobody holds a lock on it
    }
    try {
      return new LockHolders.Known(ProcLocks.posixWriteHolders(readLocks(), id.get()));
    } catch (IOException e) {
      return new LockHolders.Unavailable("cannot read " + ProcPath.LOCKS + ": " + e.getMessage());
    }
  }

  /**
   * The kernel lists locks one by one: a line can be skipped when a lock before it is released
   * between two reads of the list. A large buffer makes it one read on all but the busiest systems.
   */
  private static String readLocks() throws IOException {
    try (InputStream in = Files.newInputStream(ProcPath.LOCKS)) {
      byte[] buffer = new byte[LOCKS_READ];
      int n = 0;
      int r;
      while ((r = in.read(buffer, n, buffer.length - n)) > 0) {
        n += r;
        if (n == buffer.length) {
          buffer = Arrays.copyOf(buffer, buffer.length * 2);
        }
      }
      return new String(buffer, 0, n, StandardCharsets.ISO_8859_1);
    }
  }

  @Override
  public boolean findsSessionMembers() {
    return true;
  }

  @Override
  public Optional<PidMark> pidMark() {
    try {
      Optional<String> last = readFirstLine(ProcPath.NS_LAST_PID);
      if (last.isEmpty()) {
        return Optional.empty();
      }
      for (String line : Files.readAllLines(ProcPath.KERNEL_STAT, StandardCharsets.US_ASCII)) {
        if (line.startsWith("processes ")) {
          return Optional.of(
              new PidMark(Long.parseLong(last.get()), Long.parseLong(line.substring(10).trim())));
        }
      }
    } catch (IOException | RuntimeException e) {
      // no mark: callers look at every process
    }
    return Optional.empty();
  }

  @Override
  public List<SessionMember> sessionMembers(
      int session, long minStartTicks, String marker, Optional<PidMark> since) {
    List<SessionMember> found = new ArrayList<>();
    if (session <= 0) {
      return found;
    }
    Optional<PidMark> now = since.isPresent() ? pidMark() : Optional.empty();
    byte[] wanted = marker.getBytes(StandardCharsets.UTF_8);
    long handedOut = now.isPresent() ? since.get().handedOutUntil(now.get(), pidLimit()) : -1;
    if (handedOut >= 0 && handedOut <= PROBE_LIMIT) {
      // Few PIDs were handed out since the mark (after every job): look at each of them rather
      // than list all of /proc, which costs more than the job itself on a busy machine. PIDs and
      // thread ids come from one counter, so a thread of a member is among them: only a thread
      // group's leader is a process.
      long pid = since.get().lastPid();
      try {
        for (long i = 0; i < handedOut; i++) {
          pid = PidMark.next(pid, pidLimit());
          member((int) pid, session, minStartTicks, wanted, true).ifPresent(found::add);
        }
      } catch (RuntimeException e) {
        found.clear(); // as below: what cannot be verified is not reported
      }
      return found;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(ProcPath.ALL)) {
      for (Path dir : ds) {
        String name = dir.getFileName().toString();
        if (name.isEmpty() || !Character.isDigit(name.charAt(0))) {
          continue;
        }
        int pid = Integer.parseInt(name);
        if (now.isPresent() && !since.get().allocatedBetween(pid, now.get(), pidLimit())) {
          continue;
        }
        member(pid, session, minStartTicks, wanted, false).ifPresent(found::add);
      }
    } catch (IOException | RuntimeException e) {
      // /proc unreadable: nothing can be verified, so nothing is reported
    }
    return found;
  }

  /**
   * The whole of a small {@code /proc} file, which reports size 0: read into {@code first} bytes
   * and, only where they filled up, on. A read that returns less than asked has had all there is:
   * the kernel generates such a file in one piece (a second read for end of file, or a first read
   * of one byte as {@link Files#readString} makes, would only add system calls to every detection).
   */
  static String readWhole(Path file, int first) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer buf = ByteBuffer.allocate(first);
      while (ch.read(buf) > 0 && !buf.hasRemaining()) {
        buf = ByteBuffer.allocate(buf.capacity() * 2).put(buf.flip());
      }
      return new String(buf.array(), 0, buf.position(), StandardCharsets.ISO_8859_1);
    }
  }

  /** {@code pid} as a member of {@code session}, if it is one (see {@link #sessionMembers}). */
  private Optional<SessionMember> member(
      int pid, int session, long minStartTicks, byte[] marker, boolean mayBeThread) {
    Optional<ProcStat> st = status(pid).stat();
    if (st.isEmpty()
        || st.get().session() != session
        || st.get().startTicks() < minStartTicks
        || st.get().isZombie()
        || (mayBeThread && !leadsThreadGroup(pid))
        || !ProcEnviron.holds(ProcPath.environ(pid), marker)) {
      return Optional.empty();
    }
    return Optional.of(new SessionMember(pid, st.get().startTicks()));
  }

  /** Whether {@code id} is a process (its thread group's leader), not another of its threads. */
  static boolean leadsThreadGroup(int id) {
    try {
      String status = readWhole(ProcPath.status(id), STATUS_READ);
      int at = status.indexOf("\nTgid:");
      if (at < 0) {
        return false;
      }
      int from = at + "\nTgid:".length();
      int end = status.indexOf('\n', from);
      return Integer.parseInt(status.substring(from, end < 0 ? status.length() : end).trim()) == id;
    } catch (IOException | NumberFormatException e) {
      return false; // gone meanwhile, or unreadable: nothing that could be verified
    }
  }

  private static Optional<String> readFirstLine(Path file) {
    // /proc files report size 0; read a bounded amount instead of trusting the size.
    try (InputStream in = Files.newInputStream(file)) {
      String s = new String(in.readNBytes(256), StandardCharsets.US_ASCII);
      int nl = s.indexOf('\n');
      return Optional.of((nl >= 0 ? s.substring(0, nl) : s).trim());
    } catch (IOException | SecurityException e) {
      return Optional.empty();
    }
  }
}
