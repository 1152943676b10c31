package io.codequery.heartbeat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HeartbeatTest {
  static final long NOW = 1_800_000_000_000L;

  static Heartbeat at(long millis) {
    return new Heartbeat(42, millis, 5_000, "idle", "", "");
  }

  @Test
  void fresh_means_at_most_one_and_a_half_intervals_old() {
    assertTrue(at(NOW).isFresh(NOW));
    assertTrue(at(NOW - 7_500).isFresh(NOW));
    assertFalse(at(NOW - 7_501).isFresh(NOW));
  }

  @Test
  void a_heartbeat_dated_in_the_future_beyond_the_tolerance_is_not_fresh() {
    assertTrue(at(NOW + Heartbeat.MAX_FUTURE_MILLIS).isFresh(NOW), "clock jitter is tolerated");
    assertFalse(at(NOW + Heartbeat.MAX_FUTURE_MILLIS + 1).isFresh(NOW));
    assertFalse(at(NOW + 3_600_000).isFresh(NOW), "an hour ahead: a forged or stale file");
    assertTrue(at(NOW + 3_600_000).isFromTheFuture(NOW));
  }

  @Test
  void it_round_trips_with_the_current_and_the_last_job() {
    Heartbeat h = new Heartbeat(7, NOW, 1_000, "processing", "c1:a, c1:b", "c1:b");
    assertEquals(Optional.of(h), Heartbeat.parse(new String(h.format(), StandardCharsets.UTF_8)));
  }

  @Test
  void a_record_of_the_previous_format_still_parses_with_no_last_job() {
    String old = "pid=7\ntime_millis=5\ninterval_millis=1000\nstate=idle\ndetail=\n";
    assertEquals(Optional.of(new Heartbeat(7, 5, 1_000, "idle", "", "")), Heartbeat.parse(old));
  }
}
