package io.codequery.worker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.codequery.log.WorkerLog;
import io.codequery.queue.JobQueue;
import io.codequery.store.NewWorker;
import io.codequery.store.StopRequest;
import io.codequery.store.WorkerRegistry;
import io.codequery.store.WorkerState;
import io.codequery.testing.SettableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The worker's life in a real SQLite registry, beat by beat, on a settable clock. */
class RegisterWorkerTest {
  private static final Duration BEAT = Duration.ofSeconds(1);
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path dir;
  final SettableClock clock = new SettableClock();
  final AtomicInteger stopsHandedOn = new AtomicInteger();
  JobQueue queue;
  WorkerRegistry registry;
  WorkerLog log;
  RegisterWorker me;

  @BeforeEach
  void open() {
    queue = JobQueue.open(dir.resolve("queue.db"), 2, Duration.ofSeconds(60), clock);
    registry = queue.workers();
    log = new WorkerLog(dir.resolve("worker.log"), clock);
    me =
        new RegisterWorker(
            registry,
            new NewWorker(
                "host",
                "m/b/pid:[1]",
                7,
                70,
                "/srv/p",
                "1.0",
                "pid-7-aa",
                BEAT,
                Duration.ofMinutes(10)),
            log,
            stopsHandedOn::incrementAndGet);
  }

  @AfterEach
  void close() {
    me.close();
    queue.close();
  }

  String logText() throws Exception {
    return Files.exists(dir.resolve("worker.log"))
        ? Files.readString(dir.resolve("worker.log"))
        : "";
  }

  @Test
  void a_stop_request_is_handed_on_once_and_a_graceful_exit_is_recorded() {
    me.start();
    String id = me.workerId();
    assertEquals(WorkerState.RUNNING, registry.worker(id).orElseThrow().state());
    assertEquals(StopRequest.REQUESTED, registry.requestStop(id));
    me.beat(false, true);
    await().atMost(WAIT).until(() -> stopsHandedOn.get() == 1);
    // A beat while one is in flight is skipped, so beat until one saw the stop.
    await()
        .atMost(WAIT)
        .until(
            () -> {
              me.beat(true, true);
              return registry.worker(id).orElseThrow().state() == WorkerState.DRAINING;
            });
    me.stopped(5_000);
    assertEquals(WorkerState.STOPPED, registry.worker(id).orElseThrow().state());
    assertEquals(1, stopsHandedOn.get(), "handed on once, however many beats see it");
  }

  @Test
  void a_life_reaped_while_silent_registers_again_at_its_next_beat() throws Exception {
    me.start();
    String first = me.workerId();
    clock.advance(BEAT.multipliedBy(4));
    assertEquals(1, registry.reap().size(), "another worker's reaper finds it silent");
    me.beat(false, true);
    await().atMost(WAIT).until(() -> !first.equals(me.workerId()));
    assertNotEquals(first, me.workerId());
    assertEquals(WorkerState.DEAD, registry.worker(first).orElseThrow().state());
    assertEquals(WorkerState.RUNNING, registry.worker(me.workerId()).orElseThrow().state());
    assertEquals(true, logText().contains("the registry holds worker " + first + " as ended"));
  }

  @Test
  void a_store_that_refuses_the_registration_is_logged_once_and_retried_at_each_beat()
      throws Exception {
    queue.close(); // every call fails from now on, as a store gone bad does
    me.start();
    for (int i = 0; i < 5; i++) {
      me.beat(false, true);
      Thread.sleep(50); // let the beat run; the assertion below needs no timing
    }
    me.stopped(5_000); // waits for the beats in flight
    assertEquals(
        1,
        logText().lines().filter(l -> l.contains("not registered in the store")).count(),
        logText());
    assertEquals(null, me.workerId());
  }
}
