package io.codequery.os;

import java.util.Optional;

/**
 * The fields of Linux {@code /proc/<pid>/stat} that identity needs. A pure parser: the command name
 * (field 2) may hold spaces and parentheses, so fields are counted from the last {@code ')'}.
 *
 * @param state field 3: R running, S/D sleeping, T/t stopped, Z zombie, X/x dead, …
 * @param ppid field 4
 * @param session field 6: the session id (the PID of the session's leader)
 * @param startTicks field 22: start time in clock ticks since boot
 */
public record ProcStat(char state, int ppid, int session, long startTicks) {

  /** Exited: a zombie awaiting its parent, or dead (X, shown for an instant while it is reaped). */
  public boolean isZombie() {
    return state == 'Z' || state == 'X' || state == 'x';
  }

  /** Stopped by a signal ({@code kill -STOP}) or by a tracer. */
  public boolean isStopped() {
    return state == 'T' || state == 't';
  }

  public static Optional<ProcStat> parse(String line) {
    int close = line.lastIndexOf(')');
    if (close < 0 || close + 2 > line.length()) {
      return Optional.empty();
    }
    String[] f = line.substring(close + 2).trim().split(" +");
    // f[0] is field 3 (state), f[1] field 4 (ppid), f[3] field 6 (session), f[19] field 22
    // (starttime in clock ticks).
    if (f.length < 20 || f[0].length() != 1) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new ProcStat(
              f[0].charAt(0),
              Integer.parseInt(f[1]),
              Integer.parseInt(f[3]),
              Long.parseLong(f[19])));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
