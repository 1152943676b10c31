package io.codequery.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Facts about the running kernel, read once per JVM. */
public final class Platform {
  private static final Path PROC = Path.of("/proc");
  private static final boolean HAS_PROC = Files.isDirectory(PROC.resolve("self"));
  private static final String BOOT_ID = readFirstLine(PROC.resolve("sys/kernel/random/boot_id"), "");
  private static final long PID_LIMIT = readPidLimit();

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
      try (java.io.InputStream in = Files.newInputStream(file)) {
        s = new String(in.readNBytes(256), StandardCharsets.US_ASCII);
      }
      int nl = s.indexOf('\n');
      return (nl >= 0 ? s.substring(0, nl) : s).trim();
    } catch (IOException | SecurityException e) {
      return fallback;
    }
  }
}
