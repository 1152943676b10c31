package io.codequery.store;

import java.util.Locale;

/** Where a worker life stands, as the registry stores it. */
public enum WorkerState {
  /** Registered and taking jobs. */
  RUNNING,
  /** Stopping: its slots finish or hand back their jobs; it takes no new ones. */
  DRAINING,
  /** Exited gracefully (it said so itself). */
  STOPPED,
  /** Its heartbeat stopped for longer than three intervals (marked by a reaper). */
  DEAD;

  /** The lower-case name stored in the database ({@code "running"}, …). */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The state named {@code id} (as {@link #id()} spells it). */
  public static WorkerState of(String id) {
    for (WorkerState s : values()) {
      if (s.id().equals(id)) {
        return s;
      }
    }
    throw new IllegalArgumentException(
        "unknown worker state \"" + id + "\" (known: running, draining, stopped, dead)");
  }

  /** True for a life that has not ended: running or draining. */
  public boolean alive() {
    return this == RUNNING || this == DRAINING;
  }
}
