package io.codequery.queue;

import io.codequery.store.Job;
import io.codequery.store.JobResult;
import io.codequery.store.JobState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * A separate JVM for {@link TwoProcessesClaimTest}: waits for a "go" file, then claims and
 * completes jobs from the queue until none is pending, printing each claimed job id on a line of
 * its own. Arguments: queue file, owner, go file.
 */
public final class ClaimUntilEmpty {
  private ClaimUntilEmpty() {}

  public static void main(String[] args) throws Exception {
    JobQueue queue = JobQueue.open(Path.of(args[0]), 2, Duration.ofSeconds(60), Clock.systemUTC());
    Path go = Path.of(args[2]);
    System.out.println("ready");
    System.out.flush();
    while (!Files.exists(go)) {
      Thread.sleep(5);
    }
    while (true) {
      Optional<Job> job = queue.claim(args[1], Duration.ofMinutes(10));
      if (job.isEmpty()) {
        if (queue.counts().get(JobState.PENDING) == 0) {
          break;
        }
        continue; // lost every candidate to the other JVM; pending jobs remain
      }
      System.out.println(job.get().id());
      Thread.sleep(2); // a little "work" outside the write lock, as a real worker has
      if (queue.complete(job.get(), new JobResult(0, 0, args[1])).isEmpty()) {
        System.out.println("lost " + job.get().id());
      }
    }
    System.out.println("end");
    System.out.flush();
  }
}
