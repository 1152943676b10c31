package io.codequery.os;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A pure parser of {@code /proc/<pid>/cmdline}: arguments, each ended by a NUL byte. */
public final class ProcCmdline {
  private ProcCmdline() {}

  /**
   * The arguments, argv[0] first. A last argument without its NUL (the read was cut short, or the
   * process rewrote its arguments) is kept. Empty for an exiting process or a kernel thread.
   */
  public static List<String> split(byte[] raw, int length) {
    List<String> argv = new ArrayList<>();
    int from = 0;
    for (int i = 0; i < length; i++) {
      if (raw[i] == 0) {
        argv.add(new String(raw, from, i - from, StandardCharsets.UTF_8));
        from = i + 1;
      }
    }
    if (from < length) {
      argv.add(new String(raw, from, length - from, StandardCharsets.UTF_8));
    }
    return argv;
  }
}
