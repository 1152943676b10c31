package io.codequery.queue;

import io.codequery.os.ProcessTable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Ends a child process and everything it started: SIGTERM to the whole tree, a short grace, then
 * SIGKILL to whatever is left. The tree is snapshotted before the first signal because once the
 * child dies its children are re-parented and {@link ProcessHandle#descendants()} no longer finds
 * them. {@link ProcessHandle} signals check the process start time, so a recycled PID is never hit.
 */
final class KillProcessTree {
  private KillProcessTree() {}

  /** Kills {@code process} and its descendants; returns once they are gone or after ~2 graces. */
  static void kill(Process process, Duration grace) {
    Map<Long, ProcessHandle> tree = snapshot(process.toHandle());
    tree.values().forEach(ProcessHandle::destroy);
    awaitGone(tree.values(), grace);
    // Anything forked while the tree was shutting down is still reachable from the survivors.
    for (ProcessHandle h : List.copyOf(tree.values())) {
      if (running(h)) {
        tree.putAll(snapshot(h));
      }
    }
    tree.values().stream().filter(KillProcessTree::running).forEach(ProcessHandle::destroyForcibly);
    awaitGone(tree.values(), grace);
    try {
      process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS); // reap our own child
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Map<Long, ProcessHandle> snapshot(ProcessHandle root) {
    Map<Long, ProcessHandle> tree = new LinkedHashMap<>();
    root.descendants().forEach(h -> tree.put(h.pid(), h));
    tree.put(root.pid(), root);
    return tree;
  }

  private static void awaitGone(Iterable<ProcessHandle> handles, Duration grace) {
    long deadline = System.nanoTime() + grace.toNanos();
    List<ProcessHandle> left = new ArrayList<>();
    handles.forEach(left::add);
    while (System.nanoTime() < deadline) {
      left.removeIf(h -> !running(h));
      if (left.isEmpty()) {
        return;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /**
   * Alive and not a zombie. A killed grandchild whose parent died first is re-parented to PID 1,
   * which in a container may never reap it: it stays "alive" to {@link ProcessHandle#isAlive()} but
   * has already ended.
   */
  static boolean running(ProcessHandle h) {
    // Zombie (Z) and dead (X) both count as ended; where the OS cannot tell, ProcessHandle decides.
    return h.isAlive() && ProcessTable.system().status((int) h.pid()).isAlive();
  }
}
