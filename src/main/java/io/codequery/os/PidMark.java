package io.codequery.os;

/**
 * Where the kernel's PID allocation stood: the last PID handed out in this namespace ({@code
 * ns_last_pid}) and the forks since boot (every namespace's). A process started after the mark has
 * a PID in the cyclic range after {@code lastPid} — as long as fewer forks than half the PID space
 * happened since, so that the allocation cannot have wrapped all the way round.
 */
public record PidMark(long lastPid, long forks) {
  /**
   * True where {@code pid} may have been handed out between this mark and {@code later}; always
   * true where that cannot be told (too many forks since, or marks out of order).
   */
  /**
   * How many PIDs were handed out in this namespace between this mark and {@code later} (the cyclic
   * range after {@code lastPid} up to {@code later.lastPid}); -1 where that cannot be told (too
   * many forks since, or marks out of order).
   */
  public long handedOutUntil(PidMark later, long pidLimit) {
    long forksSince = later.forks - forks;
    if (forksSince < 0 || forksSince >= pidLimit / 2) {
      return -1;
    }
    // Wrapped: from after lastPid up to the largest PID, then from 1 up to later.lastPid.
    return lastPid <= later.lastPid
        ? later.lastPid - lastPid
        : pidLimit - 1 - lastPid + later.lastPid;
  }

  /** The PID after {@code pid}, as the kernel hands them out (after the largest comes 1). */
  public static long next(long pid, long pidLimit) {
    return pid + 1 >= pidLimit ? 1 : pid + 1;
  }

  public boolean allocatedBetween(long pid, PidMark later, long pidLimit) {
    long forksSince = later.forks - forks;
    if (forksSince < 0 || forksSince >= pidLimit / 2) {
      return true;
    }
    return lastPid <= later.lastPid
        ? pid > lastPid && pid <= later.lastPid
        : pid > lastPid || pid <= later.lastPid;
  }
}
