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
    // Fields from field 3 on, separated by runs of spaces, the ends trimmed as String.trim() does.
    // Scanned by hand rather than split(" +"): a regular expression compiled on every call was most
    // of the cost of a detection.
    int from = close + 2;
    int to = line.length();
    while (from < to && line.charAt(from) <= ' ') {
      from++;
    }
    while (to > from && line.charAt(to - 1) <= ' ') {
      to--;
    }
    // f[0] is field 3 (state), f[1] field 4 (ppid), f[3] field 6 (session), f[19] field 22
    // (starttime in clock ticks).
    int[] starts = new int[20];
    int[] ends = new int[20];
    int fields = 0;
    int i = from;
    while (i < to && fields < 20) {
      int start = i;
      while (i < to && line.charAt(i) != ' ') {
        i++;
      }
      starts[fields] = start;
      ends[fields++] = i;
      while (i < to && line.charAt(i) == ' ') {
        i++;
      }
    }
    if (fields < 20 || ends[0] - starts[0] != 1) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new ProcStat(
              line.charAt(starts[0]),
              Integer.parseInt(line, starts[1], ends[1], 10),
              Integer.parseInt(line, starts[3], ends[3], 10),
              Long.parseLong(line, starts[19], ends[19], 10)));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
