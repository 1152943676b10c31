package io.codequery.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.codequery.store.WorkerRecord;
import io.codequery.store.WorkerState;
import io.codequery.worker.ListWorkers.LocalVerdict;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The states {@code worker list} shows, as design/cluster.md defines them, on literal values. */
class ClassifyWorkerTest {
  static WorkerRecord row(
      WorkerState state, long heartbeatAgeMs, long progressAgeMs, long jobsRunning) {
    return new WorkerRecord(
        "00000000-0000-0000-0000-000000000000",
        "host",
        "m/b/pid:[1]",
        42,
        100,
        "/srv/p",
        "1.0",
        "pid-42-aa",
        state,
        false,
        Duration.ofSeconds(2),
        Duration.ofSeconds(60),
        Instant.EPOCH,
        Duration.ofMillis(heartbeatAgeMs),
        Duration.ofMillis(progressAgeMs),
        jobsRunning);
  }

  // interval 2 s: live <= 3 s, late <= 6 s, beyond: dead (remote) or hung (a verified local
  // process); job timeout 60 s.
  @ParameterizedTest(name = "{0} beat {1} ms ago, progress {2} ms ago, {3} jobs, {4} -> {5}")
  @CsvSource({
    "RUNNING, 0, 0, 0, NOT_THIS_HOST, LIVE",
    "RUNNING, 3000, 3000, 0, NOT_THIS_HOST, LIVE",
    "RUNNING, 3001, 0, 0, NOT_THIS_HOST, LATE",
    "RUNNING, 6000, 0, 0, NOT_THIS_HOST, LATE",
    "RUNNING, 6001, 0, 0, NOT_THIS_HOST, DEAD",
    "RUNNING, 6001, 0, 0, UNKNOWN, DEAD",
    "RUNNING, 6001, 0, 0, ALIVE, HUNG",
    "RUNNING, 500, 0, 0, GONE, DEAD",
    "DRAINING, 500, 0, 1, NOT_THIS_HOST, LIVE",
    "RUNNING, 500, 60001, 1, NOT_THIS_HOST, HUNG",
    "RUNNING, 500, 60001, 0, NOT_THIS_HOST, LIVE",
    "RUNNING, 500, 60000, 2, ALIVE, LIVE",
    "STOPPED, 99999, 0, 0, GONE, STOPPED",
    "DEAD, 0, 0, 0, ALIVE, DEAD",
  })
  void each_row_shows_the_state_the_design_defines(
      WorkerState state,
      long heartbeatAgeMs,
      long progressAgeMs,
      long jobs,
      LocalVerdict local,
      ListedState expected) {
    assertEquals(
        expected, ListWorkers.classify(row(state, heartbeatAgeMs, progressAgeMs, jobs), local));
  }
}
