package io.codequery.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The checker of the design's invariants (the first group of {@link Invariant}): after every
 * iteration ({@link #afterIteration}), at every {@code running} answer ({@link #runningClaim}), and
 * at the end of the run ({@link #noLostJob}). Faults check what they expect of their own situation
 * themselves; the ground truth is {@link Os}, never the code under test.
 */
final class Invariants {
  /** Temp files of the atomic writes of the PID file and the identity and heartbeat records. */
  static final Pattern WRITER_TEMP_FILE = Pattern.compile("^\\.worker\\.[a-z]+\\.tmp-");

  private final Violations violations;
  private final Project project;
  private final Bystanders bystanders;
  private final Victims victims;
  private final Iteration iteration;
  private final Commits commits;
  private final SmallDisk disk;
  private final Bounded commands;
  private final RunFigures figures;

  Invariants(
      Violations violations,
      Project project,
      Bystanders bystanders,
      Victims victims,
      Iteration iteration,
      Commits commits,
      SmallDisk disk,
      Bounded commands,
      RunFigures figures) {
    this.violations = violations;
    this.project = project;
    this.bystanders = bystanders;
    this.victims = victims;
    this.iteration = iteration;
    this.commits = commits;
    this.disk = disk;
    this.commands = commands;
    this.figures = figures;
  }

  /** Every invariant that must hold once an iteration's fault is undone. */
  void afterIteration(Workers workers) throws IOException {
    neverTwoWorkers(workers);
    liveWorkerKeepsItsFilesAndIsDetected(workers);
    noSignalToAStranger();
    neverFollowsALink();
    noRemovedPidFileOfALiveWorker();
    noWriterTempFiles();
  }

  /** Never two workers for one project (a losing starter exits at once: let it). */
  private void neverTwoWorkers(Workers workers) {
    boolean single = Poll.until(Duration.ofSeconds(30), () -> workers.liveWorkers().size() <= 1);
    violations.check(
        single,
        Invariant.NEVER_TWO_WORKERS,
        "live workers of one project: " + workers.liveWorkers());
  }

  /**
   * A live worker keeps (or restores, within a heartbeat) its PID file, and both detectors say it
   * runs; with none alive, status must not say running.
   */
  private void liveWorkerKeepsItsFilesAndIsDetected(Workers workers) {
    List<Long> all = workers.liveWorkers();
    Optional<Long> live = all.size() == 1 ? Optional.of(all.get(0)) : Optional.empty();
    if (live.isPresent()) {
      long w = live.get();
      boolean named =
          Poll.until(
              Duration.ofSeconds(30),
              () -> !Os.aliveNotZombie(w) || project.pidFileNames(w) && project.identityNames(w));
      if (named && iteration.tamperedWithPidFile()) {
        // The worker rewrites its files, then logs that it did: the line can land after this
        // check saw the files named, and be charged to the next iteration (8 times in the first
        // 2,000-iteration run of seed 202611289, each right after a PID-file fault). Its next
        // heartbeat is written after that line, on the same thread: wait for it.
        long seen = System.currentTimeMillis();
        Poll.until(
            Duration.ofSeconds(10),
            () -> !Os.aliveNotZombie(w) || project.heartbeatMillis(w).orElse(0L) > seen);
      }
      if (Os.aliveNotZombie(w)) {
        violations.check(
            named,
            Invariant.LIVE_WORKER_KEEPS_ITS_PID_FILE,
            "PID file of live worker " + w + " not restored within 30 s");
        Detection d = workers.status();
        violations.check(
            !Os.aliveNotZombie(w) || d.running() && d.pid() == w,
            Invariant.LIVE_WORKER_DETECTED,
            "live worker " + w + " detected as " + d);
        Detection m = workers.minimal();
        violations.check(
            !Os.aliveNotZombie(w) || m.running() && m.pid() == w,
            Invariant.LIVE_WORKER_DETECTED,
            "minimal detector: live worker " + w + " detected as " + m);
      }
    } else if (all.isEmpty()) {
      Detection d = workers.status();
      violations.check(
          !d.running(), Invariant.NEVER_RUNNING_FOR_A_STRANGER, "no worker lives, status: " + d);
    }
  }

  /** Bystanders and strangers alive and not stopped, the other project's worker alive. */
  private void noSignalToAStranger() {
    for (Process p : bystanders.watched()) {
      Optional<Character> s = Os.state(p.pid());
      violations.check(
          s.isPresent() && s.get() != 'T' && s.get() != 'Z',
          Invariant.NO_SIGNAL_TO_A_STRANGER,
          "bystander " + p.pid() + " " + Os.cmdline(p.pid()).orElse(List.of()) + " state " + s);
    }
    long other = bystanders.otherWorker().pid();
    violations.check(
        Os.aliveNotZombie(other),
        Invariant.NO_SIGNAL_TO_A_STRANGER,
        "the other project's worker " + other + " died");
  }

  private void neverFollowsALink() throws IOException {
    violations.check(
        victims.untouched(),
        Invariant.NEVER_FOLLOWS_A_LINK,
        "the victim file or directory was changed");
  }

  /**
   * Never a removed PID file that a live worker wrote: the worker logs when it must rewrite it
   * (which is expected only when the iteration itself tampered with the file).
   */
  private void noRemovedPidFileOfALiveWorker() {
    String newLog = project.logSince(iteration.logOffset());
    if (!iteration.tamperedWithPidFile()) {
      for (String line :
          newLog
              .lines()
              .filter(
                  l ->
                      l.contains("rewrote PID file")
                          && l.contains("PID file")
                          && !l.contains("identity record missing or altered"))
              .toList()) {
        violations.add(Invariant.NO_REMOVED_PID_FILE_OF_A_LIVE_WORKER, line);
      }
    }
  }

  /**
   * No temp-file litter from interrupted atomic writes of a live process; a kill -9 may leave one,
   * which is counted and removed.
   */
  private void noWriterTempFiles() throws IOException {
    try (Stream<Path> s = Files.list(project.cq)) {
      long litter =
          s.filter(p -> WRITER_TEMP_FILE.matcher(p.getFileName().toString()).find()).count();
      if (litter > 0) {
        figures.note("temp files left by killed writers (cleaned by the harness)");
        try (Stream<Path> again = Files.list(project.cq)) {
          for (Path p :
              again
                  .filter(p -> WRITER_TEMP_FILE.matcher(p.getFileName().toString()).find())
                  .toList()) {
            Files.deleteIfExists(p);
          }
        }
      }
    }
  }

  /**
   * Never {@code running} for a process that is not this project's worker: {@code who} said running
   * for {@code pid}; it must be none of the strangers, and if alive a real worker.
   */
  void runningClaim(long pid, String who) {
    boolean stranger = bystanders.isStranger(pid);
    // An exiting process shows an empty command line (present, but empty) before it turns zombie:
    // a worker being stopped by a concurrent stop cannot be judged by argv then, only by the
    // stranger list. The detector itself answers stale for an empty command line, so a "running"
    // answer was given while the argv still carried the marker.
    boolean judgeable = Os.cmdline(pid).map(argv -> !argv.isEmpty()).orElse(false);
    boolean liveButNotWorker =
        judgeable
            && Os.aliveNotZombie(pid)
            && !Os.liveWorkers(project.root, bystanders.forgedPids()).contains(pid);
    violations.check(
        !stranger && !liveButNotWorker,
        Invariant.NEVER_RUNNING_FOR_A_STRANGER,
        who + " said running for PID " + pid + " " + Os.cmdline(pid).orElse(List.of()));
  }

  /**
   * Never a lost job, checked at the end of the run because it is eventual: a job of a worker
   * killed mid-job is claimable again only once its lease (30 s) runs out. With a worker running
   * and the commits the hook could not record queued as it told the user, every committed file must
   * be documented within 180 s.
   */
  void noLostJob(Workers workers) throws Exception {
    disk.free();
    workers.ensure();
    for (String c : commits.refusedByHook()) {
      Bounded.Result r = commands.cli("queue", "add", c, "--project-root", project.root.toString());
      violations.check(
          r.code() == 0,
          Invariant.NO_LOST_JOB,
          "queue add " + c + " (as the hook told the user): " + r.oneLine());
    }
    Set<String> expected = commits.expectedDocumented();
    boolean all =
        Poll.until(Duration.ofSeconds(180), () -> project.documented().containsAll(expected));
    Set<String> missing = new HashSet<>(expected);
    missing.removeAll(project.documented());
    violations.check(
        all,
        Invariant.NO_LOST_JOB,
        missing.size()
            + " of "
            + expected.size()
            + " committed files never documented: "
            + missing.stream().limit(20).toList());
    figures.put("committed files (all documented: " + all + ")", expected.size());
    figures.put("commits", commits.count());
  }
}
