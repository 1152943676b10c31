package io.codequery.bench.tools;

import io.codequery.project.RepoPath;
import io.codequery.queue.JobQueue;
import io.codequery.store.IngestOptions;
import io.codequery.store.Job;
import io.codequery.store.JobResult;
import io.codequery.store.NewDocument;
import io.codequery.store.PathChange;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * A project whose store holds 10,000 documents for the search benchmarks: about 2 KB each, ~300
 * words drawn Zipf-like from a vocabulary of 2,000 (a few words of this code base's own first),
 * paths like a Java project's. Built once through the store's own API, and kept (a marker file says
 * it is complete) for later forks and runs. argv: ROOT (prints it when done).
 */
public final class DocsCorpus {
  public static final int DOCUMENTS = 10_000;

  private DocsCorpus() {}

  public static void main(String[] args) throws IOException {
    System.out.println(build(Path.of(args[0])));
  }

  /** The default place: the temp directory, named by schema version and size. */
  public static Path defaultRoot() {
    return Path.of(System.getProperty("java.io.tmpdir"))
        .resolve("code-query-docs-bench-" + JobQueue.SCHEMA_VERSION + "-" + DOCUMENTS);
  }

  /** Builds the corpus under {@code root} unless it is there already; returns {@code root}. */
  public static Path build(Path root) throws IOException {
    Path db = root.resolve(".code-query/queue.db");
    Path done = root.resolve(".code-query/corpus-complete");
    if (Files.exists(done)) {
      return root;
    }
    Files.createDirectories(db.getParent());
    Files.deleteIfExists(db);
    List<String> vocabulary = vocabulary();
    SplittableRandom random = new SplittableRandom(42);
    try (JobQueue q = JobQueue.open(db, 0, Duration.ofSeconds(60), Clock.systemUTC())) {
      List<PathChange> changes = new ArrayList<>();
      for (int i = 0; i < DOCUMENTS; i++) {
        changes.add(new PathChange.Document(RepoPath.of(path(i)), String.format("%040x", i)));
      }
      q.ingest("c".repeat(40), changes, IngestOptions.DEFAULT);
      Optional<Job> job;
      while ((job = q.claim("bench", Duration.ofMinutes(10))).isPresent()) {
        String text = text(job.get().file().display(), vocabulary, random);
        q.complete(
            job.get(),
            new JobResult(0, 1, "", new NewDocument(text, text.length(), false, "bench:1")));
      }
    }
    Files.writeString(done, "ok\n");
    return root;
  }

  private static String path(int i) {
    String[] packages = {"worker", "queue", "store", "hooks", "cli", "docs", "os", "child"};
    return "src/main/java/io/example/"
        + packages[i % packages.length]
        + "/p"
        + (i % 97)
        + "/Type"
        + i
        + ".java";
  }

  /** A heading, then ~300 words; the square of a uniform number favours the front of the list. */
  private static String text(String path, List<String> vocabulary, SplittableRandom random) {
    StringBuilder sb = new StringBuilder("# ").append(path).append("\n\n");
    for (int w = 0; w < 300; w++) {
      double u = random.nextDouble();
      sb.append(vocabulary.get((int) (u * u * vocabulary.size())));
      sb.append(w % 12 == 11 ? ".\n" : " ");
    }
    return sb.toString();
  }

  private static List<String> vocabulary() {
    List<String> words =
        new ArrayList<>(
            List.of(
                "the",
                "worker",
                "job",
                "queue",
                "lease",
                "renewal",
                "claim",
                "protocol",
                "heartbeat",
                "heartbeats",
                "store",
                "document",
                "search",
                "file",
                "commit",
                "path",
                "process",
                "signal",
                "lock",
                "detector",
                "runs",
                "returns",
                "when",
                "and",
                "of",
                "a",
                "to",
                "is",
                "it",
                "in"));
    SplittableRandom r = new SplittableRandom(7);
    while (words.size() < 2_000) {
      StringBuilder w = new StringBuilder();
      int len = 4 + r.nextInt(7);
      for (int i = 0; i < len; i++) {
        w.append((char) ('a' + r.nextInt(26)));
      }
      if (!w.toString().equals("zyzzyva")) {
        words.add(w.toString());
      }
    }
    return words;
  }
}
