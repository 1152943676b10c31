package io.codequery.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.codequery.log.WorkerLog;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fence's bounds on a settable monotonic clock: in time to end a command (the kill grace and a
 * second) before a reaper (3 heartbeats) or the lease could let another worker take a job over,
 * never sooner than 2 heartbeats or half a lease; lifted by the next recorded heartbeat; one line
 * in the log per fenced stretch; never on a store of one host.
 */
class SelfFenceTest {
  private static final Duration BEAT = Duration.ofSeconds(2);
  private static final Duration LEASE = Duration.ofSeconds(30);

  @TempDir Path dir;
  final AtomicLong nanos = new AtomicLong(1_000_000_000L);

  private SelfFence fence() {
    return SelfFence.of(
        "db.example:5432/docs", BEAT, new WorkerLog(dir.resolve("w.log")), nanos::get);
  }

  private void pass(Duration d) {
    nanos.addAndGet(d.toNanos());
  }

  private List<String> fencedLines() throws Exception {
    Path log = dir.resolve("w.log");
    return Files.exists(log)
        ? Files.readAllLines(log, StandardCharsets.UTF_8).stream()
            .filter(l -> l.contains("fenced: the store at db.example:5432/docs"))
            .toList()
        : List.of();
  }

  @Test
  void a_silent_heartbeat_fences_before_a_reaper_could_take_the_jobs() throws Exception {
    SelfFence fence = fence();
    fence.beatRecorded(fence.now());
    long claimed = fence.now();
    pass(Duration.ofMillis(3_999));
    assertTrue(fence.mayClaim());
    assertFalse(fence.mustEnd(claimed, LEASE), "2 of the 3 intervals a reaper waits, less 1 ms");
    assertEquals(Duration.ofSeconds(3), SelfFence.ENDING, "6 s less 3 s to end: 2 intervals");
    pass(Duration.ofMillis(2));
    assertFalse(fence.mayClaim());
    assertTrue(fence.mustEnd(claimed, LEASE));
    assertTrue(fence.fenced());
    assertEquals(1, fencedLines().size(), "one line per fenced stretch");
    assertTrue(fencedLines().get(0).contains("check that the PostgreSQL server runs"));

    fence.beatRecorded(fence.now());
    assertTrue(fence.mayClaim(), "the next recorded heartbeat lifts the fence");
    assertFalse(fence.fenced());
    assertTrue(Files.readString(dir.resolve("w.log")).contains("answers again"));
  }

  @Test
  void a_lease_not_renewed_fences_its_job_before_it_runs_out() {
    SelfFence fence = fence();
    fence.beatRecorded(fence.now());
    Duration shortLease = Duration.ofSeconds(3);
    long renewed = fence.now();
    pass(Duration.ofMillis(1_400));
    fence.beatRecorded(fence.now()); // the heartbeat still gets through
    assertFalse(fence.mustEnd(renewed, shortLease));
    pass(Duration.ofMillis(200));
    assertTrue(fence.mustEnd(renewed, shortLease), "half of a lease too short to leave 3 s");
    assertTrue(fence.mayClaim(), "the heartbeat is recorded: claims go on");
  }

  @Test
  void a_worker_with_no_life_registered_is_fenced_by_its_leases_only() {
    SelfFence fence = fence();
    long claimed = fence.now();
    pass(Duration.ofMillis(26_999));
    assertTrue(fence.mayClaim(), "no life: no reaper can take its jobs by the heartbeat's age");
    assertFalse(fence.mustEnd(claimed, LEASE));
    pass(Duration.ofMillis(2));
    assertTrue(fence.mustEnd(claimed, LEASE), "the lease (30 s) less the time to end (3 s)");
  }

  @Test
  void a_store_of_one_host_never_fences() {
    SelfFence never = SelfFence.never();
    assertTrue(never.mayClaim());
    assertFalse(never.mustEnd(Long.MIN_VALUE / 2, Duration.ofMillis(1)));
  }
}
