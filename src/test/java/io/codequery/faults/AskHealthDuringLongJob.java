package io.codequery.faults;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link FaultKind#LONG_JOB_HEALTH}: a job of 4–8 s (a real {@code sleep}) committed through the
 * hook, and {@code health --json} asked while it runs, first after two heartbeat intervals (a
 * heartbeat that waited for the job would be stale by then), then every 1.5 s. Every answer given
 * while the job still ran (its end is in the ledger, {@link Project#jobRuns}) must be healthy, with
 * {@code process_responsive}, state {@code processing} and the job among {@code current_jobs}.
 */
final class AskHealthDuringLongJob implements Fault {
  @Override
  public void apply(FaultFixture fx, FaultKind kind) throws Exception {
    String root = fx.project.root.toString();
    long w = fx.workers.ensure();
    int seconds = 4 + fx.rnd.nextInt(5);
    Commits.Committed c = fx.commits.commitOne("slow-" + seconds + "-");
    String started = "slow " + c.file() + " ";
    String ended = "slowdone " + c.file();
    if (!Poll.until(
        Duration.ofSeconds(30),
        () -> fx.project.jobRuns().stream().anyMatch(l -> l.startsWith(started)))) {
      fx.figures.note("long-job not seen starting within 30 s (slots busy)");
      return;
    }
    long t0 = System.nanoTime();
    Thread.sleep(2200); // two heartbeat intervals and a little
    int looks = 0;
    while (true) {
      long asked = System.nanoTime();
      Bounded.Result h = fx.commands.cli("worker", "health", "--json", "--project-root", root);
      long ms = (System.nanoTime() - asked) / 1_000_000;
      if (fx.project.jobRuns().contains(ended)) {
        break; // the job ended while health looked: its answer may rightly say idle
      }
      looks++;
      fx.figures.note("long-job health answers judged while the job ran");
      fx.figures.noteMax("long-job health answer, max ms", (int) ms);
      List<String> wrong = judge(h, c.job());
      fx.violations.check(
          wrong.isEmpty() && Os.aliveNotZombie(w),
          Invariant.HEALTHY_DURING_A_LONG_JOB,
          "health "
              + (asked - t0) / 1_000_000
              + " ms into a "
              + seconds
              + " s job "
              + c.job()
              + ": "
              + wrong
              + " in "
              + h.oneLine());
      if ((System.nanoTime() - t0) / 1_000_000 > seconds * 1000L - 1500) {
        break;
      }
      Thread.sleep(1500);
    }
    if (looks == 0) {
      fx.figures.note("long-job ended before health answered (busy machine)");
    }
  }

  /** What is wrong with a health answer given while {@code job} runs; empty if nothing. */
  private static List<String> judge(Bounded.Result h, String job) {
    List<String> wrong = new ArrayList<>();
    if (h.code() != 0) {
      wrong.add("exit " + h.code());
    }
    JsonObject o;
    try {
      o = JsonParser.parseString(h.out().strip()).getAsJsonObject();
    } catch (RuntimeException e) {
      wrong.add("not one JSON object");
      return wrong;
    }
    if (!"healthy".equals(text(o.get("status")))) {
      wrong.add("status " + o.get("status"));
    }
    JsonElement checks = o.get("checks");
    if (checks == null
        || !checks.isJsonObject()
        || !checks.getAsJsonObject().has("process_responsive")
        || !checks.getAsJsonObject().get("process_responsive").getAsBoolean()) {
      wrong.add("not responsive");
    }
    if (!"processing".equals(text(o.get("worker_state")))) {
      wrong.add("worker_state " + o.get("worker_state"));
    }
    JsonElement jobs = o.get("current_jobs");
    boolean named = false;
    if (jobs != null && jobs.isJsonArray()) {
      for (JsonElement j : jobs.getAsJsonArray()) {
        named |= job.equals(text(j));
      }
    }
    if (!named) {
      wrong.add("current_jobs " + jobs + " without " + job);
    }
    return wrong;
  }

  private static String text(JsonElement e) {
    return e == null || e.isJsonNull() ? null : e.getAsString();
  }
}
