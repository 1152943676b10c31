package io.codequery.queue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * A separate JVM for {@link TwoProcessesClaimTest}: waits for a "go" file, then claims and completes
 * jobs from the queue until none is left, printing each claimed job id on a line of its own.
 * Arguments: queue file, owner, go file.
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
    Optional<Job> job;
    while ((job = queue.claim(args[1], Duration.ofMinutes(10))).isPresent()) {
      System.out.println(job.get().id());
      if (queue.complete(job.get(), new JobResult(0, 0, args[1])).isEmpty()) {
        System.out.println("lost " + job.get().id());
      }
    }
    System.out.println("end");
    System.out.flush();
  }
}
