package io.codequery;

import java.util.OptionalInt;

/**
 * The answer of a worker detector: exactly one of five outcomes.
 *
 * <p>The CLI maps each outcome to an exit status (LSB {@code status} convention); the library
 * itself returns only the outcome.
 */
public sealed interface Detection
    permits Detection.Running,
        Detection.Stale,
        Detection.Invalid,
        Detection.NotRunning,
        Detection.Unknown {

  /** The outcome as the word used in JSON: running, stale, invalid, not_running, unknown. */
  String outcome();

  /** The PID the PID file named, if it named one. */
  OptionalInt pid();

  /** Why the detector decided so, in words a user can act on. */
  String reason();

  /** True where this call removed a stale or invalid PID file. */
  default boolean cleanedUp() {
    return false;
  }

  default boolean isRunning() {
    return this instanceof Running;
  }

  /** PID file valid, process alive and verified as this project's worker. */
  record Running(int processId, String reason) implements Detection {
    public String outcome() {
      return "running";
    }

    public OptionalInt pid() {
      return OptionalInt.of(processId);
    }
  }

  /** PID file valid, but the process is gone or the PID now belongs to another process. */
  record Stale(int processId, String reason, boolean cleanedUp) implements Detection {
    public String outcome() {
      return "stale";
    }

    public OptionalInt pid() {
      return OptionalInt.of(processId);
    }

    public Stale withCleanup(boolean removed, String note) {
      return new Stale(processId, note == null ? reason : reason + "; " + note, removed);
    }
  }

  /** The PID file does not hold a valid PID. */
  record Invalid(String reason, boolean cleanedUp) implements Detection {
    public String outcome() {
      return "invalid";
    }

    public OptionalInt pid() {
      return OptionalInt.empty();
    }

    public Invalid withCleanup(boolean removed, String note) {
      return new Invalid(note == null ? reason : reason + "; " + note, removed);
    }
  }

  /** There is no PID file. */
  record NotRunning(String reason) implements Detection {
    public String outcome() {
      return "not_running";
    }

    public OptionalInt pid() {
      return OptionalInt.empty();
    }
  }

  /** The answer cannot be established; nothing was removed. */
  record Unknown(OptionalInt pid, String reason) implements Detection {
    public String outcome() {
      return "unknown";
    }
  }
}
