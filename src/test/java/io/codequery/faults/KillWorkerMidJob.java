package io.codequery.faults;

import io.codequery.store.JobState;
import java.time.Duration;

/**
 * {@link FaultKind#KILL9_MID_JOB}: commits files, waits until the queue shows a job running, and
 * kills the worker with SIGKILL. Never {@code running} afterwards; the job is redone once its lease
 * runs out (checked at the end of the run: {@link Invariants#noLostJob}).
 */
final class KillWorkerMidJob implements Fault {
  @Override
  public void apply(FaultFixture fx, FaultKind kind) throws Exception {
    long w = fx.workers.ensure();
    fx.commits.commit(2 + fx.rnd.nextInt(2));
    boolean midJob =
        Poll.until(Duration.ofSeconds(20), () -> fx.project.jobs(JobState.RUNNING) > 0);
    fx.figures.note(
        "kill9-mid-job "
            + (midJob ? "while a job ran" : "no job seen running (queue drained first)"));
    fx.workers.kill9(w);
    Detection d = fx.workers.status();
    fx.violations.check(
        !d.running(),
        Invariant.NEVER_RUNNING_FOR_A_DEAD_PROCESS,
        "status after kill -9 mid-job: " + d);
  }
}
