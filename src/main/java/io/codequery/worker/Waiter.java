package io.codequery.worker;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Where the worker's loop waits between its duties: until a timeout passes or {@link #wake()} is
 * called. A wake that arrives while the loop is busy is remembered, so the next wait returns at
 * once and no wake-up is lost.
 */
public interface Waiter {
  /** Waits up to {@code nanos}, or until woken; returns at once if woken since the last return. */
  void await(long nanos) throws InterruptedException;

  /** Ends the current or next wait. Safe from any thread. */
  void wake();

  /** The real waiter: a lock and a condition. */
  static Waiter create() {
    return new Waiter() {
      private final ReentrantLock lock = new ReentrantLock();
      private final Condition woken = lock.newCondition();
      private boolean pending;

      @Override
      public void await(long nanos) throws InterruptedException {
        lock.lock();
        try {
          long left = nanos;
          while (!pending && left > 0) {
            left = woken.awaitNanos(left);
          }
          pending = false;
        } finally {
          lock.unlock();
        }
      }

      @Override
      public void wake() {
        lock.lock();
        try {
          pending = true;
          woken.signalAll();
        } finally {
          lock.unlock();
        }
      }
    };
  }
}
