package io.codequery.process;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** Facts about the running kernel, read once per JVM. */
public final class Platform {
  private static final Path PROC = Path.of("/proc");
  private static final boolean HAS_PROC = Files.isDirectory(PROC.resolve("self"));
  private static final String BOOT_ID =
      readFirstLine(PROC.resolve("sys/kernel/random/boot_id"), "");
  private static final long PID_LIMIT = readPidLimit();
  private static final boolean MAY_HIDE_PROCESSES = HAS_PROC && procHidesOthers();

  private Platform() {}

  /** True where {@code /proc/<pid>/…} can be read (Linux). */
  public static boolean hasProc() {
    return HAS_PROC;
  }

  /** This boot's id (Linux {@code boot_id}), or "" where the OS does not tell. */
  public static String bootId() {
    return BOOT_ID;
  }

  /** PIDs are below this: Linux {@code pid_max}, else the largest int. */
  public static long pidLimit() {
    return PID_LIMIT;
  }

  /**
   * True where other users' processes may be invisible to this process: {@code /proc} is mounted
   * with {@code hidepid} and we are not root. A PID that is not visible may then be alive (as
   * {@code kill(pid, 0)} failing with EPERM would tell), so it must not be called gone.
   */
  public static boolean mayHideProcesses() {
    return MAY_HIDE_PROCESSES;
  }

  private static boolean procHidesOthers() {
    try {
      Object uid = Files.getAttribute(PROC.resolve("self"), "unix:uid");
      if (Integer.valueOf(0).equals(uid)) {
        return false;
      }
      String hidepid = null;
      // The last /proc mount in mountinfo is the one on top: "... /proc opts - proc src superopts"
      for (String line :
          Files.readAllLines(PROC.resolve("self/mountinfo"), StandardCharsets.UTF_8)) {
        String[] f = line.split(" ");
        int dash = Arrays.asList(f).indexOf("-");
        if (f.length > 4
            && f[4].equals("/proc")
            && dash > 0
            && dash + 3 < f.length
            && f[dash + 1].equals("proc")) {
          hidepid = "0";
          for (String opt : f[dash + 3].split(",")) {
            if (opt.startsWith("hidepid=")) {
              hidepid = opt.substring("hidepid=".length());
            }
          }
        }
      }
      return hidepid != null && !hidepid.equals("0") && !hidepid.equals("off");
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static long readPidLimit() {
    String s = readFirstLine(PROC.resolve("sys/kernel/pid_max"), "");
    try {
      return s.isEmpty() ? Integer.MAX_VALUE : Long.parseLong(s);
    } catch (NumberFormatException e) {
      return Integer.MAX_VALUE;
    }
  }

  static String readFirstLine(Path file, String fallback) {
    try {
      // /proc files report size 0; read a bounded amount instead of trusting the size.
      String s;
      try (InputStream in = Files.newInputStream(file)) {
        s = new String(in.readNBytes(256), StandardCharsets.US_ASCII);
      }
      int nl = s.indexOf('\n');
      return (nl >= 0 ? s.substring(0, nl) : s).trim();
    } catch (IOException | SecurityException e) {
      return fallback;
    }
  }
}
