package io.codequery;

import io.codequery.project.SpoolCount;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The result of {@link HealthCheck#run}: the specification's five checks, the overall status, and
 * what a user needs next.
 *
 * @param checks {@code pid_file_exists, pid_file_readable, process_exists, process_is_worker,
 *     process_responsive}, in that order
 * @param heartbeatAgeSeconds age of the last heartbeat, or null where there is none
 * @param uptimeSeconds how long the worker has run, or null where it does not
 * @param workerState "idle", "processing" or "stopping" as the last heartbeat said, or null
 * @param currentJobs the jobs running as of the last heartbeat ({@code commit:file}), empty if none
 * @param lastJob the job the worker started last, or null before its first
 * @param queueDepth jobs waiting (pending + running), or null where there is no queue yet
 * @param spool commits recorded by the hooks and not yet queued, and records set aside as
 *     unreadable
 */
public record HealthReport(
    Detection detection,
    Map<String, Boolean> checks,
    Double heartbeatAgeSeconds,
    Long heartbeatIntervalSeconds,
    Long uptimeSeconds,
    String workerState,
    List<String> currentJobs,
    String lastJob,
    Integer queueDepth,
    SpoolCount spool,
    Path logFile) {

  public HealthReport {
    currentJobs = List.copyOf(currentJobs);
  }

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
