package io.codequery.process;

import io.codequery.pidfile.PidFileRead;
import io.codequery.pidfile.PidFileReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Who the worker is, as it recorded itself in {@code worker.identity} beside the PID file: enough
 * to tell the process that wrote the PID file from any later holder of the same PID.
 *
 * @param pid the worker's PID
 * @param startTicks start time in clock ticks since boot (Linux {@code /proc/<pid>/stat} field 22),
 *     or -1 where unknown
 * @param startMillis start time as epoch milliseconds ({@code ProcessHandle.Info.startInstant}), or
 *     -1 where unknown
 * @param bootId the boot the worker ran in ("" where the OS does not tell)
 * @param root the project root the worker serves (real path)
 */
public record WorkerIdentity(
    int pid, long startTicks, long startMillis, String bootId, String root) {
  private static final String VERSION = "1";

  /**
   * The record file's text: one {@code key=value} per line. In the root, a backslash is written
   * {@code \\} and a newline {@code \n}, so that it stays on its line; nothing else is escaped,
   * which keeps the shell detector's comparison to two substitutions it can make with builtins.
   */
  public byte[] format() {
    String s =
        "version="
            + VERSION
            + "\n"
            + "pid="
            + pid
            + "\n"
            + "start_ticks="
            + startTicks
            + "\n"
            + "start_millis="
            + startMillis
            + "\n"
            + "boot_id="
            + bootId
            + "\n"
            + "root="
            + escape(root)
            + "\n";
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** An identity record never needs more: a few numbers and a root of at most PATH_MAX. */
  public static final int MAX_BYTES = 8192;

  /** Reads and parses a record file safely (no links, bounded); empty where there is none. */
  public static Optional<WorkerIdentity> read(Path file) {
    PidFileRead read = PidFileReader.readBounded(file, MAX_BYTES);
    if (read instanceof PidFileRead.Content c) {
      return parse(new String(c.bytes(), StandardCharsets.UTF_8));
    }
    return Optional.empty();
  }

  /** Parses a record file; empty where it is not one (truncated, garbage, unknown version). */
  public static Optional<WorkerIdentity> parse(String text) {
    // format() ends every line with a newline. A record cut short (truncated, or torn by a writer
    // that is not ours) must not parse: its last line would pass for a shorter root ("/tmp/" of
    // "/tmp/project"), and the detector would call a live worker another project's and remove its
    // PID file.
    if (!text.endsWith("\n") || text.indexOf('\0') >= 0) {
      return Optional.empty(); // NUL: no worker writes one, and the shell detector cannot read it
    }
    Map<String, String> kv = new HashMap<>();
    for (String line : text.split("\n", -1)) {
      if (line.isEmpty()) {
        continue;
      }
      int eq = line.indexOf('=');
      if (eq <= 0) {
        return Optional.empty();
      }
      kv.put(line.substring(0, eq), line.substring(eq + 1));
    }
    if (!VERSION.equals(kv.get("version"))) {
      return Optional.empty();
    }
    // Numbers as format() writes them, and nothing else ("+5", "007" and "-0" are refused): the
    // shell detector compares them as text.
    long pid = number(kv.get("pid"));
    long ticks = number(kv.get("start_ticks"));
    long millis = number(kv.get("start_millis"));
    String boot = kv.get("boot_id");
    Optional<String> root = unescape(kv.get("root"));
    if (pid <= 0
        || pid > Integer.MAX_VALUE
        || ticks < -1
        || millis < -1
        || boot == null
        || root.isEmpty()
        || root.get().isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new WorkerIdentity((int) pid, ticks, millis, boot, root.get()));
  }

  /** "-1", "0" or ASCII digits without a leading zero (at most 18); else -2. */
  static long number(String s) {
    if (s == null || s.isEmpty()) {
      return -2;
    }
    if (s.equals("-1")) {
      return -1;
    }
    if (s.length() > 18 || (s.charAt(0) == '0' && s.length() > 1)) {
      return -2;
    }
    long v = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -2;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  static String escape(String s) {
    return s.replace("\\", "\\\\").replace("\n", "\\n");
  }

  static Optional<String> unescape(String s) {
    if (s == null) {
      return Optional.empty();
    }
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '\\') {
        out.append(c);
        continue;
      }
      if (++i == s.length()) {
        return Optional.empty();
      }
      switch (s.charAt(i)) {
        case '\\' -> out.append('\\');
        case 'n' -> out.append('\n');
        default -> {
          return Optional.empty();
        }
      }
    }
    return Optional.of(out.toString());
  }
}
