package io.codequery.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.codequery.testing.SettableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The worker registry's contract ({@link WorkerRegistry}), written once: each store runs these
 * tests through a subclass that says how to open an empty store and its registry. Times pass
 * through {@link #passTime}, so that a store on a database clock can let real time pass instead;
 * the intervals are short for that reason.
 */
public abstract class WorkerRegistryContract {
  /** The workers' heartbeat interval in these tests: dead after three of them. */
  protected static final Duration BEAT = Duration.ofMillis(200);

  protected static final Duration LEASE = Duration.ofSeconds(30);

  protected final SettableClock clock = new SettableClock();
  protected Store store;
  protected WorkerRegistry registry;

  /** A new, empty store reading the time from {@code clock} (where it reads a host's clock). */
  protected abstract Store newStore(SettableClock clock);

  /** The registry of {@code store}. */
  protected abstract WorkerRegistry registryOf(Store store);

  /** Lets {@code d} pass on the store's clock. */
  protected void passTime(Duration d) {
    clock.advance(d);
  }

  @BeforeEach
  void openStore() {
    store = newStore(clock);
    registry = registryOf(store);
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  protected static NewWorker worker(String host, long pid, String claimOwner) {
    return new NewWorker(
        host,
        "machine-" + host + "/boot-1/pid:[4026531836]",
        pid,
        123_456,
        "/srv/project",
        "1.2.3",
        claimOwner,
        BEAT,
        Duration.ofSeconds(600));
  }

  @Test
  void a_registered_worker_is_running_with_what_it_said_and_a_fresh_random_id() {
    WorkerRecord a = registry.register(worker("alpha", 4242, "pid-4242-aaaa"));
    WorkerRecord b = registry.register(worker("beta", 4242, "pid-4242-bbbb"));
    assertNotEquals(a.workerId(), b.workerId(), "PIDs collide across hosts; ids never do");
    assertEquals(36, a.workerId().length(), "a UUID: " + a.workerId());
    assertEquals(
        List.of(
            "alpha",
            "machine-alpha/boot-1/pid:[4026531836]",
            4242L,
            123_456L,
            "/srv/project",
            "1.2.3",
            "pid-4242-aaaa",
            WorkerState.RUNNING,
            false,
            BEAT,
            Duration.ofSeconds(600),
            0L),
        List.of(
            a.host(),
            a.hostId(),
            a.pid(),
            a.processStartTicks(),
            a.root(),
            a.version(),
            a.claimOwner(),
            a.state(),
            a.stopRequested(),
            a.heartbeatInterval(),
            a.jobTimeout(),
            a.jobsRunning()));
    assertTrue(a.heartbeatAge().compareTo(BEAT) < 0, "just registered: " + a.heartbeatAge());
    assertEquals(
        List.of(b.workerId(), a.workerId()),
        registry.workers().stream().map(WorkerRecord::workerId).toList(),
        "newest first");
    assertEquals(Optional.of(a.workerId()), registry.worker(a.workerId()).map(w -> w.workerId()));
    assertEquals(Optional.empty(), registry.worker("no-such-worker"));
  }

  @Test
  void a_heartbeat_renews_the_heartbeat_and_progress_only_where_a_slot_progressed() {
    WorkerRecord w = registry.register(worker("alpha", 1, "pid-1-aaaa"));
    passTime(BEAT.multipliedBy(2));
    assertEquals(new Beat.Recorded(false), registry.heartbeat(w.workerId(), false));
    WorkerRecord after = registry.worker(w.workerId()).orElseThrow();
    assertTrue(after.heartbeatAge().compareTo(BEAT) < 0, "renewed: " + after.heartbeatAge());
    assertTrue(
        after.progressAge().compareTo(BEAT.multipliedBy(2)) >= 0,
        "no slot progressed: " + after.progressAge());
    assertEquals(new Beat.Recorded(false), registry.heartbeat(w.workerId(), true));
    assertTrue(
        registry.worker(w.workerId()).orElseThrow().progressAge().compareTo(BEAT) < 0,
        "progress renewed");
  }

  @Test
  void a_stop_request_is_answered_by_the_workers_next_heartbeat_and_by_nobody_elses() {
    WorkerRecord a = registry.register(worker("alpha", 1, "pid-1-aaaa"));
    WorkerRecord b = registry.register(worker("beta", 2, "pid-2-bbbb"));
    assertEquals(StopRequest.REQUESTED, registry.requestStop(a.workerId()));
    assertTrue(registry.worker(a.workerId()).orElseThrow().stopRequested());
    assertEquals(new Beat.Recorded(true), registry.heartbeat(a.workerId(), true));
    assertEquals(new Beat.Recorded(false), registry.heartbeat(b.workerId(), true));
    assertEquals(StopRequest.UNKNOWN_WORKER, registry.requestStop("no-such-worker"));
    registry.markStopped(b.workerId());
    assertEquals(StopRequest.NOT_RUNNING, registry.requestStop(b.workerId()));
  }

  @Test
  void a_graceful_stop_drains_then_stops_and_an_ended_life_never_comes_back() {
    WorkerRecord w = registry.register(worker("alpha", 1, "pid-1-aaaa"));
    registry.markDraining(w.workerId());
    assertEquals(WorkerState.DRAINING, registry.worker(w.workerId()).orElseThrow().state());
    assertEquals(new Beat.Recorded(false), registry.heartbeat(w.workerId(), true));
    registry.markStopped(w.workerId());
    assertEquals(WorkerState.STOPPED, registry.worker(w.workerId()).orElseThrow().state());
    registry.markDraining(w.workerId());
    assertEquals(new Beat.Ended(), registry.heartbeat(w.workerId(), true));
    assertEquals(WorkerState.STOPPED, registry.worker(w.workerId()).orElseThrow().state());
    assertEquals(new Beat.Ended(), registry.heartbeat("no-such-worker", true));
  }

  @Test
  void a_worker_silent_for_more_than_three_intervals_is_reaped_once_and_the_others_are_not() {
    WorkerRecord silent = registry.register(worker("alpha", 1, "pid-1-aaaa"));
    WorkerRecord draining = registry.register(worker("beta", 2, "pid-2-bbbb"));
    WorkerRecord beating = registry.register(worker("gamma", 3, "pid-3-cccc"));
    WorkerRecord stopped = registry.register(worker("delta", 4, "pid-4-dddd"));
    registry.markDraining(draining.workerId());
    registry.markStopped(stopped.workerId());
    passTime(BEAT.multipliedBy(2));
    registry.heartbeat(beating.workerId(), true);
    assertEquals(List.of(), registry.reap(), "within three intervals: nobody is dead");
    passTime(BEAT.multipliedBy(2));
    registry.heartbeat(beating.workerId(), true);
    List<String> reaped = registry.reap().stream().map(WorkerRecord::workerId).sorted().toList();
    assertEquals(
        List.of(silent.workerId(), draining.workerId()).stream().sorted().toList(), reaped);
    assertEquals(List.of(), registry.reap(), "each life is reaped once");
    assertEquals(WorkerState.DEAD, registry.worker(silent.workerId()).orElseThrow().state());
    assertEquals(WorkerState.RUNNING, registry.worker(beating.workerId()).orElseThrow().state());
    assertEquals(WorkerState.STOPPED, registry.worker(stopped.workerId()).orElseThrow().state());
    assertEquals(
        new Beat.Ended(),
        registry.heartbeat(silent.workerId(), true),
        "a frozen worker that wakes up learns it was reaped");
  }

  @Test
  void a_reaped_workers_jobs_are_claimable_at_once_and_its_late_result_is_refused() {
    store.enqueue("c1", List.of("a.txt", "b.txt"));
    WorkerRecord dies = registry.register(worker("alpha", 1, "pid-1-aaaa"));
    WorkerRecord lives = registry.register(worker("beta", 2, "pid-2-bbbb"));
    Job held = store.claim("pid-1-aaaa-s1", LEASE).orElseThrow();
    Job other = store.claim("pid-2-bbbb-s1", LEASE).orElseThrow();
    assertEquals(1, registry.worker(dies.workerId()).orElseThrow().jobsRunning());
    assertEquals(1, registry.worker(lives.workerId()).orElseThrow().jobsRunning());

    passTime(BEAT.multipliedBy(4));
    registry.heartbeat(lives.workerId(), true);
    assertEquals(Optional.empty(), store.claim("pid-3-cccc-s1", LEASE), "leases still hold");
    assertEquals(1, registry.reap().size());

    Job again = store.claim("pid-3-cccc-s1", LEASE).orElseThrow();
    assertEquals(held.id(), again.id());
    assertEquals(2, again.attempts(), "the reaped run counts as an attempt");
    assertEquals(
        Optional.empty(),
        store.complete(held, new JobResult(0, 1, "")),
        "the reaped worker's late result is fenced off");
    assertTrue(store.complete(other, new JobResult(0, 1, "")).isPresent(), "the live one's holds");
    assertEquals(0, registry.worker(lives.workerId()).orElseThrow().jobsRunning());
  }

  @Test
  void reapers_running_at_once_mark_each_dead_worker_exactly_once() throws Exception {
    List<String> silent = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      silent.add(registry.register(worker("host" + i, i + 1, "pid-" + (i + 1) + "-x")).workerId());
    }
    passTime(BEAT.multipliedBy(4));
    int reapers = 4;
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(reapers);
    try {
      List<Future<List<WorkerRecord>>> answers = new ArrayList<>();
      for (int i = 0; i < reapers; i++) {
        answers.add(
            pool.submit(
                () -> {
                  go.await();
                  return registry.reap();
                }));
      }
      go.countDown();
      List<String> reaped = new ArrayList<>();
      for (Future<List<WorkerRecord>> f : answers) {
        f.get().forEach(w -> reaped.add(w.workerId()));
      }
      assertEquals(silent.stream().sorted().toList(), reaped.stream().sorted().toList());
    } finally {
      pool.shutdownNow();
    }
    assertFalse(registry.workers().stream().anyMatch(w -> w.state().alive()));
    assertInstanceOf(Beat.Ended.class, registry.heartbeat(silent.get(0), true));
  }
}
