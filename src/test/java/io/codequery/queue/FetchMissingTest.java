package io.codequery.queue;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.codequery.log.WorkerLog;
import io.codequery.testing.SharedClones;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** {@link FetchMissing} on real clones: no fetch storms, no prompts. */
@EnabledOnOs({OS.LINUX, OS.MAC})
class FetchMissingTest {
  @TempDir Path tmp;
  SharedClones clones;
  Path logFile;

  @BeforeEach
  void setUp() throws IOException {
    clones = SharedClones.create(tmp.resolve("git"));
    logFile = tmp.resolve("worker.log");
  }

  private FetchMissing fetcher(Path clone, Duration interval) {
    return new FetchMissing(clone, interval, new WorkerLog(logFile));
  }

  private long fetches() throws IOException {
    return Files.exists(logFile)
        ? Files.readString(logFile).lines().filter(l -> l.contains("] fetch")).count()
        : 0;
  }

  @Test
  void two_slots_missing_pushed_commits_at_once_make_one_fetch_between_them() throws Exception {
    Path b = clones.cloneAs("b");
    Path a = clones.cloneAs("a");
    String x = SharedClones.commitFile(a, "x.txt", "x\n");
    String y = SharedClones.commitFile(a, "y.txt", "y\n");
    SharedClones.git(a, "push", "-q", "origin", "main");
    FetchMissing fetch = fetcher(b, FetchMissing.RETRY_AFTER);
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService slots = Executors.newFixedThreadPool(2);
    try {
      List<Future<FetchMissing.Look>> looks =
          List.of(
              slots.submit(
                  () -> {
                    go.await();
                    return fetch.fetchFor(x, SharedClones.blobOf(a, x, "x.txt"), () -> false);
                  }),
              slots.submit(
                  () -> {
                    go.await();
                    return fetch.fetchFor(y, SharedClones.blobOf(a, y, "y.txt"), () -> false);
                  }));
      go.countDown();
      for (Future<FetchMissing.Look> look : looks) {
        assertInstanceOf(FetchMissing.Look.Here.class, look.get());
      }
    } finally {
      slots.shutdownNow();
    }
    assertEquals(1, fetches(), "the second looked again after the first's fetch: " + log());
  }

  @Test
  void a_commit_is_fetched_for_at_most_once_per_interval() throws Exception {
    Duration interval = Duration.ofSeconds(3);
    Path c = clones.cloneAs("c");
    Path a = clones.cloneAs("a");
    String x = SharedClones.commitFile(a, "x.txt", "x\n");
    String blob = SharedClones.blobOf(a, x, "x.txt");
    FetchMissing fetch = fetcher(c, interval);
    long first = System.nanoTime();
    assertInstanceOf(FetchMissing.Look.NotHere.class, fetch.fetchFor(x, blob, () -> false));
    assertEquals(1, fetches());
    SharedClones.git(a, "push", "-q", "origin", "main");
    FetchMissing.Look again = fetch.fetchFor(x, blob, () -> false);
    assertTrue(
        again instanceof FetchMissing.Look.NotHere n && n.reason().contains("not again before"),
        "pushed now, but fetched for too lately: " + again);
    assertEquals(1, fetches(), log());
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(250))
        .until(() -> fetch.fetchFor(x, blob, () -> false) instanceof FetchMissing.Look.Here);
    assertTrue(
        System.nanoTime() - first >= interval.toNanos(), "the second fetch waited the interval");
    assertEquals(2, fetches(), log());
    assertEquals(1, count("commit " + x + " is not in this clone"), "told once: " + log());
  }

  @Test
  void a_remote_that_asks_for_a_password_fails_at_once_instead_of_prompting() throws Exception {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"git\"");
          exchange.sendResponseHeaders(401, -1);
          exchange.close();
        });
    server.start();
    try {
      Path c = clones.cloneAs("c");
      SharedClones.git(
          c,
          "remote",
          "set-url",
          "origin",
          "http://127.0.0.1:" + server.getAddress().getPort() + "/repo.git");
      Path a = clones.cloneAs("a");
      String x = SharedClones.commitFile(a, "x.txt", "x\n");
      long start = System.nanoTime();
      FetchMissing.Look look =
          fetcher(c, FetchMissing.RETRY_AFTER)
              .fetchFor(x, SharedClones.blobOf(a, x, "x.txt"), () -> false);
      assertTrue(
          look instanceof FetchMissing.Look.NotHere n
              && n.reason().contains("terminal prompts disabled"),
          look.toString());
      assertTrue(
          Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(30)) < 0,
          "no wait for a password");
    } finally {
      server.stop(0);
    }
  }

  @Test
  void a_fetch_from_a_remote_that_never_answers_ends_when_the_worker_stops() throws Exception {
    // Accepts connections (the kernel's backlog) and never answers: git waits on its read.
    try (ServerSocket silent = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
      Path c = clones.cloneAs("c");
      SharedClones.git(
          c, "remote", "set-url", "origin", "http://127.0.0.1:" + silent.getLocalPort() + "/r.git");
      Path a = clones.cloneAs("a");
      String x = SharedClones.commitFile(a, "x.txt", "x\n");
      long start = System.nanoTime();
      long stopAt = start + Duration.ofSeconds(2).toNanos();
      FetchMissing.Look look =
          fetcher(c, FetchMissing.RETRY_AFTER)
              .fetchFor(x, SharedClones.blobOf(a, x, "x.txt"), () -> System.nanoTime() >= stopAt);
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertInstanceOf(FetchMissing.Look.Stopped.class, look);
      assertTrue(took.compareTo(Duration.ofSeconds(2)) >= 0, "ran until the stop: " + took);
      assertTrue(
          took.compareTo(Duration.ofSeconds(2).plus(JobRunner.KILL_GRACE).plusSeconds(5)) < 0,
          "killed soon after the stop, not at its 2-minute deadline: " + took);
    }
  }

  private long count(String what) throws IOException {
    return log().lines().filter(l -> l.contains(what)).count();
  }

  private String log() throws IOException {
    return Files.exists(logFile) ? Files.readString(logFile) : "";
  }
}
