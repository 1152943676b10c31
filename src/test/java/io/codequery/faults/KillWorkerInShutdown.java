package io.codequery.faults;

/**
 * {@link FaultKind#KILL9_SHUTDOWN}: SIGTERM, 0–400 ms, then SIGKILL, before or after the worker
 * withdrew its PID file (noted). Never {@code running} afterwards; no lost job.
 */
final class KillWorkerInShutdown implements Fault {
  @Override
  public void apply(FaultFixture fx, FaultKind kind) throws Exception {
    long w = fx.workers.ensure();
    ProcessHandle h = ProcessHandle.of(w).orElseThrow();
    h.destroy();
    Thread.sleep(fx.rnd.nextInt(400));
    boolean stillHadPidFile = fx.project.pidFileNames(w);
    h.destroyForcibly();
    fx.workers.awaitGone(w);
    fx.figures.note(
        "kill9-shutdown "
            + (stillHadPidFile
                ? "before the PID file was withdrawn"
                : "after the PID file was withdrawn"));
    Detection d = fx.workers.status();
    fx.violations.check(
        !d.running(),
        Invariant.NEVER_RUNNING_FOR_A_DEAD_PROCESS,
        "status after kill -9 in shutdown: " + d);
  }
}
