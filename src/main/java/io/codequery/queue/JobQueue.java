package io.codequery.queue;

import static io.codequery.queue.SqliteDialect.SQLITE;

import io.codequery.CodeQueryException;
import io.codequery.config.Config;
import io.codequery.pidfile.StrictFiles;
import io.codequery.pidfile.UnsafeFileException;
import io.codequery.project.ProjectLayout;
import io.codequery.project.RepoPath;
import io.codequery.sqlstore.ClaimWrites;
import io.codequery.sqlstore.DocumentRows;
import io.codequery.sqlstore.IngestChanges;
import io.codequery.sqlstore.UnneededRun;
import io.codequery.store.Document;
import io.codequery.store.DocumentCounts;
import io.codequery.store.DocumentEntry;
import io.codequery.store.IngestOptions;
import io.codequery.store.Ingested;
import io.codequery.store.Job;
import io.codequery.store.JobResult;
import io.codequery.store.JobState;
import io.codequery.store.PathChange;
import io.codequery.store.RecordedRun;
import io.codequery.store.SearchOutcome;
import io.codequery.store.SearchRequest;
import io.codequery.store.Skip;
import io.codequery.store.Store;
import io.codequery.store.StoreHealth;
import io.codequery.store.WorkerRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@link Store} on SQLite: one file ({@code .code-query/queue.db}) in WAL mode holding the job
 * queue and the documentation, shared by the worker, the git hook's fallback and the CLI, in any
 * number of processes and threads. Thread-safe. WAL: readers (a search) never block the writer (the
 * worker), and see each transaction whole or not at all.
 *
 * <p>The mechanics live beside it, one concern each: SQL plumbing ({@link SqliteDatabase}), the
 * schema and its migrations ({@link QueueSchema}), row mapping ({@link JobRows}, {@link
 * DocumentRows}), the claim protocol with its fence ({@link ClaimJobs}), the ingestion protocol and
 * its order per path ({@link IngestChanges}), and full-text search ({@link SearchDocuments}).
 *
 * <p>All times come from the injected {@link Clock} and are stored as epoch milliseconds.
 */
public final class JobQueue implements Store {
  /** The schema version this code writes ({@code PRAGMA user_version}). */
  public static final int SCHEMA_VERSION = QueueSchema.VERSION;

  /** Bytes of output kept per job (the runner bounds it first; this guards the table). */
  public static final int MAX_OUTPUT_CHARS = JobRunner.DEFAULT_OUTPUT_LIMIT;

  public static final int MAX_ERROR_CHARS = 8 * 1024;

  /** The writes of a claim's holder (the protocol shared with PostgreSQL). */
  private static final ClaimWrites WRITES =
      new ClaimWrites(JobRows.JOBS, MAX_OUTPUT_CHARS, MAX_ERROR_CHARS);

  private final SqliteDatabase db;
  private final ClaimJobs claims;
  private final int maxRetries;
  private final Duration retryDelay;
  private final Clock clock;
  private final SqliteWorkerRegistry workers;

  private JobQueue(SqliteDatabase db, int maxRetries, Duration retryDelay, Clock clock) {
    this.db = db;
    this.claims = new ClaimJobs(maxRetries, EndOrphanedRuns::end);
    this.maxRetries = maxRetries;
    this.retryDelay = retryDelay;
    this.clock = clock;
    this.workers = new SqliteWorkerRegistry(db, clock);
  }

  /**
   * The worker registry in this queue's database (on a queue opened read-only: {@link
   * WorkerRegistry#workers()} only).
   */
  public WorkerRegistry workers() {
    return workers;
  }

  /**
   * Opens (creating or migrating) the project's queue with the retry policy from {@code config}.
   */
  public static JobQueue open(ProjectLayout layout, Config config, Clock clock) {
    return open(
        layout.queueDatabase(),
        config.maxRetries(),
        Duration.ofSeconds(config.retryDelaySeconds()),
        clock);
  }

  /**
   * Opens the queue in {@code file}, creating the file and schema if needed.
   *
   * @param maxRetries how many times a retryable failure is retried (so up to maxRetries + 1 runs)
   * @param retryDelay how long a job waits before a retry
   * @throws CodeQueryException if the file is not a queue database (corrupt, foreign, or newer)
   */
  public static JobQueue open(Path file, int maxRetries, Duration retryDelay, Clock clock) {
    if (maxRetries < 0 || retryDelay.isNegative()) {
      throw new IllegalArgumentException("maxRetries and retryDelay must not be negative");
    }
    Path absolute = file.toAbsolutePath();
    try {
      StrictFiles.ensureDirectory(absolute.getParent());
    } catch (UnsafeFileException e) {
      throw new CodeQueryException(e.getMessage(), e);
    } catch (IOException e) {
      throw new CodeQueryException(
          "cannot create " + absolute.getParent() + " for the job queue: " + e.getMessage(), e);
    }
    SqliteDatabase db = SqliteDatabase.openReadWrite(absolute);
    QueueSchema.migrate(db);
    db.keepOpen();
    return new JobQueue(db, maxRetries, retryDelay, clock);
  }

  /**
   * Opens the existing queue in {@code file} only to look at it ({@link #counts}, {@link #list},
   * {@link #depth}, {@link #get}): nothing is created, migrated or written, so a user who may only
   * read {@code .code-query/} can look too. Every other method fails with a {@link
   * CodeQueryException}. A queue at another schema version (written by an older code-query, so it
   * needs migrating first, or by a newer one) is opened as {@link #open} does, which migrates it or
   * says why it cannot.
   *
   * @throws CodeQueryException if there is no file, or it is not a queue database
   */
  public static JobQueue openReadOnly(Path file, Clock clock) {
    Path absolute = file.toAbsolutePath();
    SqliteDatabase db = SqliteDatabase.openReadOnly(absolute);
    int version = db.withConnection(QueueSchema::userVersion);
    if (version != SCHEMA_VERSION) {
      db.close();
      return open(absolute, 0, Duration.ZERO, clock);
    }
    return new JobQueue(db, 0, Duration.ZERO, clock);
  }

  public Path file() {
    return db.file();
  }

  /**
   * Starts loading SQLite (its driver, native library and first-connection set-up, which touch no
   * file) on a daemon thread, so that a later {@link #open} finds it done: a worker calls this
   * first, and runs its own checks meanwhile. Later opens wait for it where it has not finished.
   */
  public static void warmUpInBackground() {
    Thread t = new Thread(SqliteDatabase::warmUp, "sqlite-warm-up");
    t.setDaemon(true);
    t.start();
  }

  /** {@code sqlite:<file>}: how {@code worker list} and {@code worker health} name this store. */
  public static String url(Path file) {
    return "sqlite:" + file.toAbsolutePath();
  }

  /**
   * Opens the queue in {@code file} read-only and reads its schema version, timing both; never
   * creates, migrates or writes anything. A missing file is reachable (the worker creates it) with
   * no schema version.
   */
  public static StoreHealth probe(Path file) {
    String url = url(file);
    long start = System.nanoTime();
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      return new StoreHealth(url, true, (System.nanoTime() - start) / 1e6, null, null);
    }
    try (SqliteDatabase db = SqliteDatabase.openReadOnly(file.toAbsolutePath())) {
      int version = db.withConnection(QueueSchema::userVersion);
      return new StoreHealth(url, true, (System.nanoTime() - start) / 1e6, version, null);
    } catch (RuntimeException e) {
      return new StoreHealth(url, false, null, null, e.getMessage());
    }
  }

  // ---------------------------------------------------------------- producing

  @Override
  public Ingested ingest(String commit, List<PathChange> changes, IngestOptions options) {
    JobPaths.checkCommit(commit);
    long now = clock.millis();
    return db.inTransaction(
        c -> IngestChanges.run(c, SQLITE, commit, changes, options, SqliteDialect.time(now)));
  }

  // ---------------------------------------------------------------- consuming

  @Override
  public Optional<Job> claim(String owner, Duration lease) {
    if (owner == null || owner.isBlank()) {
      throw new IllegalArgumentException("owner must be non-blank");
    }
    requirePositive(lease);
    return db.withConnection(c -> claims.claim(c, owner, lease, clock.millis()));
  }

  @Override
  public Skip skipIfUnneeded(Job job, String processor) {
    // Most jobs must run: look first without the write lock, and take it only to record a skip
    // (looking again under it: a change ingested in between may have decided otherwise).
    if (db.withConnection(c -> UnneededRun.of(c, SQLITE, job, processor)).isEmpty()) {
      return new Skip.Run();
    }
    String at = now();
    return db.inTransaction(c -> WRITES.skip(c, job, processor, at));
  }

  @Override
  public Optional<Job> complete(Job job, JobResult result) {
    String at = now();
    // The fence holds the write lock (BEGIN IMMEDIATE) until the commit: no change of the job's
    // path can be ingested between the look at its newer changes and its document's write.
    return db.inTransaction(c -> WRITES.complete(c, job, result, at));
  }

  @Override
  public Optional<Job> fail(Job job, String reason, boolean retryable, JobResult result) {
    String at = now();
    return db.inTransaction(
        c -> WRITES.fail(c, job, at, reason, retryable, result, maxRetries, retryDelay));
  }

  @Override
  public Optional<Job> release(Job job, Duration delay) {
    requireNotNegative(delay);
    String at = now();
    return db.inTransaction(c -> WRITES.release(c, job, at, delay));
  }

  @Override
  public boolean extendLease(Job job, Duration lease) {
    requirePositive(lease);
    String at = now();
    return db.withConnection(c -> WRITES.extendLease(c, job, at, lease));
  }

  @Override
  public boolean recordRun(Job job, RecordedRun run) {
    return db.withConnection(c -> WRITES.recordRun(c, job, run));
  }

  @Override
  public int endOrphanedRuns(String ownOwnerPrefix) {
    List<Job> running = list(Optional.of(JobState.RUNNING), Integer.MAX_VALUE);
    int freed = 0;
    for (Job job : running) {
      if (!EndOrphanedRuns.ownerGone(job.leaseOwner(), ownOwnerPrefix)) {
        continue;
      }
      Optional<RecordedRun> run = db.withConnection(c -> ClaimJobs.recordedRun(c, job));
      if (run.isPresent() && !EndOrphanedRuns.end(job, run.get())) {
        continue;
      }
      String at = now();
      freed += db.withConnection(c -> WRITES.expireLease(c, job, at)) ? 1 : 0;
    }
    return freed;
  }

  // ---------------------------------------------------------------- inspecting and repairing

  @Override
  public Map<JobState, Long> counts() {
    return db.withConnection(JobRows.JOBS::counts);
  }

  @Override
  public long depth() {
    return db.withConnection(JobRows.JOBS::depth);
  }

  @Override
  public long due() {
    String at = SqliteDialect.time(clock.millis());
    return db.withConnection(c -> JobRows.JOBS.due(c, at));
  }

  @Override
  public List<Job> list(Optional<JobState> state, int limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must not be negative");
    }
    return db.withConnection(c -> JobRows.JOBS.list(c, state, limit));
  }

  @Override
  public Optional<Job> get(long id) {
    return db.withConnection(c -> JobRows.JOBS.find(c, id));
  }

  @Override
  public int retryFailed() {
    long now = clock.millis();
    return db.withConnection(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE jobs SET state = 'pending', attempts = 0, not_before = 0, version ="
                      + " version + 1, updated_at = ? WHERE state = 'failed'")) {
            ps.setLong(1, now);
            return ps.executeUpdate();
          }
        });
  }

  // ---------------------------------------------------------------- documents

  @Override
  public Optional<Document> document(RepoPath path) {
    return db.withConnection(c -> DocumentRows.find(c, SQLITE, path));
  }

  @Override
  public List<DocumentEntry> documents() {
    return db.withConnection(c -> DocumentRows.entries(c, SQLITE));
  }

  @Override
  public SearchOutcome search(SearchRequest request) {
    return db.withConnection(c -> SearchDocuments.search(c, request));
  }

  @Override
  public DocumentCounts documentCounts() {
    return db.withConnection(DocumentRows::counts);
  }

  /** Marks this instance closed (later calls fail) and closes its one idle connection. */
  @Override
  public void close() {
    db.close();
  }

  // ---------------------------------------------------------------- mechanics

  private static void requireNotNegative(Duration delay) {
    if (delay.isNegative()) {
      throw new IllegalArgumentException("a release delay cannot be negative, was " + delay);
    }
  }

  private static void requirePositive(Duration lease) {
    if (lease.isZero() || lease.isNegative()) {
      throw new IllegalArgumentException("lease must be positive, was " + lease);
    }
  }

  /** The clock's time as the SQL the shared protocols write. */
  private String now() {
    return SqliteDialect.time(clock.millis());
  }
}
