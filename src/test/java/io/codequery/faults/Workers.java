package io.codequery.faults;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.codequery.MinimalWorkerDetector;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * This project's worker as the run drives and observes it: the ground truth of which worker lives
 * ({@link Os#liveWorkers}), starting, stopping and killing it through the CLI or the kernel, and
 * asking the detectors about it. Every answer of {@code status} must carry the exit code of its
 * outcome and a reason, and a {@code running} one is checked at once against the ground truth
 * ({@link Invariants#runningClaim}); the callers of {@link #minimal} check its answer against the
 * PID they expect.
 */
final class Workers {
  private static final Pattern PID_IN_TEXT = Pattern.compile("PID (\\d+)");

  private final Project project;
  private final Bystanders bystanders;
  private final Bounded commands;
  private final Violations violations;
  private final UnprivilegedCaller nobody;
  private final Invariants invariants;

  Workers(
      Project project,
      Bystanders bystanders,
      Bounded commands,
      Violations violations,
      UnprivilegedCaller nobody,
      Invariants invariants) {
    this.project = project;
    this.bystanders = bystanders;
    this.commands = commands;
    this.violations = violations;
    this.nobody = nobody;
    this.invariants = invariants;
  }

  /** Real worker JVMs of this project, per the ground truth (forgers excluded). */
  List<Long> liveWorkers() {
    return Os.liveWorkers(project.root, bystanders.forgedPids());
  }

  /** The one live worker; empty if none lives (or, for a moment, two do). */
  Optional<Long> live() {
    List<Long> live = liveWorkers();
    return live.size() == 1 ? Optional.of(live.get(0)) : Optional.empty();
  }

  /** A live, verified worker: the one that runs, or one started with {@code worker start}. */
  long ensure() throws Exception {
    Poll.until(Duration.ofSeconds(30), () -> liveWorkers().size() <= 1);
    Optional<Long> live = live();
    if (live.isPresent()) {
      long w = live.get();
      if (Poll.until(
              Duration.ofSeconds(30),
              () -> !Os.aliveNotZombie(w) || project.pidFileNames(w) && project.identityNames(w))
          && Os.aliveNotZombie(w)) {
        return w;
      }
    }
    Bounded.Result r =
        commands.cli(
            "worker", "start", "--wait-seconds", "60", "--project-root", project.root.toString());
    if (r.code() != 0) {
      violations.add(
          Invariant.RECOVERY, "worker start after the faults were undone failed: " + r.oneLine());
      throw new IllegalStateException("no worker: " + r.oneLine());
    }
    Matcher m = PID_IN_TEXT.matcher(r.out());
    if (!m.find()) {
      throw new IllegalStateException("no PID in " + r.oneLine());
    }
    return Long.parseLong(m.group(1));
  }

  /** {@code worker stop --timeout 5}; a failure is a violation. */
  void stop() {
    Bounded.Result r =
        commands.cli("worker", "stop", "--timeout", "5", "--project-root", project.root.toString());
    if (r.code() != 0) {
      violations.add(Invariant.STOP, "stop failed: " + r.oneLine());
    }
  }

  /** SIGKILL, and wait until the process is reaped. */
  void kill9(long pid) {
    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    awaitGone(pid);
  }

  /** Waits until {@code pid} is dead and reaped (within 30 s each). */
  void awaitGone(long pid) {
    if (!Poll.until(Duration.ofSeconds(30), () -> !Os.aliveNotZombie(pid))) {
      throw new IllegalStateException("PID " + pid + " did not die within 30 s of SIGKILL");
    }
    // Reaped, not only dead: a zombie still holds its PID.
    Poll.until(
        Duration.ofSeconds(30),
        () -> ProcessHandle.of(pid).isEmpty() || !Os.state(pid).isPresent());
  }

  /** {@code worker status --json}, in-process. */
  Detection status() {
    Bounded.Result r =
        commands.cli("worker", "status", "--json", "--project-root", project.root.toString());
    Detection d = parse(r);
    if (d.running()) {
      invariants.runningClaim(d.pid(), "status");
    }
    return d;
  }

  /** {@code worker status --json} as user nobody ({@link UnprivilegedCaller#prepare} first). */
  Detection statusAsNobody() {
    Detection d =
        parse(nobody.run("worker", "status", "--json", "--project-root", project.root.toString()));
    if (d.running()) {
      invariants.runningClaim(d.pid(), "status as nobody");
    }
    return d;
  }

  /** The minimal detector's answer, in-process. */
  Detection minimal() {
    var d = new MinimalWorkerDetector(project.root).detect();
    return new Detection(
        d.outcome(), d.pid().isPresent() ? d.pid().getAsInt() : -1, d.cleanedUp(), d.reason());
  }

  /** The hook's shell detector's answer ({@code post-commit.sh --detect}): one outcome word. */
  String shell() {
    Bounded.Result r =
        commands.await(
            commands.command(
                List.of("sh", project.hookPath().toString(), "--detect", project.root.toString()),
                "post-commit.sh --detect"),
            "hook detect");
    return r.out().strip();
  }

  private Detection parse(Bounded.Result r) {
    try {
      JsonObject o = JsonParser.parseString(r.out().strip()).getAsJsonObject();
      long pid = o.get("pid").isJsonNull() ? -1 : o.get("pid").getAsLong();
      Detection d =
          new Detection(
              o.get("outcome").getAsString(),
              pid,
              o.get("cleaned_up").getAsBoolean(),
              o.get("reason").getAsString());
      Set<Integer> codes =
          Map.of(
                  "running",
                  Set.of(0),
                  "stale",
                  Set.of(1),
                  "invalid",
                  Set.of(1),
                  "not_running",
                  Set.of(3),
                  "unknown",
                  Set.of(4))
              .getOrDefault(d.outcome(), Set.of());
      violations.check(
          codes.contains(r.code()), Invariant.EXIT_STATUS, "status exit " + r.code() + " for " + d);
      violations.check(
          !d.reason().isBlank(), Invariant.CLEAR_REFUSAL, "no reason given: " + r.oneLine());
      return d;
    } catch (RuntimeException e) {
      violations.add(
          Invariant.CLEAR_REFUSAL, "status --json did not print one JSON object: " + r.oneLine());
      return new Detection("unparsable", -1, false, r.text());
    }
  }
}
