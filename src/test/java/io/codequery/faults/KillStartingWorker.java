package io.codequery.faults;

import io.codequery.testing.RealWorker;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * {@link FaultKind#KILL9_STARTUP}: launches {@code worker run} and kills it with SIGKILL after a
 * random delay, the moment it holds {@code worker.lock}, the moment {@code worker.pid} names it, or
 * once it printed ready; notes the phase actually hit. Sometimes another worker already runs: it
 * must survive. Never {@code running} for the dead PID.
 */
final class KillStartingWorker implements Fault {
  @Override
  public void apply(FaultFixture fx, FaultKind kind) throws Exception {
    Optional<Long> before = fx.workers.live();
    String[] strategies = {"delay", "on-lock", "on-pid-file", "on-ready"};
    String strategy = strategies[fx.rnd.nextInt(strategies.length)];
    int delay = fx.rnd.nextInt(2500);
    Path lock = fx.project.cq.resolve("worker.lock");
    RealWorker w = RealWorker.launch(fx.project.root);
    long pid = w.pid();
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (System.nanoTime() < deadline && w.process().isAlive()) {
      boolean hit =
          switch (strategy) {
            case "delay" -> w.process().waitFor(delay, TimeUnit.MILLISECONDS) || true;
            case "on-lock" -> Os.lockHeldBy(lock, pid);
            case "on-pid-file" -> fx.project.pidFileNames(pid);
            default -> w.output().contains("ready pid=");
          };
      if (hit) {
        break;
      }
    }
    boolean locked = Os.lockHeldBy(lock, pid);
    boolean published = fx.project.pidFileNames(pid);
    boolean alive = w.process().isAlive();
    w.kill9();
    w.close();
    String phase =
        !alive
            ? "exited-before-kill"
            : published
                ? "after-pid-write"
                : locked ? "after-lock-before-pid-write" : "before-lock";
    fx.figures.note(
        "kill9-startup " + phase + (before.isPresent() ? " (another worker running)" : ""));
    Detection d = fx.workers.status();
    fx.violations.check(
        !(d.running() && d.pid() == pid),
        Invariant.NEVER_RUNNING_FOR_A_DEAD_PROCESS,
        "status says running for the killed PID " + pid);
    if (before.isPresent()) {
      fx.violations.check(
          Os.aliveNotZombie(before.get()),
          Invariant.NO_SIGNAL_TO_A_STRANGER,
          "the running worker " + before.get() + " died when a second, starting worker was killed");
    }
  }
}
