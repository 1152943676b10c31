package io.codequery.worker;

import io.codequery.child.RunChild;
import io.codequery.log.WorkerLog;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * Self-fencing on a shared store: a worker cut off from the store ends its jobs' commands and
 * claims nothing before another worker may take those jobs over, and resumes once the store
 * answers.
 *
 * <p>Another worker may take a job over in two ways: when its lease expires (a lease after its last
 * renewal, on the store's clock), and when a reaper marks this life dead (three heartbeat intervals
 * after its last recorded heartbeat) and expires its leases. Both are measured here from the start
 * of the last call that succeeded (the store recorded the renewal after that instant, never
 * before), on the monotonic clock, and the fence falls early enough for the commands to be ended
 * (their whole tree, as a timeout ends them: TERM, then KILL after {@link RunChild#KILL_GRACE})
 * before either can happen — but never sooner than two heartbeat intervals, or half a lease, after
 * the last renewal: one heartbeat slow to answer must not end healthy jobs. (With a heartbeat of
 * one or two seconds, only a command that ends on TERM at once is sure to end before a reaper
 * acts.)
 *
 * <p>On a store of this host only (SQLite: no other worker can take a job over) it {@linkplain
 * #never never} fences: a briefly locked database must not end a healthy job. Thread-safe.
 */
public final class SelfFence {
  /** A heartbeat older than this many intervals lets a reaper take the worker's jobs. */
  static final int DEAD_AFTER_INTERVALS = 3;

  /** How long ending a command's tree may take: TERM, the kill grace, KILL, and a second. */
  static final Duration ENDING = RunChild.KILL_GRACE.plusSeconds(1);

  private static final SelfFence NEVER = new SelfFence(null, Duration.ofSeconds(1), null, () -> 0);

  private final String store;
  private final long heartbeat;
  private final WorkerLog log;
  private final LongSupplier nanos;
  private final AtomicBoolean fenced = new AtomicBoolean();

  /** When the last recorded heartbeat (or registration) started; 0 while no life is registered. */
  private volatile long lastBeatStarted;

  private SelfFence(String store, Duration heartbeat, WorkerLog log, LongSupplier nanos) {
    this.store = store;
    this.heartbeat = heartbeat.toNanos();
    this.log = log;
    this.nanos = nanos;
  }

  /** The fence of a worker whose jobs nobody else can take over: never fenced. */
  public static SelfFence never() {
    return NEVER;
  }

  /**
   * The fence of a worker beating every {@code heartbeat} on the shared store {@code store} (its
   * name in messages, no credentials).
   */
  public static SelfFence onSharedStore(String store, Duration heartbeat, WorkerLog log) {
    return of(store, heartbeat, log, System::nanoTime);
  }

  /** As {@link #onSharedStore}, on the monotonic clock {@code nanos} (a test's). */
  static SelfFence of(String store, Duration heartbeat, WorkerLog log, LongSupplier nanos) {
    if (heartbeat.isZero() || heartbeat.isNegative()) {
      throw new IllegalArgumentException("heartbeat must be positive, was " + heartbeat);
    }
    return new SelfFence(store, heartbeat, log, nanos);
  }

  /** The monotonic clock this fence reads, for the start times handed to it. */
  public long now() {
    return nanos.getAsLong();
  }

  /**
   * The store recorded this life's heartbeat (or its registration) in a call that started at {@code
   * startedNanos}; lifts the fence.
   */
  public void beatRecorded(long startedNanos) {
    lastBeatStarted = startedNanos == 0 ? 1 : startedNanos;
    if (store != null && fenced.compareAndSet(true, false)) {
      log.tryAppend(
          "worker", "the store at " + store + " answers again; no longer fenced, claiming again");
    }
  }

  /** No life of this worker is registered now (it ended): no reaper can take its jobs by age. */
  public void unregistered() {
    lastBeatStarted = 0;
  }

  /** False while the heartbeat is too old for new claims (fenced); true on a store of one host. */
  public boolean mayClaim() {
    if (store == null) {
      return true;
    }
    long now = nanos.getAsLong();
    long silent = beatSilence(now);
    if (silent > heartbeatBound()) {
      announce(silent, "heartbeat");
      return false;
    }
    return true;
  }

  /**
   * True where a job whose lease of {@code lease} was last renewed (or claimed) in a call that
   * started at {@code renewedNanos} must end now: the lease or the heartbeat is about to let
   * another worker take it over.
   */
  public boolean mustEnd(long renewedNanos, Duration lease) {
    if (store == null) {
      return false;
    }
    long now = nanos.getAsLong();
    long leaseNanos = lease.toNanos();
    long sinceRenewal = now - renewedNanos;
    long leaseBound = Math.max(leaseNanos - Math.max(ENDING.toNanos(), heartbeat), leaseNanos / 2);
    if (sinceRenewal > leaseBound) {
      announce(sinceRenewal, "job leases");
      return true;
    }
    long silent = beatSilence(now);
    if (silent > heartbeatBound()) {
      announce(silent, "heartbeat");
      return true;
    }
    return false;
  }

  /** True while this worker is fenced (since its first fenced answer, until a heartbeat lifts). */
  public boolean fenced() {
    return fenced.get();
  }

  private long beatSilence(long now) {
    long last = lastBeatStarted;
    return last == 0 ? Long.MIN_VALUE : now - last;
  }

  /**
   * How long the heartbeat may go unrecorded: a reaper's wait less the ending, 2 beats at least.
   */
  private long heartbeatBound() {
    return Math.max(DEAD_AFTER_INTERVALS * heartbeat - ENDING.toNanos(), 2 * heartbeat);
  }

  private void announce(long silentNanos, String what) {
    if (fenced.compareAndSet(false, true)) {
      log.tryAppend(
          "worker",
          "fenced: the store at "
              + store
              + " has not renewed this worker's "
              + what
              + " for "
              + silentNanos / 1_000_000
              + " ms; claiming nothing and ending running job commands before another worker may"
              + " take their jobs over; check that the PostgreSQL server runs and that this host"
              + " reaches it (network, firewall, max_connections); resuming once it answers");
    }
  }
}
