package io.codequery.pgstore;

import static io.codequery.pgstore.PgDialect.POSTGRESQL;

import io.codequery.project.RepoPath;
import io.codequery.queue.EndOrphanedRuns;
import io.codequery.queue.JobQueue;
import io.codequery.sqlstore.ClaimWrites;
import io.codequery.sqlstore.DocumentRows;
import io.codequery.sqlstore.IngestChanges;
import io.codequery.sqlstore.UnneededRun;
import io.codequery.store.Beat;
import io.codequery.store.CompletedAndNext;
import io.codequery.store.Document;
import io.codequery.store.DocumentCounts;
import io.codequery.store.DocumentEntry;
import io.codequery.store.IngestOptions;
import io.codequery.store.Ingested;
import io.codequery.store.Job;
import io.codequery.store.JobResult;
import io.codequery.store.JobState;
import io.codequery.store.NewWorker;
import io.codequery.store.PathChange;
import io.codequery.store.PathRules;
import io.codequery.store.RecordedRun;
import io.codequery.store.SearchOutcome;
import io.codequery.store.SearchRequest;
import io.codequery.store.Skip;
import io.codequery.store.StopRequest;
import io.codequery.store.Store;
import io.codequery.store.StoreHealth;
import io.codequery.store.WorkerRecord;
import io.codequery.store.WorkerRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Supplier;

/**
 * The {@link Store} on PostgreSQL, shared by the workers of many hosts: the same contract as the
 * SQLite store ({@link JobQueue}), the same contract tests. Thread-safe; a small pool of
 * connections (at most {@value PgDatabase#POOL_SIZE}).
 *
 * <p>The mechanics live beside it, one concern each: SQL plumbing ({@link PgDatabase}), the schema
 * and its migrations ({@link PgSchema}), row mapping ({@link PgRows}, {@link DocumentRows}), the
 * claim protocol with its lease tokens ({@link PgClaims}), the ingestion protocol ({@link
 * IngestChanges}, over {@link PgDialect}), and full-text search ({@link PgSearch}).
 *
 * <p><b>Time.</b> Every time decision — due, lease expiry, retry delay, every timestamp stored —
 * reads the database's clock ({@code now()}), never a host's: the hosts sharing a store need not
 * agree on the time. (Tests move that clock forward with {@link Options#clockShift}.)
 *
 * <p><b>Workers.</b> It is its own {@link WorkerRegistry} ({@link PgWorkerRegistry}): every worker
 * sharing the store registers in it, whatever its host.
 *
 * <p><b>Order per path.</b> Ingesting takes an exclusive transaction-level advisory lock, and the
 * writes that read the order (completing a job with its document, skipping an unneeded one) take it
 * shared: ids follow ingest commit order, and no change of a path is ingested between a
 * completion's look at the path's newer changes and its document's write (SQLite's single writer
 * gives the SQLite store both for free).
 */
public final class PostgresStore implements Store, WorkerRegistry {
  /** The channel a worker listens on to hear of new jobs at once. */
  public static final String JOBS_CHANNEL = "code_query_jobs";

  /** The schema version this code writes. */
  public static final int SCHEMA_VERSION = PgSchema.VERSION;

  /** The writes of a claim's holder (the protocol shared with SQLite). */
  private static final ClaimWrites WRITES =
      new ClaimWrites(PgRows.JOBS, JobQueue.MAX_OUTPUT_CHARS, JobQueue.MAX_ERROR_CHARS);

  /**
   * How the store behaves.
   *
   * @param maxRetries how many times a retryable failure is retried (so up to maxRetries + 1 runs)
   * @param retryDelay how long a job waits before a retry
   * @param clockShift for tests only: added to the database's clock in every time decision, as a
   *     test moves a settable clock (zero in production)
   */
  public record Options(int maxRetries, Duration retryDelay, Supplier<Duration> clockShift) {
    public Options {
      if (maxRetries < 0 || retryDelay.isNegative()) {
        throw new IllegalArgumentException("maxRetries and retryDelay must not be negative");
      }
    }

    /** No shift: the database's clock as it is. */
    public Options(int maxRetries, Duration retryDelay) {
      this(maxRetries, retryDelay, () -> Duration.ZERO);
    }
  }

  private final PgDatabase db;
  private final Options options;
  private final PgWorkerRegistry workers;

  private PostgresStore(PgDatabase db, Options options) {
    this.db = db;
    this.options = options;
    this.workers = new PgWorkerRegistry(db, this::now);
  }

  /**
   * Opens the store at {@code jdbcUrl} ({@code jdbc:postgresql://host:port/db}), creating or
   * migrating its schema (safe when several hosts start at once).
   *
   * @param properties connection properties (user; a password only from the environment or
   *     ~/.pgpass, never from config.json)
   * @param where the server as the user named it, without credentials, for messages
   * @throws io.codequery.CodeQueryException naming the server and what to check where it cannot be
   *     reached, or holds a newer schema
   */
  public static PostgresStore open(
      String jdbcUrl, Properties properties, String where, Options options) {
    PgDatabase db = PgDatabase.open(jdbcUrl, properties, where);
    try {
      PgSchema.migrate(db);
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
    return new PostgresStore(db, options);
  }

  /**
   * Connects to the store at {@code jdbcUrl} and reads its schema version, timing both; never
   * creates or migrates anything (a server without the schema is reachable, with no version).
   *
   * @param url the store as {@code worker health} names it (no credentials)
   */
  public static StoreHealth probe(String jdbcUrl, Properties properties, String where, String url) {
    long start = System.nanoTime();
    try (PgDatabase db = PgDatabase.open(jdbcUrl, properties, where)) {
      int version = db.withConnection(PgSchema::currentVersion);
      return new StoreHealth(
          url, true, (System.nanoTime() - start) / 1e6, version == 0 ? null : version, null);
    } catch (RuntimeException e) {
      return new StoreHealth(url, false, null, null, e.getMessage());
    }
  }

  /** The server as the user named it (no credentials). */
  public String where() {
    return db.where();
  }

  /** The schema version the store holds. */
  public int schemaVersion() {
    return db.withConnection(PgSchema::version);
  }

  /**
   * The database's "now" as SQL: {@code now()}, the start of the current transaction, plus the
   * tests' shift. A literal number of milliseconds is all that is spliced in.
   */
  private String now() {
    long shift = options.clockShift().get().toMillis();
    return shift == 0 ? "now()" : "(now() + interval '" + shift + " milliseconds')";
  }

  // ---------------------------------------------------------------- producing

  @Override
  public Ingested ingest(String commit, List<PathChange> changes, IngestOptions ingestOptions) {
    PathRules.checkCommit(commit);
    String now = now();
    return db.inTransaction(
        c -> {
          Ingested ingested = IngestChanges.run(c, POSTGRESQL, commit, changes, ingestOptions, now);
          if (ingested.queued() > 0) {
            // Delivered when this transaction commits, to every worker listening.
            try (Statement st = c.createStatement()) {
              st.execute("NOTIFY " + JOBS_CHANNEL);
            }
          }
          return ingested;
        });
  }

  // ---------------------------------------------------------------- consuming

  @Override
  public Optional<Job> claim(String owner, Duration lease) {
    requireOwner(owner);
    requirePositive(lease);
    for (int round = 0; round < 8; round++) {
      String now = now();
      // One transaction: two claimants failing the same exhausted jobs at once may deadlock on
      // their rows, and a transaction PostgreSQL aborted for that is run again.
      Optional<PgClaims.Claimed> claimed = db.inTransaction(c -> claimIn(c, owner, lease, now));
      if (claimed.isEmpty()) {
        return Optional.empty();
      }
      Optional<Job> job = admit(claimed.get());
      if (job.isPresent()) {
        return job;
      }
    }
    return Optional.empty();
  }

  /**
   * Completes {@code job} and claims the next due job for {@code owner} in one transaction: one
   * commit, so one flush of the server's log, per job instead of two (that flush, milliseconds on a
   * disk, is most of what a claim and a completion cost).
   */
  @Override
  public CompletedAndNext completeAndClaim(
      Job job, JobResult result, String owner, Duration lease) {
    requireOwner(owner);
    requirePositive(lease);
    String now = now();
    record Both(Optional<Job> completed, Optional<PgClaims.Claimed> claimed) {}
    Both both =
        db.inTransaction(
            c -> new Both(WRITES.complete(c, job, result, now), claimIn(c, owner, lease, now)));
    Optional<Job> next = both.claimed().isEmpty() ? Optional.empty() : admit(both.claimed().get());
    if (both.claimed().isPresent() && next.isEmpty()) {
      next = claim(owner, lease); // the claimed job's previous run could not be ended: look again
    }
    return new CompletedAndNext(both.completed(), next);
  }

  private Optional<PgClaims.Claimed> claimIn(Connection c, String owner, Duration lease, String now)
      throws SQLException {
    return PgClaims.claim(c, owner, lease, now, options.maxRetries());
  }

  /**
   * The claimed job, ready to run; empty where its previous run (on this host) could not be ended,
   * and the claim was given up for that.
   */
  private Optional<Job> admit(PgClaims.Claimed claimed) {
    Job job = claimed.job();
    Optional<RecordedRun> previous = claimed.previousRun();
    // The claim is ours (its token fences the previous holder's late writes); before the job
    // runs again, end what its previous run left running on this host, so it never runs twice at
    // once. A run on another host (another host id: machine, boot or PID namespace) is never
    // signalled: that host's worker fences itself.
    if (previous.isPresent()
        && EndOrphanedRuns.ranOnThisHost(previous.get())
        && !EndOrphanedRuns.end(claimed.previousClaim().orElseThrow(), previous.get())) {
      String expired = now();
      db.withConnection(
          c -> PgClaims.update(c, job, "lease_expires_at = " + expired + " - interval '1 ms'"));
      return Optional.empty();
    }
    return Optional.of(job);
  }

  private static void requireOwner(String owner) {
    if (owner == null || owner.isBlank()) {
      throw new IllegalArgumentException("owner must be non-blank");
    }
  }

  @Override
  public Skip skipIfUnneeded(Job job, String processor) {
    // Most jobs must run: look first without the lock, and take it only to record a skip (looking
    // again under it: a change ingested in between may have decided otherwise).
    if (db.withConnection(c -> UnneededRun.of(c, POSTGRESQL, job, processor)).isEmpty()) {
      return new Skip.Run();
    }
    String now = now();
    return db.inTransaction(c -> WRITES.skip(c, job, processor, now));
  }

  @Override
  public Optional<Job> complete(Job job, JobResult result) {
    String now = now();
    return db.inTransaction(c -> WRITES.complete(c, job, result, now));
  }

  @Override
  public Optional<Job> fail(Job job, String reason, boolean retryable, JobResult result) {
    String now = now();
    return db.inTransaction(
        c ->
            WRITES.fail(
                c,
                job,
                now,
                reason,
                retryable,
                result,
                options.maxRetries(),
                options.retryDelay()));
  }

  @Override
  public Optional<String> sharedWithOtherHosts() {
    return Optional.of(where());
  }

  @Override
  public Optional<Job> release(Job job, Duration delay) {
    if (delay.isNegative()) {
      throw new IllegalArgumentException("a release delay cannot be negative, was " + delay);
    }
    String now = now();
    return db.inTransaction(c -> WRITES.release(c, job, now, delay));
  }

  @Override
  public boolean extendLease(Job job, Duration lease) {
    requirePositive(lease);
    String now = now();
    return db.withConnection(c -> WRITES.extendLease(c, job, now, lease));
  }

  @Override
  public boolean recordRun(Job job, RecordedRun run) {
    return db.withConnection(c -> WRITES.recordRun(c, job, run));
  }

  @Override
  public int endOrphanedRuns(String ownOwnerPrefix) {
    int freed = 0;
    for (Job job : list(Optional.of(JobState.RUNNING), Integer.MAX_VALUE)) {
      // Owners are pid-<pid>-…: a PID says something only on the host that ran it. A run
      // recorded under another host id is another host's — another machine, boot, container or
      // PID namespace — and is left to its lease.
      Optional<RecordedRun> run = db.withConnection(c -> PgClaims.recordedRun(c, job));
      if (run.isEmpty() || !EndOrphanedRuns.ownerGone(job.leaseOwner(), ownOwnerPrefix)) {
        continue;
      }
      if (!EndOrphanedRuns.ranOnThisHost(run.get()) || !EndOrphanedRuns.end(job, run.get())) {
        continue;
      }
      String now = now();
      freed += db.withConnection(c -> WRITES.expireLease(c, job, now)) ? 1 : 0;
    }
    return freed;
  }

  // ---------------------------------------------------------------- inspecting and repairing

  @Override
  public Map<JobState, Long> counts() {
    return db.withConnection(PgRows.JOBS::counts);
  }

  @Override
  public long depth() {
    return db.withConnection(PgRows.JOBS::depth);
  }

  @Override
  public long due() {
    String at = now();
    return db.withConnection(c -> PgRows.JOBS.due(c, at));
  }

  @Override
  public List<Job> list(Optional<JobState> state, int limit) {
    return db.withConnection(c -> PgRows.JOBS.list(c, state, limit));
  }

  @Override
  public Optional<Job> get(long id) {
    return db.withConnection(c -> PgRows.JOBS.find(c, id));
  }

  @Override
  public int retryFailed() {
    String now = now();
    int n =
        db.withConnection(
            c -> {
              try (Statement st = c.createStatement()) {
                return st.executeUpdate(
                    "UPDATE jobs SET state = 'pending', attempts = 0, not_before = 'epoch',"
                        + " updated_at = "
                        + now
                        + " WHERE state = 'failed'");
              }
            });
    if (n > 0) {
      notifyWorkers();
    }
    return n;
  }

  /**
   * Calls {@code onJobs} soon after any host adds jobs ({@code LISTEN}/{@code NOTIFY}: ingesting
   * and retrying notify at commit), so an idle worker claims within a fraction of a second without
   * polling.
   */
  @Override
  public Subscription listenForJobs(Runnable onJobs) {
    return db.listenForJobs(onJobs);
  }

  private void notifyWorkers() {
    db.withConnection(
        c -> {
          try (Statement st = c.createStatement()) {
            return st.execute("NOTIFY " + JOBS_CHANNEL);
          }
        });
  }

  // ---------------------------------------------------------------- documents

  @Override
  public Optional<Document> document(RepoPath path) {
    return db.withConnection(c -> DocumentRows.find(c, POSTGRESQL, path));
  }

  @Override
  public List<DocumentEntry> documents() {
    return db.withConnection(c -> DocumentRows.entries(c, POSTGRESQL));
  }

  @Override
  public SearchOutcome search(SearchRequest request) {
    return db.withConnection(c -> PgSearch.search(c, request));
  }

  @Override
  public DocumentCounts documentCounts() {
    return db.withConnection(DocumentRows::counts);
  }

  // ---------------------------------------------------------------- workers

  @Override
  public WorkerRecord register(NewWorker worker) {
    return workers.register(worker);
  }

  @Override
  public Beat heartbeat(String workerId, boolean progressed) {
    return workers.heartbeat(workerId, progressed);
  }

  @Override
  public void markDraining(String workerId) {
    workers.markDraining(workerId);
  }

  @Override
  public void markStopped(String workerId) {
    workers.markStopped(workerId);
  }

  @Override
  public StopRequest requestStop(String workerId) {
    return workers.requestStop(workerId);
  }

  @Override
  public List<WorkerRecord> workers() {
    return workers.workers();
  }

  @Override
  public List<WorkerRecord> reap() {
    return workers.reap();
  }

  /** Ends the lock sessions of the lives registered here and closes the pool; later calls fail. */
  @Override
  public void close() {
    workers.close();
    db.close();
  }

  // ---------------------------------------------------------------- mechanics

  private static void requirePositive(Duration lease) {
    if (lease.isZero() || lease.isNegative()) {
      throw new IllegalArgumentException("lease must be positive, was " + lease);
    }
  }

  /** Applies {@code set} under this claim's fence and reads the row back in one transaction. */
}
