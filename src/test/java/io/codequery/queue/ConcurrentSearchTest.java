package io.codequery.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.codequery.project.RepoPath;
import io.codequery.store.Document;
import io.codequery.store.Job;
import io.codequery.store.JobFile;
import io.codequery.store.JobResult;
import io.codequery.store.NewDocument;
import io.codequery.store.SearchHit;
import io.codequery.store.SearchOutcome;
import io.codequery.store.SearchRequest;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code docs search} and {@code docs show} while the worker writes documents: each on its own
 * store (its own connections, as separate processes have), on one SQLite file. Readers never block
 * the writer, and never see half a document.
 */
class ConcurrentSearchTest {
  private static final Pattern WHOLE = Pattern.compile("(?s)BEGIN (\\d+) (\\d+) .* END \\1");

  @TempDir Path dir;

  /** Document {@code n}: its number and length first, then filler, then its number again. */
  static String document(int n) {
    StringBuilder sb = new StringBuilder();
    int words = 2_000 + (n * 7919) % 20_000; // up to ~150 KB, so a write spans many pages
    for (int i = 0; i < words; i++) {
      sb.append(i % 10 == 0 ? "needle " : "filler ");
    }
    String head = "BEGIN " + n + " ";
    String tail = " END " + n;
    // The length field is 8 digits and a space, and counts itself.
    int total = head.length() + 9 + sb.length() + tail.length();
    return head + String.format("%08d ", total) + sb + tail;
  }

  /** Throws unless {@code text} is one whole document as {@link #document} wrote it. */
  static void assertWhole(String text) {
    Matcher m = WHOLE.matcher(text);
    assertTrue(m.matches(), "not a whole document: " + text.length() + " chars");
    assertEquals(Integer.parseInt(m.group(2)), text.length(), "a document of another length");
  }

  @Test
  void readers_never_block_the_writer_and_never_see_half_a_document() throws Exception {
    Path db = dir.resolve(".code-query/queue.db");
    int documents = 120;
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicLong slowestWriteNanos = new AtomicLong();
    AtomicLong reads = new AtomicLong();
    ConcurrentLinkedQueue<String> seen = new ConcurrentLinkedQueue<>();
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      List<Future<?>> readers = new ArrayList<>();
      try (JobQueue warm = JobQueue.open(db, 2, Duration.ofSeconds(60), Clock.systemUTC())) {
        warm.depth(); // the schema exists before the readers look
      }
      for (int r = 0; r < 2; r++) {
        readers.add(
            pool.submit(
                () -> {
                  try (JobQueue q = JobQueue.openReadOnly(db, Clock.systemUTC())) {
                    while (writing.get()) {
                      SearchOutcome out = q.search(new SearchRequest("needle", 5, null));
                      for (SearchHit h : assertInstanceOf(SearchOutcome.Hits.class, out).hits()) {
                        Optional<Document> d = q.document(h.path());
                        d.ifPresent(doc -> assertWhole(doc.text()));
                      }
                      Optional<Document> one = q.document(RepoPath.of("hot.txt"));
                      one.ifPresent(doc -> assertWhole(doc.text()));
                      one.ifPresent(doc -> seen.add(doc.text().substring(0, 12)));
                      reads.incrementAndGet();
                    }
                  }
                  return null;
                }));
      }
      try (JobQueue writer = JobQueue.open(db, 2, Duration.ofSeconds(60), Clock.systemUTC())) {
        for (int n = 0; n < documents; n++) {
          String path = n % 2 == 0 ? "hot.txt" : "f" + n + ".txt";
          writer.enqueueFiles("c" + n, List.of(new JobFile(RepoPath.of(path), null)));
          Job job = writer.claim("worker", Duration.ofSeconds(30)).orElseThrow();
          String text = document(n);
          long start = System.nanoTime();
          writer.complete(
              job, new JobResult(0, 1, "", new NewDocument(text, text.length(), false, "p")));
          slowestWriteNanos.accumulateAndGet(System.nanoTime() - start, Math::max);
          // Interleaved, whatever the load: the next write waits until a reader has read again
          // (a fast writer on a busy machine otherwise finished before the readers had run).
          long target = reads.get() + 1;
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
          while (reads.get() < target && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
          }
        }
      } finally {
        writing.set(false);
      }
      for (Future<?> f : readers) {
        f.get(60, TimeUnit.SECONDS); // rethrows a reader's failed assertion
      }
    } finally {
      pool.shutdownNow();
    }
    assertTrue(reads.get() > 20, "the readers read while the worker wrote: " + reads.get());
    assertTrue(seen.stream().distinct().count() > 1, "readers saw the document change");
    assertTrue(
        slowestWriteNanos.get() < TimeUnit.SECONDS.toNanos(2),
        "a write waited " + slowestWriteNanos.get() / 1_000_000 + " ms for readers");
  }
}
