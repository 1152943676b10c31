package io.codequery.faults;

import io.codequery.store.JobState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@link FaultKind#ORPHANED_JOB}: the worker dies ({@code kill -9}, or {@code stop --timeout 0},
 * which kills at once) while a job runs whose command left a background grandchild ({@code sleep
 * 60}) and waits for a {@code sleep 2}: those outlive the worker. Beside them, a stranger carrying
 * that very run's job marker in its environment, in a session of its own. Then the next worker: it
 * must end every process of the dead run before the job runs again (the job script itself records
 * any process of an earlier run alive at its start: an overlap), must not signal the stranger
 * (checked after the iteration), and the finished job leaves nothing running either.
 */
final class OrphanJobCommand implements Fault {
  @Override
  public void apply(FaultFixture fx, FaultKind kind) throws Exception {
    String root = fx.project.root.toString();
    long w = fx.workers.ensure();
    boolean stopAtOnce = fx.rnd.nextInt(3) == 0;
    Commits.Committed c = fx.commits.commitOne("orphan-");
    String n = c.file();
    if (!Poll.until(Duration.ofSeconds(30), () -> runs(fx, n) >= 1)) {
      fx.figures.note("orphan job not seen starting within 30 s (slots busy)");
      return;
    }
    List<Long> firstRun = pids(fx, n);
    Optional<String> marker = Os.environ(firstRun.get(0), "CODE_QUERY_JOB");
    if (marker.isPresent()) {
      // setsid execs in place (the child is no group leader): the PID is the sleep's.
      ProcessBuilder pb = new ProcessBuilder("setsid", "sleep", "1000");
      Map<String, String> env = pb.environment();
      env.put("CODE_QUERY_JOB", marker.get());
      fx.bystanders.stranger(pb.start());
    }
    if (stopAtOnce) {
      Bounded.Result s =
          fx.commands.cli("worker", "stop", "--timeout", "0", "--project-root", root);
      fx.violations.check(
          s.code() == 0, Invariant.STOP, "stop --timeout 0 mid-job: " + s.oneLine());
      fx.workers.awaitGone(w);
    } else {
      fx.workers.kill9(w);
    }
    if (fx.project.job(c.job()).map(j -> j.state() == JobState.DONE).orElse(false)) {
      // A dead worker records nothing: the run ended (its 2 s are up) before the kill landed.
      fx.figures.note("orphan job finished before the worker died (busy machine)");
      return;
    }
    long survivors = firstRun.stream().filter(Os::aliveNotZombie).count();
    fx.figures.note(
        "orphan job after "
            + (stopAtOnce ? "stop --timeout 0" : "kill -9")
            + ": "
            + (survivors > 0 ? "processes outlived the worker" : "none outlived the worker"));

    fx.workers.ensure();
    boolean again = Poll.until(Duration.ofSeconds(60), () -> runs(fx, n) >= 2);
    fx.violations.check(
        again,
        Invariant.ORPHANS_ENDED,
        "job " + c.job() + " did not run again within 60 s of the next worker's start");
    List<String> overlaps =
        fx.project.jobRuns().stream().filter(l -> l.startsWith("overlap " + n + " ")).toList();
    fx.violations.check(
        overlaps.isEmpty(),
        Invariant.NO_JOB_RUNS_TWICE_AT_ONCE,
        "job " + c.job() + " ran again while its dead run lived on: " + overlaps);
    List<Long> stillAlive = firstRun.stream().filter(Os::aliveNotZombie).toList();
    fx.violations.check(
        stillAlive.isEmpty(),
        Invariant.ORPHANS_ENDED,
        "processes of the dead run of " + c.job() + " still alive: " + stillAlive);
    if (!again) {
      return;
    }
    // The second run ends after its sleep 2; its background sleep 60 must not outlive it.
    boolean done =
        Poll.until(
            Duration.ofSeconds(30),
            () -> fx.project.job(c.job()).map(j -> j.state() == JobState.DONE).orElse(false));
    if (done) {
      List<Long> secondRun = pids(fx, n);
      secondRun.removeAll(firstRun);
      boolean swept =
          Poll.until(
              Duration.ofSeconds(10), () -> secondRun.stream().noneMatch(Os::aliveNotZombie));
      fx.violations.check(
          swept,
          Invariant.ORPHANS_ENDED,
          "the finished job "
              + c.job()
              + " left processes running: "
              + secondRun.stream().filter(Os::aliveNotZombie).toList());
    }
  }

  /** How many runs of {@code name} have started (the ledger's {@code started} lines). */
  private static long runs(FaultFixture fx, String name) {
    return fx.project.jobRuns().stream().filter(l -> l.startsWith("started " + name + " ")).count();
  }

  /** Every PID the runs of {@code name} recorded, shell first, in order. */
  private static List<Long> pids(FaultFixture fx, String name) {
    String prefix = "pid " + name + " ";
    return new ArrayList<>(
        fx.project.jobRuns().stream()
            .filter(l -> l.startsWith(prefix))
            .map(l -> Long.parseLong(l.substring(prefix.length()).strip()))
            .toList());
  }
}
