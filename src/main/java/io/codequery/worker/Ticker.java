package io.codequery.worker;

/**
 * A monotonic clock in nanoseconds: what the worker's loop schedules on. Unlike wall time it never
 * steps backwards or forwards when the system clock is set, so a clock change can neither stall
 * heartbeats nor fire them in a burst. Only differences between two readings mean anything.
 */
@FunctionalInterface
public interface Ticker {
  long nanos();

  /** {@link System#nanoTime()}. */
  static Ticker system() {
    return System::nanoTime;
  }
}
