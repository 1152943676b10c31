package io.codequery.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.codequery.store.JobState;
import io.codequery.testing.RealWorker;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("slow")
class TwoProcessesClaimTest {
  @TempDir Path dir;

  @Test
  void two_jvms_claiming_from_one_queue_never_claim_a_job_twice() throws Exception {
    Path db = dir.resolve(".code-query/queue.db");
    JobQueue queue = JobQueue.open(db, 2, Duration.ofSeconds(60), Clock.systemUTC());
    int jobs = 400;
    queue.enqueue("c", IntStream.range(0, jobs).mapToObj(i -> "src/f" + i).toList());
    Path go = dir.resolve("go");
    List<Process> processes = new ArrayList<>();
    List<BufferedReader> readers = new ArrayList<>();
    try {
      for (String owner : List.of("jvm-a", "jvm-b")) {
        List<String> cmd = RealWorker.javaCommand();
        cmd.addAll(List.of(ClaimUntilEmpty.class.getName(), db.toString(), owner, go.toString()));
        Process p =
            new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        processes.add(p);
        BufferedReader r =
            new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        readers.add(r);
      }
      for (BufferedReader r : readers) { // both JVMs are up before either may claim
        assertEquals("ready", r.readLine());
      }
      Files.createFile(go);
      List<CompletableFuture<List<String>>> outputs = new ArrayList<>();
      for (BufferedReader r : readers) {
        outputs.add(CompletableFuture.supplyAsync(() -> r.lines().toList()));
      }
      List<List<String>> lines = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        lines.add(outputs.get(i).get(5, TimeUnit.MINUTES));
        assertTrue(processes.get(i).waitFor(1, TimeUnit.MINUTES));
        assertEquals(0, processes.get(i).exitValue(), String.join("\n", lines.get(i)));
        assertEquals(
            "end", lines.get(i).get(lines.get(i).size() - 1), String.join("\n", lines.get(i)));
      }
      List<Long> claimed = new ArrayList<>();
      for (List<String> out : lines) {
        out.stream().filter(l -> l.matches("\\d+")).map(Long::parseLong).forEach(claimed::add);
        assertTrue(out.stream().noneMatch(l -> l.startsWith("lost")), String.join("\n", out));
      }
      Set<Long> unique = new HashSet<>(claimed);
      assertEquals(claimed.size(), unique.size(), "a job was claimed twice");
      assertEquals(jobs, unique.size());
      assertEquals(jobs, queue.counts().get(JobState.DONE));
      // Both really took part (a JVM that started late would make this test vacuous).
      Set<String> owners = new HashSet<>();
      queue.list(Optional.empty(), jobs).forEach(j -> owners.add(j.output()));
      assertEquals(Set.of("jvm-a", "jvm-b"), owners);
    } finally {
      for (Process p : processes) {
        p.destroyForcibly();
        p.waitFor(30, TimeUnit.SECONDS);
      }
    }
  }
}
