package io.codequery.faults;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The fault-injection suite: a seeded, repeatable randomized run against real worker JVMs, real
 * stranger processes, real SQLite and real git. Each iteration draws one fault from {@link
 * FaultKind}, applies it, restores what a user would, and checks every invariant (see
 * docs/RELIABILITY.md). The no-lost-job invariant is eventual (a killed worker's lease must run out
 * first) and is checked at the end of the run.
 *
 * <p>{@code -Dfaults.seed=N} replays a run's sequence of faults and their parameters (timing on a
 * busy machine still varies); {@code -Dfaults.iterations=N} sets its length (short profile: the
 * default; long profile: 2000); see {@link RunSettings} for the rest. The summary goes to stdout
 * and {@code target/faults-summary.txt}; every value drawn, per iteration, to {@code
 * target/faults-draws.txt}.
 */
@EnabledOnOs(OS.LINUX)
@Tag("slow")
class FaultInjectionTest {

  @Test
  void every_invariant_holds_under_a_seeded_run_of_faults() throws Exception {
    RunSettings settings = RunSettings.fromSystemProperties();
    Instant started = Instant.now();
    System.out.println(
        "[faults] seed="
            + settings.seed()
            + " iterations="
            + settings.iterations()
            + " recycles="
            + settings.recycles());
    FaultFixture fx = new FaultFixture(settings);
    List<String> draws = new ArrayList<>();
    int iteration = -1;
    try {
      fx.setUp();
      List<Integer> recycleAt = settings.recycleIterations();
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(settings.deadlineMinutes());
      for (iteration = 0; iteration < settings.iterations(); iteration++) {
        if (settings.deadlineMinutes() > 0 && System.nanoTime() > deadline) {
          System.err.println(
              "[faults] deadline of "
                  + settings.deadlineMinutes()
                  + " min reached after "
                  + iteration
                  + " iterations");
          break;
        }
        FaultKind kind =
            recycleAt.contains(iteration)
                ? FaultKind.PID_RECYCLED
                : FaultKind.draw(fx.rnd, k -> settings.admits(k) && fx.canApply(k));
        oneIteration(fx, iteration, kind);
        draws.add("#" + iteration + " " + kind + " " + fx.rnd.takeDraws());
        if ((iteration + 1) % 25 == 0) {
          System.err.println(
              "[faults] "
                  + (iteration + 1)
                  + "/"
                  + settings.iterations()
                  + " after "
                  + Duration.between(started, Instant.now()).toSeconds()
                  + " s, violations "
                  + fx.violations.all().size());
        }
      }
      fx.violations.at(iteration, FaultKind.SETUP);
      fx.invariants.noLostJob(fx.workers);
    } finally {
      // The summary first: tearing down runs commands, which it must not count.
      String summary = RunSummary.of(fx, started, iteration);
      System.out.println(summary);
      Files.createDirectories(Path.of("target"));
      Files.writeString(Path.of("target", "faults-summary.txt"), summary);
      Files.write(Path.of("target", "faults-draws.txt"), draws);
      fx.tearDown();
    }
    List<Violations.Violation> violations = fx.violations.all();
    assertTrue(
        violations.isEmpty(),
        violations.size()
            + " invariant violation(s) with seed "
            + settings.seed()
            + "; replay with -Dfaults.seed="
            + settings.seed()
            + " -Dfaults.iterations="
            + settings.iterations()
            + ":\n"
            + String.join("\n", violations.stream().map(Object::toString).toList()));
  }

  /**
   * Applies {@code kind}, undoes it as a user would, checks every invariant, then kills the
   * iteration's strangers. A fault or check that throws is a violation of the harness, not the end
   * of the run.
   */
  private static void oneIteration(FaultFixture fx, int iteration, FaultKind kind)
      throws InterruptedException {
    fx.violations.at(iteration, kind);
    fx.figures.counted(kind);
    fx.iteration.begin(iteration, fx.project.logSize());
    long t0 = System.nanoTime();
    try {
      kind.fault.apply(fx, kind);
    } catch (Exception | AssertionError e) {
      fx.violations.harness("the fault could not be applied", e);
    }
    try {
      fx.restore();
      fx.invariants.afterIteration(fx.workers);
    } catch (Exception | AssertionError e) {
      fx.violations.harness("the invariants could not be checked", e);
    }
    fx.bystanders.releaseStrangers();
    fx.figures.timed(kind, (System.nanoTime() - t0) / 1_000_000);
  }
}
