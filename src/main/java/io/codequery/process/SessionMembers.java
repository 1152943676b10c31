package io.codequery.process;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Finds the processes of one session that carry one environment marker: what is left of a child
 * command started in a session of its own ({@code setsid}) with {@code NAME=VALUE} in its
 * environment, after its leader exited or its worker died.
 *
 * <p>A process counts only if all of these hold: its session id is the leader's PID, it started no
 * earlier than the leader (clock ticks since boot), and {@code /proc/<pid>/environ} is readable and
 * holds the marker. A recycled session id, an unrelated process, or one whose environment cannot be
 * read never matches. Linux only: elsewhere the list is empty.
 */
public final class SessionMembers {
  private static final Path PROC = Path.of("/proc");
  private static final int ENVIRON_LIMIT = 256 * 1024;

  /** One process found: its PID and start time in clock ticks since boot. */
  public record Member(long pid, long startTicks) {}

  /**
   * Where the kernel's PID allocation stood: the last PID handed out in this namespace ({@code
   * /proc/sys/kernel/ns_last_pid}) and the forks since boot ({@code processes} in {@code
   * /proc/stat}, every namespace's). A process started after the mark has a PID in the cyclic range
   * after {@code lastPid} — as long as fewer forks than half the PID space happened since, so that
   * the allocation cannot have wrapped all the way round.
   */
  public record PidMark(long lastPid, long forks) {
    /** The mark now, where the kernel tells. */
    public static Optional<PidMark> now() {
      if (!Platform.hasProc()) {
        return Optional.empty();
      }
      try {
        long last =
            Long.parseLong(Platform.readFirstLine(PROC.resolve("sys/kernel/ns_last_pid"), ""));
        for (String line : Files.readAllLines(PROC.resolve("stat"), StandardCharsets.US_ASCII)) {
          if (line.startsWith("processes ")) {
            return Optional.of(new PidMark(last, Long.parseLong(line.substring(10).trim())));
          }
        }
      } catch (IOException | RuntimeException e) {
        // no mark: callers scan every process
      }
      return Optional.empty();
    }

    /**
     * True where {@code pid} may have been handed out between this mark and {@code later}; always
     * true where that cannot be told (too many forks since, or marks out of order).
     */
    boolean allocatedBetween(long pid, PidMark later, long pidLimit) {
      long forksSince = later.forks - forks;
      if (forksSince < 0 || forksSince >= pidLimit / 2) {
        return true;
      }
      return lastPid <= later.lastPid
          ? pid > lastPid && pid <= later.lastPid
          : pid > lastPid || pid <= later.lastPid;
    }
  }

  /** The session id and start ticks of one {@code /proc/<pid>/stat} line. */
  record SessionStat(char state, int session, long startTicks) {}

  private SessionMembers() {}

  /**
   * The live (not zombie) processes of session {@code session} started at or after {@code
   * minStartTicks} whose environment holds {@code marker} ({@code NAME=VALUE}, exactly).
   */
  public static List<Member> find(int session, long minStartTicks, String marker) {
    return find(session, minStartTicks, marker, Optional.empty());
  }

  /**
   * As {@link #find(int, long, String)}, looking only at processes started after {@code since}
   * where that can be told from PIDs alone (a child's whole tree started after a mark taken before
   * the child): most of {@code /proc} is then skipped unread.
   */
  public static List<Member> find(
      int session, long minStartTicks, String marker, Optional<PidMark> since) {
    List<Member> found = new ArrayList<>();
    if (!Platform.hasProc() || session <= 0) {
      return found;
    }
    Optional<PidMark> now = since.isPresent() ? PidMark.now() : Optional.empty();
    byte[] wanted = marker.getBytes(StandardCharsets.UTF_8);
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(PROC)) {
      for (Path dir : ds) {
        String name = dir.getFileName().toString();
        if (name.isEmpty() || !Character.isDigit(name.charAt(0))) {
          continue;
        }
        if (now.isPresent()
            && !since
                .get()
                .allocatedBetween(Long.parseLong(name), now.get(), Platform.pidLimit())) {
          continue;
        }
        Optional<SessionStat> st = readStat(dir);
        if (st.isEmpty()
            || st.get().session() != session
            || st.get().startTicks() < minStartTicks
            || isZombie(st.get().state())) {
          continue;
        }
        if (environHolds(dir.resolve("environ"), wanted)) {
          found.add(new Member(Long.parseLong(name), st.get().startTicks()));
        }
      }
    } catch (IOException | RuntimeException e) {
      // /proc unreadable: nothing can be verified, so nothing is reported
    }
    return found;
  }

  /** The start ticks of a process (live or zombie), where readable. */
  public static Optional<Long> startTicks(long pid) {
    return readStat(PROC.resolve(Long.toString(pid))).map(SessionStat::startTicks);
  }

  /**
   * False where {@code pid} is gone or a zombie (exited, not reaped); where there is no {@code
   * /proc}, whether {@link ProcessHandle} still finds it.
   */
  public static boolean running(long pid) {
    if (!Platform.hasProc()) {
      return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
    return readStat(PROC.resolve(Long.toString(pid))).map(s -> !isZombie(s.state())).orElse(false);
  }

  private static Optional<SessionStat> readStat(Path dir) {
    try {
      return parse(Files.readString(dir.resolve("stat"), StandardCharsets.ISO_8859_1));
    } catch (IOException | RuntimeException e) {
      return Optional.empty(); // gone since the listing, or not ours to read
    }
  }

  /**
   * Parses state (field 3), session (field 6) and start time (field 22) of a stat line. The command
   * name (field 2) may hold spaces and parentheses, so fields are counted from the last ')'.
   */
  static Optional<SessionStat> parse(String line) {
    int close = line.lastIndexOf(')');
    if (close < 0 || close + 2 > line.length()) {
      return Optional.empty();
    }
    String[] f = line.substring(close + 2).trim().split(" +");
    if (f.length < 20 || f[0].length() != 1) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new SessionStat(f[0].charAt(0), Integer.parseInt(f[3]), Long.parseLong(f[19])));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static boolean isZombie(char state) {
    return state == 'Z' || state == 'X' || state == 'x';
  }

  static boolean environHolds(Path environ, byte[] wanted) {
    byte[] raw;
    try (InputStream in = Files.newInputStream(environ)) {
      raw = in.readNBytes(ENVIRON_LIMIT);
    } catch (IOException | RuntimeException e) {
      return false; // another user's process, or gone: unverifiable, so not ours
    }
    int from = 0;
    for (int i = 0; i <= raw.length; i++) {
      if (i == raw.length || raw[i] == 0) {
        if (i - from == wanted.length && Arrays.equals(raw, from, i, wanted, 0, wanted.length)) {
          return true;
        }
        from = i + 1;
      }
    }
    return false;
  }
}
