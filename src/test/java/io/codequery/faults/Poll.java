package io.codequery.faults;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits on a condition with a deadline, looking every 25 ms. */
final class Poll {
  private Poll() {}

  /** True as soon as {@code condition} holds; false if it still does not after {@code timeout}. */
  static boolean until(Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (condition.getAsBoolean()) {
        return true;
      }
      if (System.nanoTime() > deadline) {
        return false;
      }
      try {
        Thread.sleep(25);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
  }
}
