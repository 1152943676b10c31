package io.codequery.store;

import java.util.Locale;

/** Where a job is in its life. Declaration order is the order {@link JobQueue#counts()} reports. */
public enum JobState {
  PENDING,
  RUNNING,
  DONE,
  FAILED;

  /** The lower-case name stored in the database and printed in JSON ({@code "pending"}, …). */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The state named {@code id} (as {@link #id()} spells it). */
  public static JobState of(String id) {
    for (JobState s : values()) {
      if (s.id().equals(id)) {
        return s;
      }
    }
    throw new IllegalArgumentException(
        "unknown job state \"" + id + "\" (known: pending, running, done, failed)");
  }
}
