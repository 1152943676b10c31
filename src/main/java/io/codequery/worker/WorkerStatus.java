package io.codequery.worker;

import java.util.List;

/**
 * What the worker is doing, as its heartbeat records it.
 *
 * @param state "idle", "processing" or "stopping"
 * @param currentJobs the jobs running now ({@code commit:file}), empty when none
 * @param lastJob the job most recently started, running or not; "" before the first
 */
public record WorkerStatus(String state, List<String> currentJobs, String lastJob) {
  public WorkerStatus {
    currentJobs = List.copyOf(currentJobs);
  }
}
