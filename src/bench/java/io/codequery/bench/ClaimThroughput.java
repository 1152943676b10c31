package io.codequery.bench;

import io.codequery.pgstore.PostgresStore;
import io.codequery.project.RepoPath;
import io.codequery.queue.JobQueue;
import io.codequery.queue.QueueTask;
import io.codequery.store.CompletedAndNext;
import io.codequery.store.IngestOptions;
import io.codequery.store.Job;
import io.codequery.store.JobResult;
import io.codequery.store.JobState;
import io.codequery.store.PathChange;
import io.codequery.store.Store;
import io.codequery.testing.TestPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Claims + fenced completions per second (issue 12's "≥ 1,000/s on one PostgreSQL"): N threads,
 * each with an owner of its own, claim a due job and complete it at once (a no-op job: no command,
 * no document), until a queue of {@code --jobs} jobs of distinct files is empty; the figure is the
 * jobs done over the wall time of the drain. Each run has a fresh database (a fresh SQLite file),
 * so every run starts from the same table; the median of {@code --runs} runs is reported per store
 * and thread count, with its ratio to the 1,000/s target and to the SQLite store measured in the
 * same run.
 *
 * <p>PostgreSQL is a real server started here ({@link TestPostgres}: Debian's binaries, a temporary
 * directory, a free port, as user nobody) and stopped and removed when this JVM exits.
 *
 * <p>Run: {@code bench/claims.sh [--threads 1,2,4] [--runs 5] [--jobs 4000] [--pg-set name=value]
 * [--separate]}.
 */
public final class ClaimThroughput {
  /** Issue 12's target: claims + fenced completions per second on one PostgreSQL. */
  static final double TARGET_PER_SECOND = 1_000;

  /** Complete and claim in two calls (two transactions), not one. */
  private static boolean separate;

  private ClaimThroughput() {}

  /** One store to measure: a fresh one per run. */
  private interface Stores {
    String name();

    Store fresh(int run);
  }

  public static void main(String[] args) throws Exception {
    int[] threads = {1, 2, 4};
    int runs = 5;
    int jobs = 4_000;
    List<String> settings = new ArrayList<>();
    for (int i = 0; i < args.length; i += 2) {
      switch (args[i]) {
        case "--separate" -> {
          separate = true;
          i--;
        }
        case "--threads" ->
            threads = Arrays.stream(args[i + 1].split(",")).mapToInt(Integer::parseInt).toArray();
        case "--runs" -> runs = Integer.parseInt(args[i + 1]);
        case "--jobs" -> jobs = Integer.parseInt(args[i + 1]);
        case "--pg-set" -> settings.add(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    TestPostgres pg = new TestPostgres();
    pg.server(); // started once for the whole run; stopped and removed at exit
    configure(pg, settings);
    Path sqliteDir = Files.createTempDirectory("code-query-claims-");
    try {
      Stores postgres =
          new Stores() {
            @Override
            public String name() {
              return "postgresql";
            }

            @Override
            public Store fresh(int run) {
              String url = pg.server().jdbcUrl(pg.createDatabase("claims"));
              Supplier<Duration> noShift = () -> Duration.ZERO;
              return PostgresStore.open(
                  url,
                  new Properties(),
                  url,
                  new PostgresStore.Options(0, Duration.ofSeconds(60), noShift));
            }
          };
      Stores sqlite =
          new Stores() {
            @Override
            public String name() {
              return "sqlite";
            }

            @Override
            public Store fresh(int run) {
              return JobQueue.open(
                  sqliteDir.resolve("run-" + run + "/queue.db"),
                  0,
                  Duration.ofSeconds(60),
                  Clock.systemUTC());
            }
          };
      System.out.printf(
          Locale.ROOT,
          "claims + fenced completions per second, no-op jobs, %d jobs per run, median of %d"
              + " runs, %s (load average %s)%n",
          jobs,
          runs,
          separate ? "complete and claim apart" : "the completion claims the next job",
          loadAverage());
      System.out.printf(
          Locale.ROOT,
          "%-8s %12s %12s %10s %10s   %s%n",
          "threads",
          "postgresql",
          "sqlite",
          "pg/1000",
          "pg/sqlite",
          "postgresql runs");
      int run = 0;
      for (int n : threads) {
        double[] pgRuns = new double[runs];
        double[] sqliteRuns = new double[runs];
        for (int r = 0; r < runs; r++) {
          // Interleaved, so that a burst of load elsewhere on the machine hits both stores alike.
          pgRuns[r] = drain(postgres, ++run, n, jobs);
          sqliteRuns[r] = drain(sqlite, ++run, n, jobs);
        }
        double pgMedian = median(pgRuns);
        double sqliteMedian = median(sqliteRuns);
        System.out.printf(
            Locale.ROOT,
            "%-8d %12.0f %12.0f %9.2fx %9.2fx   %s%n",
            n,
            pgMedian,
            sqliteMedian,
            pgMedian / TARGET_PER_SECOND,
            pgMedian / sqliteMedian,
            Arrays.toString(Arrays.stream(pgRuns).map(Math::rint).toArray()));
      }
      System.out.printf(Locale.ROOT, "(load average after: %s)%n", loadAverage());
    } finally {
      removeTree(sqliteDir);
    }
  }

  /** Queues {@code jobs} jobs on a fresh store and drains it with {@code threads} threads. */
  private static double drain(Stores stores, int run, int threads, int jobs) throws Exception {
    try (Store store = stores.fresh(run)) {
      List<PathChange> changes = new ArrayList<>(jobs);
      for (int i = 0; i < jobs; i++) {
        changes.add(
            new PathChange.Document(
                RepoPath.of("src/f" + (i % 97) + "/File" + i + ".java"),
                String.format(Locale.ROOT, "%040x", i)));
      }
      store.ingest(String.format(Locale.ROOT, "%040x", run), changes, IngestOptions.DEFAULT);
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Integer>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          done.add(pool.submit(claimUntilEmpty(store, go)));
        }
        long start = System.nanoTime();
        go.countDown();
        int total = 0;
        for (Future<Integer> f : done) {
          total += f.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long left = store.counts().get(JobState.DONE);
        if (total != jobs || left != jobs) {
          throw new IllegalStateException(
              stores.name() + ": " + total + " completions, " + left + " done, of " + jobs);
        }
        return total / seconds;
      } finally {
        pool.shutdownNow();
      }
    }
  }

  /**
   * One job slot's loop: claim, complete — the completion claiming the next job as a slot's does
   * ({@link Store#completeAndClaim}), or, with {@code --separate}, completing and claiming in two
   * calls (as slots did before).
   */
  private static Callable<Integer> claimUntilEmpty(Store store, CountDownLatch go) {
    return () -> {
      String owner = QueueTask.newOwner();
      Duration lease = QueueTask.DEFAULT_LEASE;
      JobResult noOp = new JobResult(0, 0, "");
      go.await();
      int completed = 0;
      Optional<Job> job = store.claim(owner, lease);
      while (job.isPresent()) {
        Optional<Job> done;
        if (separate) {
          done = store.complete(job.get(), noOp);
          job = store.claim(owner, lease);
        } else {
          CompletedAndNext both = store.completeAndClaim(job.get(), noOp, owner, lease);
          done = both.completed();
          job = both.next();
        }
        if (done.isEmpty()) {
          throw new IllegalStateException("the fence refused a completion of our own claim");
        }
        completed++;
      }
      return completed;
    };
  }

  /**
   * Server settings ({@code name=value}, e.g. {@code synchronous_commit=off}) for the whole run, to
   * see what a setting costs; none by default: the server runs as Debian ships it.
   */
  private static void configure(TestPostgres pg, List<String> settings) throws SQLException {
    if (settings.isEmpty()) {
      return;
    }
    try (Connection c =
            DriverManager.getConnection(pg.server().jdbcUrl("postgres"), "postgres", "");
        Statement st = c.createStatement()) {
      for (String setting : settings) {
        String[] kv = setting.split("=", 2);
        if (kv.length != 2 || !kv[0].matches("[a-z_]+")) {
          throw new IllegalArgumentException("--pg-set wants name=value, not " + setting);
        }
        st.execute("ALTER SYSTEM SET " + kv[0] + " = '" + kv[1].replace("'", "''") + "'");
      }
      st.execute("SELECT pg_reload_conf()");
    }
    System.out.println("postgresql settings: " + settings);
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }

  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static void removeTree(Path dir) {
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
