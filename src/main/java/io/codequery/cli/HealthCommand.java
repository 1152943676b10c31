package io.codequery.cli;

import io.codequery.HealthCheck;
import io.codequery.HealthReport;
import io.codequery.project.ProjectLayout;
import io.codequery.storage.OpenStore;
import io.codequery.store.StoreHealth;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "health",
    description =
        "Full diagnostics of the worker: the five checks, heartbeat, uptime, jobs, queue, spool.",
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {"0:healthy", "1:unhealthy", "2:a bad option or --project-root"})
final class HealthCommand implements Callable<Integer> {
  /** Jobs waiting, or null where there is no queue (or it cannot be read: health still answers). */
  static Integer queueDepth(ProjectLayout layout) {
    try {
      return OpenStore.reader(layout, Clock.systemUTC()).read(q -> (int) q.depth()).orElse(null);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** The store's part of {@code --json}: url, reachable, latency_ms, schema_version, problem. */
  static Map<String, Object> store(StoreHealth s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("url", s.url());
    m.put("reachable", s.reachable());
    m.put(
        "latency_ms", s.latencyMillis() == null ? null : Math.round(s.latencyMillis() * 10) / 10.0);
    m.put("schema_version", s.schemaVersion());
    m.put("problem", s.problem());
    return m;
  }

  @Spec CommandSpec spec;

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  @Override
  public Integer call() {
    HealthReport r =
        HealthCheck.run(Main.projectRoot(spec), Clock.systemUTC(), HealthCommand::queueDepth);
    StoreHealth store = OpenStore.probe(ProjectLayout.of(Main.projectRoot(spec)));
    var out = spec.commandLine().getOut();
    if (json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("status", r.status());
      m.put("is_running", r.isRunning());
      m.put("pid", r.detection().pid().isPresent() ? r.detection().pid().getAsInt() : null);
      m.put("outcome", r.detection().outcome());
      m.put("reason", r.detection().reason());
      m.put("checks", r.checks());
      m.put("heartbeat_age_seconds", r.heartbeatAgeSeconds());
      m.put("heartbeat_interval_seconds", r.heartbeatIntervalSeconds());
      m.put("uptime_seconds", r.uptimeSeconds());
      m.put("worker_state", r.workerState());
      m.put("current_jobs", r.currentJobs());
      m.put("last_job", r.lastJob());
      m.put("queue_depth", r.queueDepth());
      m.put("spool_waiting", r.spool().waiting());
      m.put("spool_rejected", r.spool().rejected());
      m.put("log_file", r.logFile().toString());
      m.put("store", store(store));
      out.println(JsonOut.write(m));
    } else {
      out.println(
          (r.isHealthy() ? "✓ healthy" : "✗ unhealthy") + " — " + Render.status(r.detection()));
      r.checks().forEach((k, v) -> out.println("  " + (v ? "✓ " : "✗ ") + k));
      if (r.heartbeatAgeSeconds() != null) {
        out.printf(
            "  heartbeat: %.1f s ago (every %d s)%n",
            r.heartbeatAgeSeconds(), r.heartbeatIntervalSeconds());
      }
      if (r.uptimeSeconds() != null) {
        out.println("  uptime: " + Durations.human(r.uptimeSeconds()));
      }
      if (r.workerState() != null) {
        out.println(
            "  state: "
                + r.workerState()
                + (r.currentJobs().isEmpty()
                    ? ""
                    : " (" + String.join(", ", r.currentJobs()) + ")"));
      }
      if (r.lastJob() != null) {
        out.println("  last job: " + r.lastJob());
      }
      if (r.queueDepth() != null) {
        out.println("  queue: " + r.queueDepth() + " waiting");
      }
      Render.spool(r.spool(), ProjectLayout.of(Main.projectRoot(spec))).forEach(out::println);
      out.println("  log: " + r.logFile());
      out.println("  " + Render.store(store));
    }
    out.flush();
    return r.isHealthy() ? ExitStatus.OK : ExitStatus.FAILED;
  }
}
