package io.codequery.queue;

import io.codequery.project.ProjectLayout;
import io.codequery.project.SpoolCount;
import io.codequery.store.JobState;
import io.codequery.store.Store;
import io.codequery.store.StoreReader;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code queue status}: the jobs by state and what waits in the hooks' spool, read without writing
 * anything (the queue opened read-only; a project without a queue has no jobs).
 *
 * @param jobs every state with its count, iterated in {@link JobState} order
 */
public record QueueStatus(Map<JobState, Long> jobs, SpoolCount spool) {
  public QueueStatus {
    jobs = Collections.unmodifiableMap(new EnumMap<>(jobs));
  }

  /**
   * Counts the jobs and the spool of {@code layout}'s project.
   *
   * @throws io.codequery.CodeQueryException if the queue exists but cannot be read
   */
  public static QueueStatus read(ProjectLayout layout, StoreReader store) {
    Map<JobState, Long> jobs = new EnumMap<>(JobState.class);
    for (JobState s : JobState.values()) {
      jobs.put(s, 0L);
    }
    store.read(Store::counts).ifPresent(jobs::putAll);
    return new QueueStatus(jobs, SpoolCount.of(layout.spoolDir()));
  }

  /**
   * The JSON of {@code queue status --json} and the MCP tool {@code queue_status}: {@code
   * {"pending", "running", "done", "failed", "spool_waiting", "spool_rejected"}}.
   */
  public Map<String, Object> json() {
    Map<String, Object> m = new LinkedHashMap<>();
    for (JobState s : JobState.values()) {
      m.put(s.id(), jobs.get(s));
    }
    m.put("spool_waiting", spool.waiting());
    m.put("spool_rejected", spool.rejected());
    return m;
  }
}
