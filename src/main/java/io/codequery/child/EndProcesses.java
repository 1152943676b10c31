package io.codequery.child;

import io.codequery.os.PidMark;
import io.codequery.os.ProcessStatus;
import io.codequery.os.ProcessTable;
import io.codequery.os.SessionMember;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Ends processes: SIGTERM, a grace period, then SIGKILL to what is left, and waits until they are
 * gone. Signals go through {@link ProcessHandle}, which checks the process start time, so a PID
 * recycled between finding and signalling is never hit.
 */
public final class EndProcesses {
  private static final long POLL_MS = 20;

  private EndProcesses() {}

  /**
   * Ends the verified survivors of a child's session (see {@link ProcessTable#sessionMembers});
   * returns how many were found. Used after the child exited, and by a worker that finds a dead
   * worker's job still running.
   */
  public static int endSession(int session, long minStartTicks, String marker, Duration grace) {
    return endSession(session, minStartTicks, marker, Optional.empty(), grace);
  }

  /**
   * As {@link #endSession(int, long, String, Duration)}, looking only at processes started after
   * {@code since} (see {@link PidMark}).
   */
  static int endSession(
      int session, long minStartTicks, String marker, Optional<PidMark> since, Duration grace) {
    List<ProcessHandle> found = handles(members(session, minStartTicks, marker, since));
    if (found.isEmpty()) {
      return 0;
    }
    end(found, grace, () -> handles(members(session, minStartTicks, marker, since)));
    return found.size();
  }

  /** True while any verified member of the session lives. */
  public static boolean sessionAlive(int session, long minStartTicks, String marker) {
    return !members(session, minStartTicks, marker, Optional.empty()).isEmpty();
  }

  /**
   * SIGTERM to {@code first}, up to {@code grace} for them to go, then SIGKILL to them and to what
   * {@code again} finds now (processes forked while the first ones were ending), and up to another
   * grace for those.
   */
  static void end(List<ProcessHandle> first, Duration grace, Supplier<List<ProcessHandle>> again) {
    Map<Long, ProcessHandle> all = new LinkedHashMap<>();
    first.forEach(h -> all.put(h.pid(), h));
    all.values().forEach(ProcessHandle::destroy);
    awaitGone(all.values(), grace);
    again.get().forEach(h -> all.putIfAbsent(h.pid(), h));
    all.values().stream().filter(EndProcesses::running).forEach(ProcessHandle::destroyForcibly);
    awaitGone(all.values(), grace);
  }

  private static List<SessionMember> members(
      int session, long minStartTicks, String marker, Optional<PidMark> since) {
    return ProcessTable.system().sessionMembers(session, minStartTicks, marker, since);
  }

  private static List<ProcessHandle> handles(List<SessionMember> members) {
    List<ProcessHandle> hs = new ArrayList<>();
    for (SessionMember m : members) {
      Optional<ProcessHandle> h = ProcessHandle.of(m.pid());
      h.ifPresent(hs::add);
    }
    return hs;
  }

  static void awaitGone(Iterable<ProcessHandle> handles, Duration grace) {
    long deadline = System.nanoTime() + grace.toNanos();
    List<ProcessHandle> left = new ArrayList<>();
    handles.forEach(left::add);
    while (true) {
      left.removeIf(h -> !running(h));
      if (left.isEmpty() || System.nanoTime() - deadline >= 0) {
        return;
      }
      try {
        Thread.sleep(POLL_MS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /**
   * Alive and not a zombie. A killed grandchild whose parent died first is re-parented to PID 1,
   * which in a container may never reap it: it stays "alive" to {@link ProcessHandle#isAlive()} but
   * has already ended.
   */
  public static boolean running(ProcessHandle h) {
    return h.isAlive()
        && ProcessTable.system().status((int) h.pid()).presence() != ProcessStatus.Presence.EXITED;
  }
}
