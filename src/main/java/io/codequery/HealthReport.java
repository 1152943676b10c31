package io.codequery;

import java.nio.file.Path;
import java.util.Map;

/**
 * The result of {@link HealthCheck#run}: the specification's five checks, the overall status, and
 * what a user needs next.
 *
 * @param checks {@code pid_file_exists, pid_file_readable, process_exists, process_is_worker,
 *     process_responsive}, in that order
 * @param heartbeatAgeSeconds age of the last heartbeat, or null where there is none
 * @param uptimeSeconds how long the worker has run, or null where it does not
 * @param queueDepth jobs waiting (pending + running), or null where there is no queue yet
 */
public record HealthReport(
    Detection detection,
    Map<String, Boolean> checks,
    Double heartbeatAgeSeconds,
    Long heartbeatIntervalSeconds,
    Long uptimeSeconds,
    String workerState,
    String lastJob,
    Integer queueDepth,
    Path logFile) {

  public boolean isRunning() {
    return detection.isRunning();
  }

  /** "healthy" when every check passes, else "unhealthy". */
  public String status() {
    return isHealthy() ? "healthy" : "unhealthy";
  }

  public boolean isHealthy() {
    return checks.values().stream().allMatch(Boolean::booleanValue);
  }
}
