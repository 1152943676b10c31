package io.codequery.faults;

import io.codequery.testing.Processes;

/**
 * {@link FaultKind#PID_RECYCLED}: kills the worker, then has the kernel hand its PID to a fresh
 * {@code sleep} or forged-argv process ({@link PidRecycler}). Both detectors must say {@code
 * stale}; {@code stop} signals nothing. Not achieved within {@code faults.recycle.seconds} is
 * noted, not a violation.
 */
final class RecycleWorkerPid implements Fault {
  @Override
  public void apply(FaultFixture fx, FaultKind kind) throws Exception {
    if (!PidRecycler.supported()) {
      fx.figures.note("pid-recycle skipped: no /proc/sys/kernel/ns_last_pid");
      return;
    }
    long w = fx.workers.ensure();
    fx.workers.kill9(w);
    boolean forge = fx.rnd.nextBoolean();
    PidRecycler.Outcome o =
        PidRecycler.recycle(
            (int) w,
            fx.settings.recycleBound(),
            () ->
                forge
                    ? fx.bystanders.spawnForger()
                    : new ProcessBuilder("sleep", "1000000").start());
    if (o.process().isEmpty()) {
      fx.figures.note(
          "pid-recycle not achieved within " + fx.settings.recycleBound().toSeconds() + " s");
      System.err.println("[faults] PID " + w + " not recycled within the bound: " + o);
      return;
    }
    Process p = o.process().get();
    fx.bystanders.stranger(p);
    if (forge) {
      fx.bystanders.forged(p);
      Processes.awaitArgv0(p, "java");
    } else {
      Processes.awaitArgv0(p, "sleep");
    }
    fx.figures.note("pid-recycle achieved (" + (forge ? "forged argv" : "sleep") + ")");
    System.err.println(
        "[faults] recycled PID "
            + w
            + " to a fresh "
            + (forge ? "forged-argv" : "sleep")
            + " process in "
            + o.millis()
            + " ms ("
            + o.threads()
            + " threads, "
            + o.spawns()
            + " spawns, "
            + o.rounds()
            + " wraps)");
    fx.figures.noteMax("pid-recycle max ms", (int) o.millis());
    Detection m = fx.workers.minimal();
    fx.violations.check(
        m.outcome().equals("stale"), Invariant.RECYCLED_PID_IS_STALE, "minimal detector: " + m);
    Detection d = fx.workers.status();
    fx.violations.check(
        d.outcome().equals("stale") && d.pid() == w,
        Invariant.RECYCLED_PID_IS_STALE,
        "status: " + d);
    fx.workers.stop();
  }
}
