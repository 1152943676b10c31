package io.codequery.faults;

import io.codequery.MinimalWorkerDetector;

/**
 * {@link FaultKind#SIGSTOP_SIGCONT}: SIGSTOP the worker; both detectors must still say it runs.
 * Then one of: {@code health} after two heartbeats (it must say unresponsive), {@code stop
 * --timeout 1} (it must escalate to SIGKILL), or nothing; then SIGCONT.
 */
final class FreezeWorker implements Fault {
  @Override
  public void apply(FaultFixture fx, FaultKind kind) throws Exception {
    String root = fx.project.root.toString();
    long w = fx.workers.ensure();
    Os.signal(w, "STOP");
    try {
      Detection d = fx.workers.status();
      fx.violations.check(
          d.running() && d.pid() == w,
          Invariant.LIVE_WORKER_DETECTED,
          "a stopped (SIGSTOP) worker " + w + " detected as " + d);
      var m = new MinimalWorkerDetector(fx.project.root).detect();
      fx.violations.check(
          m.isRunning(),
          Invariant.LIVE_WORKER_DETECTED,
          "minimal detector on a stopped worker: " + m);
      int choice = fx.rnd.nextInt(10);
      if (choice < 3) {
        Thread.sleep(2600); // two heartbeat intervals
        Bounded.Result h = fx.commands.cli("worker", "health", "--json", "--project-root", root);
        fx.violations.check(
            h.code() == 1 && h.out().matches("(?s).*\"process_responsive\":\\s*false.*"),
            Invariant.HEALTH,
            "a worker stopped for two heartbeats must be reported unresponsive: " + h.oneLine());
        fx.figures.note("sigstop health after 2 intervals");
      } else if (choice < 5) {
        Bounded.Result s =
            fx.commands.cli("worker", "stop", "--timeout", "1", "--project-root", root);
        fx.violations.check(
            s.code() == 0 && s.out().contains("SIGKILL"),
            Invariant.STOP,
            "stop of a stopped worker escalates to SIGKILL: " + s.oneLine());
        fx.figures.note("sigstop then stop (SIGKILL)");
      } else {
        fx.figures.note("sigstop detect, sigcont");
      }
    } finally {
      Os.signal(w, "CONT");
    }
  }
}
