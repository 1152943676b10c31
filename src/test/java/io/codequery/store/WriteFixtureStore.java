package io.codequery.store;

import io.codequery.project.RepoPath;
import io.codequery.queue.JobQueue;
import io.codequery.testing.SettableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Writes a small store with the code of the day, to be committed as a fixture that later versions
 * must migrate in place without losing anything ({@code store-v<N>.db} beside this class's
 * resources). Run it once when a schema version is released; never edit a fixture by hand.
 *
 * <pre>java -cp target/test-classes:target/classes:$(deps) io.codequery.store.WriteFixtureStore DIR
 * </pre>
 */
public final class WriteFixtureStore {
  /** The first commit of the fixture. */
  public static final String C1 = "1111111111111111111111111111111111111111";

  /** The second commit of the fixture. */
  public static final String C2 = "2222222222222222222222222222222222222222";

  /** A name that is not UTF-8: {@code x\xff.txt}. */
  public static final RepoPath NOT_UTF8 =
      RepoPath.ofBytes(new byte[] {'x', (byte) 0xff, '.', 't', 'x', 't'});

  private WriteFixtureStore() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    Path file = dir.resolve("store-v" + JobQueue.SCHEMA_VERSION + ".db");
    Files.deleteIfExists(file);
    write(file);
    System.out.println(file);
  }

  /**
   * One job in each state: done (with output), failed, running (with its recorded run), waiting for
   * a retry, pending; a name with a newline and non-ASCII letters, one that is not UTF-8, and two
   * commits of one file.
   */
  public static void write(Path file) {
    SettableClock clock = new SettableClock(Instant.parse("2026-11-28T12:00:00Z"));
    try (JobQueue q = JobQueue.open(file, 2, Duration.ofSeconds(60), clock)) {
      q.enqueueFiles(
          C1,
          List.of(
              new JobFile(RepoPath.of("src/A.java"), blob('a')),
              new JobFile(RepoPath.of("src/B.java"), blob('b')),
              new JobFile(RepoPath.of("src/C.java"), blob('c')),
              new JobFile(RepoPath.of("docs/ünï\nname.md"), blob('d')),
              new JobFile(NOT_UTF8, blob('e')),
              new JobFile(RepoPath.of("src/R.java"), blob('f'))));
      q.enqueueFiles(C2, List.of(new JobFile(RepoPath.of("src/A.java"), blob('1'))));
      Duration lease = Duration.ofSeconds(30);
      Job a = q.claim("pid-1-aa", lease).orElseThrow();
      clock.advance(Duration.ofSeconds(1));
      q.complete(a, new JobResult(0, 1234, "documentation of A"));
      Job b = q.claim("pid-1-aa", lease).orElseThrow();
      q.fail(b, "exit code 3", false, new JobResult(3, 20, "bad input"));
      Job c = q.claim("pid-1-aa", lease).orElseThrow();
      q.recordRun(c, new RecordedRun(4242, 987654, "boot-id-of-the-fixture"));
      q.enqueue("3333333333333333333333333333333333333333", List.of("by name.txt"));
      // The retry: claims the oldest due job of a free file (docs/…), fails it retryably.
      Job d = q.claim("pid-1-aa", lease).orElseThrow();
      q.fail(d, "timed out after 600 s", true, new JobResult(null, 600_000, "partial"));
    }
  }

  private static String blob(char c) {
    return String.valueOf(c).repeat(40);
  }
}
