package io.codequery;

import io.codequery.heartbeat.Heartbeat;
import io.codequery.pidfile.PidFileRead;
import io.codequery.pidfile.PidFileReader;
import io.codequery.process.ProcessFacts;
import io.codequery.project.ProjectLayout;
import io.codequery.project.SpoolCount;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The specification's health check, without its 100 ms CPU sample: "responsive" means the worker's
 * heartbeat is fresh (at most 1.5 intervals old, and not dated in the future) and the process is
 * neither stopped nor a zombie, so a worker frozen with {@code kill -STOP} or hung in its loop is
 * reported within two intervals. The worker's loop runs no jobs, so a long job never makes it late.
 * The report also counts the hooks' spool (commits not yet queued, records set aside).
 */
public final class HealthCheck {
  private HealthCheck() {}

  public static HealthReport run(Path projectRoot) {
    return run(projectRoot, Clock.systemUTC(), layout -> null);
  }

  /**
   * @param queueDepth the queue depth for a layout, or null where there is no queue (a seam for the
   *     queue package, which the root package must not depend on)
   */
  public static HealthReport run(
      Path projectRoot, Clock clock, Function<ProjectLayout, Integer> queueDepth) {
    WorkerDetector detector = new WorkerDetector(projectRoot, clock);
    ProjectLayout layout = detector.layout();
    Detection d = detector.detect();
    Path pidFile = layout.pidFile();
    boolean exists = Files.exists(pidFile, LinkOption.NOFOLLOW_LINKS);
    boolean readable = exists && PidFileReader.read(pidFile) instanceof PidFileRead.Content;
    Optional<ProcessFacts> facts =
        d.pid().isPresent() ? Optional.of(ProcessFacts.of(d.pid().getAsInt())) : Optional.empty();
    boolean processExists = facts.map(ProcessFacts::alive).orElse(false);
    boolean isWorker = d.isRunning();
    Optional<Heartbeat> beat =
        readHeartbeat(layout).filter(h -> d.pid().isPresent() && h.pid() == d.pid().getAsInt());
    long now = clock.millis();
    boolean stopped =
        facts
            .flatMap(ProcessFacts::stat)
            .map(s -> s.state() == 'T' || s.state() == 't')
            .orElse(false);
    boolean responsive = isWorker && !stopped && beat.map(h -> h.isFresh(now)).orElse(false);

    Map<String, Boolean> checks = new LinkedHashMap<>();
    checks.put("pid_file_exists", exists);
    checks.put("pid_file_readable", readable);
    checks.put("process_exists", processExists);
    checks.put("process_is_worker", isWorker);
    checks.put("process_responsive", responsive);

    Long uptime =
        isWorker
            ? facts
                .flatMap(ProcessFacts::startInstant)
                .map(start -> Math.max(0, Duration.between(start, clock.instant()).toSeconds()))
                .orElse(null)
            : null;
    return new HealthReport(
        d,
        Collections.unmodifiableMap(checks),
        beat.map(h -> Math.max(0, now - h.timeMillis()) / 1000.0).orElse(null),
        beat.map(h -> h.intervalMillis() / 1000).orElse(null),
        uptime,
        beat.map(Heartbeat::state).orElse(null),
        beat.map(h -> currentJobs(h.detail())).orElse(List.of()),
        beat.map(h -> h.lastJob().isEmpty() ? h.detail() : h.lastJob())
            .filter(s -> !s.isEmpty())
            .orElse(null),
        queueDepth.apply(layout),
        SpoolCount.of(layout.spoolDir()),
        layout.logFile());
  }

  private static List<String> currentJobs(String detail) {
    return detail.isEmpty() ? List.of() : List.of(detail.split(", "));
  }

  static Optional<Heartbeat> readHeartbeat(ProjectLayout layout) {
    PidFileRead read = PidFileReader.readBounded(layout.heartbeatFile(), 4096);
    if (read instanceof PidFileRead.Content c) {
      return Heartbeat.parse(new String(c.bytes(), StandardCharsets.UTF_8));
    }
    return Optional.empty();
  }
}
