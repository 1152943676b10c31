package io.codequery.faults;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The family of PID files that are not regular files, sometimes beside a live worker: a link to a
 * victim file ({@link FaultKind#PID_SYMLINK_VICTIM}), to a directory ({@link
 * FaultKind#PID_SYMLINK_DIR}), to nothing ({@link FaultKind#PID_SYMLINK_DANGLING}), a FIFO ({@link
 * FaultKind#PID_FIFO}), a directory ({@link FaultKind#PID_DIRECTORY}). Expected: {@code unknown}
 * from the full, minimal and shell detectors; the file is neither followed nor removed; nothing
 * blocks; {@code stop} refuses with "no signal sent".
 */
final class PlantHostilePidFile implements Fault {
  @Override
  public void apply(FaultFixture fx, FaultKind kind) throws Exception {
    Optional<Long> live =
        fx.rnd.nextBoolean() ? Optional.of(fx.workers.ensure()) : fx.workers.live();
    Path pidFile = fx.project.pidFile();
    fx.iteration.pidFileTampered();
    Files.deleteIfExists(pidFile);
    switch (kind) {
      case PID_SYMLINK_VICTIM -> Files.createSymbolicLink(pidFile, fx.victims.file);
      case PID_SYMLINK_DIR -> Files.createSymbolicLink(pidFile, fx.victims.dir);
      case PID_SYMLINK_DANGLING ->
          Files.createSymbolicLink(pidFile, fx.project.base.resolve("nothing-here"));
      case PID_FIFO -> Os.mkfifo(pidFile);
      case PID_DIRECTORY -> {
        Files.createDirectory(pidFile);
        Files.writeString(pidFile.resolve("keep"), "inside\n");
      }
      default -> throw new IllegalArgumentException(kind + " plants no hostile PID file");
    }
    Detection d = fx.workers.status();
    boolean repaired = live.isPresent() && d.running() && d.pid() == live.get();
    fx.violations.check(
        d.outcome().equals("unknown") || repaired,
        Invariant.HOSTILE_PID_FILE,
        kind + ": expected unknown, got " + d);
    if (!repaired) {
      fx.violations.check(
          Files.exists(pidFile, LinkOption.NOFOLLOW_LINKS)
              && !Files.isRegularFile(pidFile, LinkOption.NOFOLLOW_LINKS),
          Invariant.HOSTILE_PID_FILE_LEFT_ALONE,
          kind + ": the PID file was removed or replaced by a detector");
    }
    Detection m = fx.workers.minimal();
    fx.violations.check(
        m.outcome().equals("unknown") || m.running() && live.isPresent() && m.pid() == live.get(),
        Invariant.HOSTILE_PID_FILE,
        "minimal detector: " + m);
    Bounded.Result hook =
        fx.commands.await(
            fx.commands.command(
                List.of(
                    "sh", fx.project.hookPath().toString(), "--detect", fx.project.root.toString()),
                "post-commit.sh --detect"),
            "hook detect");
    fx.violations.check(
        Set.of("unknown", "running").contains(hook.out().strip())
            && (!hook.out().strip().equals("running") || live.isPresent()),
        Invariant.HOSTILE_PID_FILE,
        "shell detector: " + hook.oneLine());
    if (live.isEmpty() || fx.rnd.nextInt(4) == 0) {
      Bounded.Result s =
          fx.commands.cli(
              "worker", "stop", "--timeout", "5", "--project-root", fx.project.root.toString());
      // The live worker may have replaced the hostile file with its own PID file since the status
      // above (its self-check runs every heartbeat): stopping that verified worker is right.
      boolean stoppedOurs =
          live.isPresent() && s.code() == 0 && s.out().contains("stopped — PID " + live.get());
      fx.violations.check(
          s.code() == 4 && s.err().contains("no signal sent") || stoppedOurs,
          Invariant.STOP_REFUSES_TO_GUESS,
          kind + ": " + s.oneLine());
    }
  }
}
