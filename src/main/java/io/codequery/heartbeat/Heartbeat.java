package io.codequery.heartbeat;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The worker's heartbeat record ({@code worker.heartbeat}), rewritten atomically every interval by
 * the worker's loop — a loop that runs no jobs itself, so a stopped or hung worker stops beating
 * and a busy one does not.
 *
 * @param pid the worker that wrote it
 * @param timeMillis when it was written (epoch ms, wall time)
 * @param intervalMillis how often the worker writes it
 * @param state what the worker was doing ("idle", "processing", "stopping")
 * @param detail the jobs running, comma-separated ({@code commit:file}), may be empty
 * @param lastJob the job most recently started, may be empty
 */
public record Heartbeat(
    int pid, long timeMillis, long intervalMillis, String state, String detail, String lastJob) {

  /** A heartbeat older than this many intervals means the worker is not responsive. */
  public static final double MAX_AGE_INTERVALS = 1.5;

  /**
   * A heartbeat dated later than this past now was not written by a worker beating now (a clock set
   * back since, or a forged file): it is not fresh.
   */
  public static final long MAX_FUTURE_MILLIS = 2_000;

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
            + "\n"
            + "last_job="
            + oneLine(lastJob)
            + "\n")
        .getBytes(StandardCharsets.UTF_8);
  }

  /** Written at most 1.5 intervals before {@code nowMillis}, and not in its future. */
  public boolean isFresh(long nowMillis) {
    long age = nowMillis - timeMillis;
    return age <= (long) (MAX_AGE_INTERVALS * intervalMillis) && age >= -MAX_FUTURE_MILLIS;
  }

  /** True where the record is dated beyond the tolerance after {@code nowMillis}. */
  public boolean isFromTheFuture(long nowMillis) {
    return timeMillis - nowMillis > MAX_FUTURE_MILLIS;
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
              kv.getOrDefault("detail", ""),
              kv.getOrDefault("last_job", "")));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static String oneLine(String s) {
    return s == null ? "" : s.replace('\n', ' ').replace('\r', ' ');
  }
}
