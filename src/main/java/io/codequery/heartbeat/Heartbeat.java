package io.codequery.heartbeat;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The worker's heartbeat record ({@code worker.heartbeat}), rewritten atomically every interval by
 * the worker's main loop, so a stopped or hung worker stops beating.
 *
 * @param pid the worker that wrote it
 * @param timeMillis when it was written (epoch ms)
 * @param intervalMillis how often the worker writes it
 * @param state what the worker was doing ("idle", "processing", "stopping")
 * @param detail the current or last job, free text, may be empty
 */
public record Heartbeat(
    int pid, long timeMillis, long intervalMillis, String state, String detail) {

  /** A heartbeat older than this many intervals means the worker is not responsive. */
  public static final double MAX_AGE_INTERVALS = 1.5;

  public byte[] format() {
    return ("pid="
            + pid
            + "\n"
            + "time_millis="
            + timeMillis
            + "\n"
            + "interval_millis="
            + intervalMillis
            + "\n"
            + "state="
            + oneLine(state)
            + "\n"
            + "detail="
            + oneLine(detail)
            + "\n")
        .getBytes(StandardCharsets.UTF_8);
  }

  public boolean isFresh(long nowMillis) {
    return nowMillis - timeMillis <= (long) (MAX_AGE_INTERVALS * intervalMillis);
  }

  public static Optional<Heartbeat> parse(String text) {
    Map<String, String> kv = new HashMap<>();
    for (String line : text.split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        kv.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    try {
      return Optional.of(
          new Heartbeat(
              Integer.parseInt(kv.getOrDefault("pid", "")),
              Long.parseLong(kv.getOrDefault("time_millis", "")),
              Long.parseLong(kv.getOrDefault("interval_millis", "")),
              kv.getOrDefault("state", ""),
              kv.getOrDefault("detail", "")));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static String oneLine(String s) {
    return s == null ? "" : s.replace('\n', ' ').replace('\r', ' ');
  }
}
