package io.codequery.faults;

import io.codequery.process.WorkerIdentity;
import io.codequery.testing.Processes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The family of PID files naming something else, sometimes beside a live worker: a process that is
 * gone ({@link FaultKind#STALE_PID_GONE}), a live {@code sleep} ({@link
 * FaultKind#PID_REUSED_UNRELATED}), a process with a forged worker argv and a record with a wrong
 * start time or none ({@link FaultKind#PID_REUSED_FORGED}), the other project's worker ({@link
 * FaultKind#PID_REUSED_OTHER_PROJECT}), a live process with a record from another boot ({@link
 * FaultKind#OTHER_BOOT}). Expected: {@code stale} (or {@code unknown} where no record can verify
 * it); with no worker alive, {@code stop} stops nothing or refuses to guess.
 */
final class PointPidFileAtStranger implements Fault {
  @Override
  public void apply(FaultFixture fx, FaultKind kind) throws Exception {
    Optional<Long> live =
        fx.rnd.nextBoolean() ? Optional.of(fx.workers.ensure()) : fx.workers.live();
    long pid;
    String expected = "stale";
    switch (kind) {
      case STALE_PID_GONE -> {
        Process p = new ProcessBuilder("true").start();
        p.waitFor(30, TimeUnit.SECONDS);
        pid = p.pid();
      }
      case PID_REUSED_UNRELATED -> {
        Process p = Processes.sleep();
        fx.bystanders.stranger(p);
        pid = p.pid();
      }
      case PID_REUSED_FORGED -> {
        Process p = fx.bystanders.spawnForger();
        fx.bystanders.forged(p);
        fx.bystanders.stranger(p);
        Processes.awaitArgv0(p, "java");
        pid = p.pid();
        if (fx.rnd.nextBoolean()) {
          // A record naming it, but not its start time: the PID reuse is caught by the start time.
          fx.project.writeIdentity(
              new WorkerIdentity(
                  (int) pid,
                  Os.startTicks(pid) + 1 + fx.rnd.nextInt(1000),
                  -1,
                  Os.bootId(),
                  fx.project.root.toString()));
        } else {
          fx.project.removeIdentityUnlessLive(live);
          expected = live.isPresent() ? "unknown|stale" : "unknown";
        }
      }
      case PID_REUSED_OTHER_PROJECT -> {
        pid = fx.bystanders.otherWorker().pid();
        if (fx.rnd.nextBoolean()) {
          Files.copy(
              fx.bystanders.otherRoot().resolve(".code-query/worker.identity"),
              fx.project.cq.resolve("worker.identity"),
              StandardCopyOption.REPLACE_EXISTING);
        }
      }
      case OTHER_BOOT -> {
        Process p = Processes.sleep();
        fx.bystanders.stranger(p);
        pid = p.pid();
        fx.project.writeIdentity(
            new WorkerIdentity(
                (int) pid,
                Os.startTicks(pid),
                -1,
                UUID.randomUUID().toString(),
                fx.project.root.toString()));
      }
      default -> throw new IllegalArgumentException(kind + " names no stranger");
    }
    fx.project.writePidFile((pid + "\n").getBytes(StandardCharsets.US_ASCII));
    Detection d = fx.workers.status();
    boolean ok =
        d.outcome().matches(expected) && d.pid() == pid
            || live.isPresent()
                && d.pid() == live.get()
                // the worker repaired its files first; or it holds worker.lock while the record
                // names another PID: a live lock holder is unknown, never stale
                && (d.running() || d.outcome().equals("unknown"));
    fx.violations.check(
        ok,
        Invariant.STALE_PID_FILE,
        kind + " expected " + expected + " for PID " + pid + ", got " + d);
    if (live.isEmpty()) {
      // A forged worker without a record cannot be verified: stop must refuse, not signal it.
      Bounded.Result s =
          fx.commands.cli(
              "worker", "stop", "--timeout", "5", "--project-root", fx.project.root.toString());
      boolean refused =
          d.outcome().equals("unknown") && s.code() == 4 && s.err().contains("no signal sent");
      fx.violations.check(s.code() == 0 || refused, Invariant.STOP, kind + ": " + s.oneLine());
    }
  }
}
