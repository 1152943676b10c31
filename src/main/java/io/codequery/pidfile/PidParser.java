package io.codequery.pidfile;

/**
 * Parses the contents of a PID file. A pure function: bytes in, verdict out.
 *
 * <p>A PID is one token of ASCII digits {@code 0-9} (surrounding ASCII whitespace allowed), with no
 * sign and no leading zero, from 1 up to (not including) the OS limit. Non-ASCII digits, which
 * Python's {@code str.isdigit()} accepts, are rejected: no worker writes them. Zero and negative
 * numbers are rejected because {@code kill(0, …)} and {@code kill(-1, …)} address process groups.
 */
public final class PidParser {
  /** Digits in the largest PID any supported kernel hands out (Linux allows up to 2^22). */
  private static final int MAX_DIGITS = 10;

  private PidParser() {}

  /**
   * @param bytes the raw file contents
   * @param pidLimit PIDs must be below this (Linux: {@code /proc/sys/kernel/pid_max})
   */
  public static PidParse parse(byte[] bytes, long pidLimit) {
    int start = 0;
    int end = bytes.length;
    while (start < end && isAsciiSpace(bytes[start])) {
      start++;
    }
    while (end > start && isAsciiSpace(bytes[end - 1])) {
      end--;
    }
    if (start == end) {
      return new PidParse.Rejected(
          bytes.length == 0 ? "empty PID file" : "PID file holds only whitespace");
    }
    for (int i = start; i < end; i++) {
      byte b = bytes[i];
      if (b >= '0' && b <= '9') {
        continue;
      }
      if (isAsciiSpace(b)) {
        return new PidParse.Rejected("PID file holds several tokens, expected one PID");
      }
      if ((b == '+' || b == '-') && i == start) {
        return new PidParse.Rejected("PID has a sign ('" + (char) b + "'), expected digits only");
      }
      return new PidParse.Rejected(
          "PID file holds a character that is not an ASCII digit (" + describe(b) + ")");
    }
    int length = end - start;
    if (bytes[start] == '0') {
      return new PidParse.Rejected(
          length == 1
              ? "PID 0 is not a process (it addresses a process group)"
              : "PID has leading zeros");
    }
    if (length > MAX_DIGITS) {
      return new PidParse.Rejected("PID is too large (" + length + " digits)");
    }
    long value = 0;
    for (int i = start; i < end; i++) {
      value = value * 10 + (bytes[i] - '0');
    }
    if (value >= pidLimit) {
      return new PidParse.Rejected(
          "PID " + value + " is beyond the OS PID range (pid_max " + pidLimit + ")");
    }
    return new PidParse.Valid((int) value);
  }

  static boolean isAsciiSpace(byte b) {
    return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == 0x0B || b == '\f';
  }

  private static String describe(byte b) {
    int v = b & 0xFF;
    if (v >= 0x21 && v < 0x7F) {
      return "'" + (char) v + "'";
    }
    return String.format("byte 0x%02X", v);
  }
}
