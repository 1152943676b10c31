package io.codequery.faults;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

/**
 * {@link FaultKind#UNTRUSTED_CONFIG}: whoever else may choose the documentation command — {@code
 * config.json} writable by group or others, {@code .code-query/} writable by group or others, or
 * {@code config.json} owned by user nobody (as root) — and code-query must run none of it. With the
 * worker stopped: {@code worker start} and {@code queue process} refuse, naming the file and how to
 * trust it, no worker runs and no job command runs (the job ledger, {@link Project#jobRuns}, gains
 * nothing). With a live worker: {@code worker restart} refuses and leaves the worker alone.
 */
final class MakeConfigUntrusted implements Fault {
  private static final int NOBODY = 65534;
  private static final List<String> WRITABLE_FILE = List.of("rw-rw-rw-", "rw-rw-r--", "rw-r--rw-");
  private static final List<String> WRITABLE_DIR = List.of("rwxrwxrwx", "rwxrwxr-x", "rwxr-xrwx");

  @Override
  public void apply(FaultFixture fx, FaultKind kind) throws Exception {
    String root = fx.project.root.toString();
    Path config = fx.project.cq.resolve("config.json");
    int variant = fx.rnd.nextInt(3);
    boolean live = fx.rnd.nextInt(3) == 0;
    String fileMode = WRITABLE_FILE.get(fx.rnd.nextInt(WRITABLE_FILE.size()));
    String dirMode = WRITABLE_DIR.get(fx.rnd.nextInt(WRITABLE_DIR.size()));
    if (variant == 2 && !fx.nobody.available()) {
      variant = 0; // chown needs root
    }
    Path named = variant == 1 ? fx.project.cq : config;
    String what =
        switch (variant) {
          case 0 -> "config.json mode " + fileMode;
          case 1 -> ".code-query/ mode " + dirMode;
          default -> "config.json owned by nobody";
        };
    fx.figures.note(
        "untrusted config: "
            + what.replaceAll(" mode .*", " writable")
            + (live ? ", live worker" : ""));
    long w = live ? fx.workers.ensure() : -1;
    if (!live) {
      fx.workers.stop();
      Poll.until(Duration.ofSeconds(30), () -> fx.workers.liveWorkers().isEmpty());
    }
    long ranBefore = fx.project.jobCommandsRun();
    Object owner = Files.getAttribute(config, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    try {
      switch (variant) {
        case 0 -> Files.setPosixFilePermissions(config, PosixFilePermissions.fromString(fileMode));
        case 1 ->
            Files.setPosixFilePermissions(fx.project.cq, PosixFilePermissions.fromString(dirMode));
        default -> Files.setAttribute(config, "unix:uid", NOBODY, LinkOption.NOFOLLOW_LINKS);
      }
      if (live) {
        Bounded.Result r =
            fx.commands.cli("worker", "restart", "--timeout", "5", "--project-root", root);
        refused(fx, r, named, what + ", worker restart");
        Detection d = fx.workers.status();
        fx.violations.check(
            Os.aliveNotZombie(w) && d.running() && d.pid() == w,
            Invariant.UNTRUSTED_COMMAND_NEVER_RUNS,
            what + ": a refused restart must leave worker " + w + " alone: " + d);
        return;
      }
      refused(
          fx,
          fx.commands.cli("worker", "start", "--wait-seconds", "30", "--project-root", root),
          named,
          what + ", worker start");
      refused(
          fx,
          fx.commands.cli("queue", "process", "--project-root", root),
          named,
          what + ", queue process");
      boolean none = Poll.until(Duration.ofSeconds(30), () -> fx.workers.liveWorkers().isEmpty());
      fx.violations.check(
          none,
          Invariant.UNTRUSTED_COMMAND_NEVER_RUNS,
          what + ": a worker runs: " + fx.workers.liveWorkers());
      long ran = fx.project.jobCommandsRun() - ranBefore;
      fx.violations.check(
          ran == 0,
          Invariant.UNTRUSTED_COMMAND_NEVER_RUNS,
          what + ": the documentation command ran " + ran + " time(s)");
    } finally {
      if (variant == 2) {
        Files.setAttribute(config, "unix:uid", owner, LinkOption.NOFOLLOW_LINKS);
      }
      Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r--r--"));
      Files.setPosixFilePermissions(fx.project.cq, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  /** Refused (exit 2), naming the file at fault and the way to trust the project. */
  private static void refused(FaultFixture fx, Bounded.Result r, Path named, String what) {
    fx.violations.check(
        r.code() == 2 && r.text().contains(named + " is ") && r.text().contains("code-query trust"),
        Invariant.UNTRUSTED_COMMAND_NEVER_RUNS,
        what + " must refuse naming " + named + ": " + r.oneLine());
  }
}
