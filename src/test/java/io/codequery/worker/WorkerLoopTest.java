package io.codequery.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.codequery.heartbeat.Heartbeat;
import io.codequery.testing.SettableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link WorkerLoop} driven by a settable ticker in milliseconds and a waiter that moves it: no
 * threads, no JVMs, no real time. Each test scripts events at given times and reads what the loop
 * did, and when.
 */
class WorkerLoopTest {
  static final Duration BEAT = Duration.ofSeconds(5);
  static final Duration STOP = Duration.ofSeconds(10);
  static final Duration SETTLE = Duration.ofMillis(200);
  static final Duration SETTLE_CAP = Duration.ofSeconds(2);

  /** Monotonic time that only the waiter moves. */
  static final class FakeTicker implements Ticker {
    long nanos = 1_000_000_000L; // not zero: nothing may assume a reading of 0

    @Override
    public long nanos() {
      return nanos;
    }

    long millis() {
      return TimeUnit.NANOSECONDS.toMillis(nanos - 1_000_000_000L);
    }
  }

  /** Waits by moving the ticker to the end of the wait, or to the next scripted event. */
  static final class ScriptedWaiter implements Waiter {
    record Event(long atMillis, int order, Runnable action) {}

    final FakeTicker ticker;
    final PriorityQueue<Event> events =
        new PriorityQueue<>(
            (a, b) ->
                a.atMillis != b.atMillis
                    ? Long.compare(a.atMillis, b.atMillis)
                    : Integer.compare(a.order, b.order));
    boolean woken;
    int waits;

    ScriptedWaiter(FakeTicker ticker) {
      this.ticker = ticker;
    }

    void at(long millis, Runnable action) {
      events.add(new Event(millis, events.size(), action));
    }

    @Override
    public void await(long nanos) {
      if (++waits > 100_000) {
        throw new IllegalStateException("the loop never stopped (at " + ticker.millis() + " ms)");
      }
      if (woken) {
        woken = false;
        return;
      }
      long until = ticker.nanos + nanos;
      Event next = events.peek();
      if (next != null && 1_000_000_000L + next.atMillis * 1_000_000L <= until) {
        events.poll();
        ticker.nanos = Math.max(ticker.nanos, 1_000_000_000L + next.atMillis * 1_000_000L);
        next.action.run();
        woken = false; // the action's own wake is this return
        return;
      }
      ticker.nanos = until;
    }

    @Override
    public void wake() {
      woken = true;
    }
  }

  /** Records what the loop asked of its duties, in ticker milliseconds. */
  static final class RecordingDuties implements WorkerLoop.Duties {
    final FakeTicker ticker;
    final SettableClock wall;
    final List<Long> beatsAt = new ArrayList<>();
    final List<Heartbeat> written = new ArrayList<>();
    final List<WorkerStatus> statuses = new ArrayList<>();
    int selfChecks;
    int repairs;
    final List<String> failures = new ArrayList<>();
    boolean lockLost;

    RecordingDuties(FakeTicker ticker, SettableClock wall) {
      this.ticker = ticker;
      this.wall = wall;
    }

    @Override
    public void beat(WorkerStatus status) {
      beatsAt.add(ticker.millis());
      statuses.add(status);
      written.add(
          new Heartbeat(
              1,
              wall.millis() + ticker.millis(), // wall time runs with the ticker unless set
              BEAT.toMillis(),
              status.state(),
              "",
              status.lastJob()));
    }

    @Override
    public boolean holdsLock() {
      selfChecks++;
      return !lockLost;
    }

    @Override
    public void repairFiles() {
      repairs++;
    }

    @Override
    public void rotateLog() {}

    @Override
    public void failed(String what, RuntimeException e) {
      failures.add(what + ": " + e.getMessage());
    }
  }

  /** A task whose slots are scripted: what runs, when they end. */
  static final class FakeTask implements WorkerTask {
    final FakeTicker ticker;
    final List<Long> ingestsAt = new ArrayList<>();
    final List<Long> offersToAllAt = new ArrayList<>();
    List<String> current = List.of();
    String last = "";
    boolean stopRequested;
    boolean slotsEnd = true;
    boolean ingestFails;
    Runnable wakeLoop;

    FakeTask(FakeTicker ticker) {
      this.ticker = ticker;
    }

    @Override
    public void start(Runnable wakeLoop) {
      this.wakeLoop = wakeLoop;
    }

    @Override
    public int ingest() {
      ingestsAt.add(ticker.millis());
      if (ingestFails) {
        throw new IllegalStateException("disk full");
      }
      return 0;
    }

    @Override
    public void offerWork(boolean allSlots) {
      if (allSlots) {
        offersToAllAt.add(ticker.millis());
      }
    }

    @Override
    public List<String> currentJobs() {
      return current;
    }

    @Override
    public String lastJob() {
      return last;
    }

    @Override
    public void requestStop() {
      stopRequested = true;
    }

    @Override
    public boolean stopped() {
      return stopRequested && slotsEnd;
    }

    @Override
    public void close() {}
  }

  final FakeTicker ticker = new FakeTicker();
  final ScriptedWaiter waiter = new ScriptedWaiter(ticker);
  final SettableClock wall = new SettableClock();
  final RecordingDuties duties = new RecordingDuties(ticker, wall);
  final FakeTask task = new FakeTask(ticker);
  final WorkerLoop loop =
      new WorkerLoop(ticker, waiter, BEAT, STOP, SETTLE, SETTLE_CAP, duties, task);

  @Test
  void it_beats_and_self_checks_once_per_interval_and_sweeps_the_spool_as_often() {
    waiter.at(60_000, loop::requestStop);
    assertEquals(WorkerLoop.Exit.STOPPED, loop.run());
    List<Long> expected = new ArrayList<>();
    for (long t = 5_000; t <= 60_000; t += 5_000) {
      expected.add(t);
    }
    // The beat at 60 s is the "stopping" one: the stop request came first at that instant.
    assertEquals(expected, duties.beatsAt);
    assertEquals(11, duties.selfChecks);
    assertEquals(0L, task.ingestsAt.get(0), "a first sweep at start");
    assertEquals(12, task.ingestsAt.size(), "one sweep per interval, no more");
    assertEquals("stopping", duties.statuses.get(duties.statuses.size() - 1).state());
  }

  @Test
  void an_idle_loop_wakes_at_most_once_per_interval() {
    waiter.at(600_000, loop::requestStop);
    loop.run();
    assertTrue(waiter.waits <= 600 / 5 + 2, waiter.waits + " waits in 600 s");
  }

  @Test
  void a_wall_clock_step_backwards_does_not_stall_the_heartbeat() {
    // At 12 s the system clock is set back an hour (NTP, a user): the heartbeat keeps its cadence,
    // and what it writes carries the new wall time.
    waiter.at(12_000, () -> wall.advance(Duration.ofHours(-1)));
    waiter.at(12_001, () -> {});
    waiter.at(40_000, loop::requestStop);
    loop.run();
    assertEquals(
        List.of(5_000L, 10_000L, 15_000L, 20_000L, 25_000L, 30_000L, 35_000L, 40_000L),
        duties.beatsAt);
    long before = duties.written.get(1).timeMillis();
    long after = duties.written.get(2).timeMillis();
    assertEquals(-3_600_000L + 5_000L, after - before, "wall time only in what is written");
  }

  @Test
  void a_wall_clock_step_forwards_does_not_fire_a_burst_of_beats() {
    waiter.at(7_000, () -> wall.advance(Duration.ofDays(1)));
    waiter.at(20_000, loop::requestStop);
    loop.run();
    assertEquals(List.of(5_000L, 10_000L, 15_000L, 20_000L), duties.beatsAt);
  }

  @Test
  void a_burst_of_twenty_spool_records_in_a_second_is_ingested_with_one_wake_up() {
    for (int i = 0; i < 20; i++) {
      waiter.at(1_000 + i * 50L, loop::spoolChanged);
    }
    waiter.at(4_000, loop::requestStop);
    loop.run();
    // The start-up sweep, then one ingest 200 ms after the last record of the burst.
    assertEquals(List.of(0L, 2_150L), task.ingestsAt);
    assertEquals(List.of(2_150L), task.offersToAllAt);
  }

  @Test
  void a_steady_trickle_of_records_is_still_ingested_within_the_settle_cap() {
    for (int i = 0; i < 100; i++) {
      waiter.at(1_000 + i * 100L, loop::spoolChanged);
    }
    waiter.at(12_000, loop::requestStop);
    loop.run();
    // Never quiet for 200 ms: each ingest comes 2 s after the first change it covers.
    assertEquals(List.of(0L, 3_000L, 5_100L, 7_200L, 9_300L, 11_100L), task.ingestsAt);
  }

  @Test
  void a_single_commit_is_ingested_after_the_settle_delay() {
    waiter.at(1_000, loop::spoolChanged);
    waiter.at(3_000, loop::requestStop);
    loop.run();
    assertEquals(List.of(0L, 1_200L), task.ingestsAt);
  }

  @Test
  void work_added_by_another_process_is_offered_to_the_slots_at_once() {
    waiter.at(1_234, loop::workAdded);
    waiter.at(3_000, loop::requestStop);
    loop.run();
    assertEquals(List.of(1_234L), task.offersToAllAt);
  }

  @Test
  void a_job_running_through_many_beats_shows_as_processing_and_delays_none() {
    waiter.at(
        2_000,
        () -> {
          task.current = List.of("c1:a.txt");
          task.last = "c1:a.txt";
        });
    waiter.at(32_000, () -> task.current = List.of());
    waiter.at(40_000, loop::requestStop);
    loop.run();
    assertEquals(
        List.of(5_000L, 10_000L, 15_000L, 20_000L, 25_000L, 30_000L, 35_000L, 40_000L),
        duties.beatsAt);
    WorkerStatus during = duties.statuses.get(3);
    assertEquals("processing", during.state());
    assertEquals(List.of("c1:a.txt"), during.currentJobs());
    WorkerStatus afterwards = duties.statuses.get(6);
    assertEquals("idle", afterwards.state());
    assertEquals("c1:a.txt", afterwards.lastJob());
  }

  @Test
  void a_stop_waits_for_the_slots_while_still_beating_then_gives_up_at_the_stop_timeout() {
    task.slotsEnd = false;
    task.current = List.of("c1:slow.txt");
    waiter.at(3_000, loop::requestStop);
    assertEquals(WorkerLoop.Exit.STOP_TIMED_OUT, loop.run());
    assertEquals(
        13_000L, ticker.millis(), "returned at the stop timeout, measured from the request");
    assertEquals(List.of(3_000L, 5_000L, 10_000L), duties.beatsAt);
    assertTrue(duties.statuses.stream().skip(1).allMatch(s -> s.state().equals("stopping")));
  }

  @Test
  void a_stop_returns_as_soon_as_the_slots_have_ended() {
    task.slotsEnd = false;
    waiter.at(3_000, loop::requestStop);
    waiter.at(
        4_500,
        () -> {
          task.slotsEnd = true;
          task.wakeLoop.run();
        });
    task.start(loop::nudge);
    assertEquals(WorkerLoop.Exit.STOPPED, loop.run());
    assertEquals(4_500L, ticker.millis());
  }

  @Test
  void a_lost_lock_found_by_the_file_watch_stops_the_loop_at_once() {
    waiter.at(
        2_500,
        () -> {
          duties.lockLost = true;
          loop.filesChanged();
        });
    assertEquals(WorkerLoop.Exit.LOCK_LOST, loop.run());
    assertEquals(2_500L, ticker.millis());
    assertTrue(task.stopRequested, "its jobs were released");
  }

  @Test
  void a_lost_lock_found_at_a_heartbeat_stops_the_loop() {
    waiter.at(7_000, () -> duties.lockLost = true);
    assertEquals(WorkerLoop.Exit.LOCK_LOST, loop.run());
    assertEquals(10_000L, ticker.millis());
  }

  @Test
  void a_failing_ingest_is_reported_and_the_heartbeat_goes_on() {
    task.ingestFails = true;
    waiter.at(20_000, loop::requestStop);
    assertEquals(WorkerLoop.Exit.STOPPED, loop.run());
    assertEquals(List.of(5_000L, 10_000L, 15_000L, 20_000L), duties.beatsAt);
    assertEquals(4, duties.failures.size(), duties.failures.toString());
    assertTrue(duties.failures.get(0).startsWith("ingesting the spool: disk full"));
    assertEquals(3, duties.repairs);
  }
}
