package io.codequery.queue;

import io.codequery.log.WorkerLog;
import io.codequery.worker.SelfFence;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The worker's job slots: one long-lived thread per slot, each claiming and running one job at a
 * time through its own {@link QueueTask}. Leases, timeouts, graceful stop and at-least-once
 * delivery hold per slot, as they do for a single consumer; the claim itself keeps two jobs of one
 * file from running at once.
 *
 * <p>Why threads that live as long as the worker: a job's command gets a parent-death signal, which
 * Linux sends when the <em>thread</em> that started it ends; a pooled thread retired while its
 * command runs would kill a healthy job.
 *
 * <p>Idle slots sleep until offered work ({@link #offer}): at a heartbeat (one slot), when jobs
 * arrive (all of them), or by a slot that just finished one (there may be more).
 */
public final class JobSlots implements AutoCloseable {
  private final List<QueueTask> tasks;
  private final WorkerLog log;
  private final Offers offers;
  private final CountDownLatch ended;
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean stopping;
  private volatile boolean started;

  /** Work offered to idle slots: a count of permits, at most one per slot. */
  private static final class Offers {
    private final int max;
    private int permits;
    private boolean closed;

    Offers(int max) {
      this.max = max;
    }

    synchronized void offer(int n) {
      permits = Math.min(max, permits + n);
      notifyAll();
    }

    /** Blocks until offered (true) or closed (false). */
    synchronized boolean take() throws InterruptedException {
      while (permits == 0 && !closed) {
        wait();
      }
      if (closed) {
        return false;
      }
      permits--;
      return true;
    }

    synchronized void close() {
      closed = true;
      notifyAll();
    }
  }

  /**
   * @param tasks one per slot; each must have an owner of its own
   */
  public JobSlots(List<QueueTask> tasks, WorkerLog log) {
    if (tasks.isEmpty()) {
      throw new IllegalArgumentException("at least one slot");
    }
    this.tasks = List.copyOf(tasks);
    this.log = log;
    this.offers = new Offers(tasks.size());
    this.ended = new CountDownLatch(tasks.size());
  }

  public int size() {
    return tasks.size();
  }

  /** Starts the slot threads; {@code onSlotEnd} is called as each one ends. */
  public synchronized void start(Runnable onSlotEnd) {
    if (started) {
      throw new IllegalStateException("slots already started");
    }
    started = true;
    for (int i = 0; i < tasks.size(); i++) {
      QueueTask task = tasks.get(i);
      Thread t = new Thread(() -> runSlot(task, onSlotEnd), "job-slot-" + (i + 1));
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
    offers.offer(tasks.size()); // look for work left from before at once
  }

  private void runSlot(QueueTask task, Runnable onSlotEnd) {
    try {
      while (!stopping) {
        boolean worked;
        try {
          worked = task.runOnce();
        } catch (RuntimeException | LinkageError e) {
          // A slot never dies of a failing claim (a locked or broken database): it is logged and
          // the slot waits for the next offer (at the latest, the next heartbeat).
          log.tryAppend("queue", Thread.currentThread().getName() + ": " + e);
          worked = false;
        }
        if (worked) {
          offers.offer(1); // more may be due: let an idle slot look too
          continue;
        }
        if (!offers.take()) {
          break;
        }
      }
    } catch (InterruptedException e) {
      // the slot ends; the worker is closing
    } finally {
      ended.countDown();
      onSlotEnd.run();
    }
  }

  /** Wakes idle slots to look for due jobs: all of them, or one. */
  public void offer(boolean allSlots) {
    offers.offer(allSlots ? tasks.size() : 1);
  }

  /** Fences every slot with {@code fence} (see {@link QueueTask#fenceWith}). */
  public void fenceWith(SelfFence fence) {
    tasks.forEach(t -> t.fenceWith(fence));
  }

  /** The jobs running now. */
  public List<String> currentJobs() {
    List<String> now = new ArrayList<>();
    for (QueueTask t : tasks) {
      String c = t.current();
      if (!c.isEmpty()) {
        now.add(c);
      }
    }
    return now;
  }

  /** The job most recently started by any slot, "" before the first. */
  public String lastJob() {
    QueueTask latest = null;
    for (QueueTask t : tasks) {
      if (t.lastStartedNanos() != 0
          && (latest == null || t.lastStartedNanos() - latest.lastStartedNanos() > 0)) {
        latest = t;
      }
    }
    return latest == null ? "" : latest.lastStarted();
  }

  /** Asks every slot to finish or hand back its job, then end; returns at once. */
  public void requestStop() {
    stopping = true;
    tasks.forEach(QueueTask::requestStop);
    offers.close();
  }

  /** True once every started slot has ended. */
  public boolean stopped() {
    return !started || ended.getCount() == 0;
  }

  @Override
  public void close() {
    requestStop();
    tasks.forEach(QueueTask::close);
  }
}
