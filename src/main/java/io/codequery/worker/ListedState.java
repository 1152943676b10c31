package io.codequery.worker;

import java.util.Locale;

/** A worker's state as {@code worker list} shows it (see {@link ListWorkers#classify}). */
public enum ListedState {
  /** Heartbeat within 1.5 intervals. */
  LIVE,
  /** Heartbeat within 3 intervals; on this host also a verified process that beats no more. */
  LATE,
  /** Heartbeat older than 3 intervals, marked dead, or its process is gone. */
  DEAD,
  /**
   * Heartbeating, but no slot progressed for longer than a job may run while it holds jobs; on this
   * host also a verified process silent for longer than 3 intervals (frozen, stuck).
   */
  HUNG,
  /** Stopped gracefully. */
  STOPPED;

  /** The lower-case name printed ({@code "live"}, …). */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
