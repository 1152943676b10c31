package io.codequery.faults;

/**
 * {@link FaultKind#DISK_FULL_ENQUEUE}: files committed while the worker is frozen, then {@code
 * .code-query/} filled before it can ingest them. The worker stays {@code running}; {@code queue
 * add} works or refuses with a message; the hook's refusal to spool is noted by {@link Commits} and
 * the commit queued at the end as the hook told the user.
 */
final class FillDiskWhileEnqueueing implements Fault {
  @Override
  public void apply(FaultFixture fx, FaultKind kind) throws Exception {
    long w = fx.workers.ensure();
    Os.signal(w, "STOP");
    try {
      fx.commits.commit(1 + fx.rnd.nextInt(2));
      fx.disk.fill();
    } finally {
      Os.signal(w, "CONT");
    }
    try {
      Thread.sleep(1500); // the worker tries to ingest into a database that cannot grow
      Bounded.Result q =
          fx.commands.cli("queue", "add", "HEAD", "--project-root", fx.project.root.toString());
      fx.violations.check(
          q.code() == 0 || q.code() == 2 && !q.err().isBlank(),
          Invariant.CLEAR_REFUSAL,
          "queue add on a full disk: " + q.oneLine());
      Detection d = fx.workers.status();
      fx.violations.check(
          d.running() && d.pid() == w,
          Invariant.LIVE_WORKER_DETECTED,
          "full disk while enqueueing: " + d);
    } finally {
      fx.disk.free();
    }
  }
}
