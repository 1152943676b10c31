package io.codequery.faults;

/**
 * What the current iteration owns besides its strangers (those are in {@link Bystanders}): its
 * number, whether it wrote or replaced {@code worker.pid} itself, and where the worker's log stood
 * when it began. Read and written by the run's own thread only.
 */
final class Iteration {
  private int number = -1;
  private boolean pidFileTampered;
  private long logOffset;

  /** A new iteration: nothing tampered with yet, the log read from {@code logOffset} on. */
  void begin(int number, long logOffset) {
    this.number = number;
    this.logOffset = logOffset;
    this.pidFileTampered = false;
  }

  int number() {
    return number;
  }

  /**
   * This iteration wrote, removed or replaced {@code worker.pid} itself, so the worker's rewriting
   * it is expected, not a sign that a detector removed it.
   */
  void pidFileTampered() {
    pidFileTampered = true;
  }

  boolean tamperedWithPidFile() {
    return pidFileTampered;
  }

  long logOffset() {
    return logOffset;
  }
}
