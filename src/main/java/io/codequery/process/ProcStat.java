package io.codequery.process;

import java.util.Optional;

/**
 * The fields of Linux {@code /proc/<pid>/stat} that identity needs. A pure parser: the command name
 * (field 2) may hold spaces and parentheses, so fields are counted from the last {@code ')'}.
 */
public record ProcStat(char state, int ppid, long startTicks) {

  public boolean isZombie() {
    return state == 'Z' || state == 'X' || state == 'x';
  }

  public static Optional<ProcStat> parse(String line) {
    int close = line.lastIndexOf(')');
    if (close < 0 || close + 2 > line.length()) {
      return Optional.empty();
    }
    String[] f = line.substring(close + 2).trim().split(" +");
    // f[0] is field 3 (state), f[1] field 4 (ppid), f[19] field 22 (starttime in clock ticks).
    if (f.length < 20 || f[0].length() != 1) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new ProcStat(f[0].charAt(0), Integer.parseInt(f[1]), Long.parseLong(f[19])));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
