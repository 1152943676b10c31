package io.codequery.queue;

import io.codequery.CodeQueryException;
import io.codequery.config.Config;
import io.codequery.pidfile.StrictFiles;
import io.codequery.pidfile.UnsafeFileException;
import io.codequery.project.ProjectLayout;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The job queue: one SQLite file ({@code .code-query/queue.db}) in WAL mode, shared by the worker,
 * the git hook's fallback and the CLI, in any number of processes and threads. Thread-safe.
 *
 * <p>This class is the queue's contract; the mechanics live beside it, one concern each: SQL
 * plumbing ({@link SqliteDatabase}), the schema and its migrations ({@link QueueSchema}), row
 * mapping ({@link JobRows}), and the claim protocol with its fence ({@link ClaimJobs}).
 *
 * <p>All times come from the injected {@link Clock} and are stored as epoch milliseconds.
 */
public final class JobQueue implements AutoCloseable {
  /** The schema version this code writes ({@code PRAGMA user_version}). */
  public static final int SCHEMA_VERSION = QueueSchema.VERSION;

  /** Bytes of output kept per job (the runner bounds it first; this guards the table). */
  public static final int MAX_OUTPUT_CHARS = JobRunner.DEFAULT_OUTPUT_LIMIT;

  public static final int MAX_ERROR_CHARS = 8 * 1024;

  private final SqliteDatabase db;
  private final ClaimJobs claims;
  private final int maxRetries;
  private final Duration retryDelay;
  private final Clock clock;

  private JobQueue(SqliteDatabase db, int maxRetries, Duration retryDelay, Clock clock) {
    this.db = db;
    this.claims = new ClaimJobs(maxRetries, EndOrphanedRuns::end);
    this.maxRetries = maxRetries;
    this.retryDelay = retryDelay;
    this.clock = clock;
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
    int version =
        db.withConnection(
            c -> {
              try (Statement st = c.createStatement();
                  ResultSet rs = st.executeQuery("PRAGMA user_version")) {
                return rs.next() ? rs.getInt(1) : 0;
              }
            });
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

  // ---------------------------------------------------------------- producing

  /**
   * Adds a pending job for each of {@code files} in {@code commit}, known by name alone. A (commit,
   * file) already in the queue, in any state, is left as it is: duplicates collapse and a done job
   * is not redone.
   *
   * @return how many jobs were added
   * @throws CodeQueryException if any path is unsafe (then nothing is added)
   */
  public int enqueue(String commit, List<String> files) {
    return enqueueFiles(commit, files.stream().map(JobFile::named).toList());
  }

  /**
   * Adds a pending job for each of {@code files} in {@code commit}, with the blob id each names. A
   * (commit, path) already in the queue, in any state, is left as it is.
   *
   * @return how many jobs were added
   * @throws CodeQueryException if the commit is unsafe (then nothing is added)
   */
  public int enqueueFiles(String commit, List<JobFile> files) {
    JobPaths.checkCommit(commit);
    long now = clock.millis();
    return db.inTransaction(
        c -> {
          int added = 0;
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO jobs (commit_id, file, blob_id, state, attempts, not_before,"
                      + " version, created_at, updated_at) VALUES (?, ?, ?, 'pending', 0, 0, 0, ?,"
                      + " ?) ON CONFLICT (commit_id, file) DO NOTHING")) {
            for (JobFile f : files) {
              ps.setString(1, commit);
              JobRows.bindPath(ps, 2, f.path());
              ps.setString(3, f.blob());
              ps.setLong(4, now);
              ps.setLong(5, now);
              added += ps.executeUpdate();
            }
          }
          return added;
        });
  }

  // ---------------------------------------------------------------- consuming

  /**
   * Claims the oldest job that is due: pending with its retry time reached, or running with an
   * expired lease. Empty when none is due (or, rarely, when faster claimants won every candidate
   * for several rounds in a row: then ask again later, as for an empty queue).
   */
  public Optional<Job> claim(String owner, Duration lease) {
    if (owner == null || owner.isBlank()) {
      throw new IllegalArgumentException("owner must be non-blank");
    }
    requirePositive(lease);
    return db.withConnection(c -> claims.claim(c, owner, lease, clock.millis()));
  }

  /**
   * Records success. Returns the job as done, or empty if this claim no longer holds the job (its
   * lease expired and another worker claimed it): the result is then discarded.
   */
  public Optional<Job> complete(Job job, JobResult result) {
    long now = clock.millis();
    return finish(
        job,
        "state = 'done', lease_owner = NULL, lease_until = NULL, updated_at = ?,"
            + " exit_code = ?, duration_ms = ?, output = ?, error = NULL",
        now,
        result.exitCode(),
        result.durationMs(),
        JobRows.bound(result.output(), MAX_OUTPUT_CHARS));
  }

  /** As {@link #fail(Job, String, boolean, JobResult)} with no run details. */
  public Optional<Job> fail(Job job, String reason, boolean retryable) {
    return fail(job, reason, retryable, null);
  }

  /**
   * Records a failure. A retryable failure within the retry budget ({@code attempts <= maxRetries})
   * goes back to pending, due after the retry delay; anything else becomes failed. Returns the job
   * as recorded, or empty if this claim no longer holds it.
   */
  public Optional<Job> fail(Job job, String reason, boolean retryable, JobResult result) {
    long now = clock.millis();
    boolean retry = retryable && job.attempts() <= maxRetries;
    String error =
        JobRows.bound(
            retry
                ? reason + " (attempt " + job.attempts() + " of " + (maxRetries + 1) + "; retrying)"
                : reason,
            MAX_ERROR_CHARS);
    Integer exit = result == null ? null : result.exitCode();
    Long duration = result == null ? null : result.durationMs();
    String output = result == null ? null : JobRows.bound(result.output(), MAX_OUTPUT_CHARS);
    if (retry) {
      return finish(
          job,
          "state = 'pending', not_before = ?, lease_owner = NULL, lease_until = NULL, updated_at ="
              + " ?, exit_code = ?, duration_ms = ?, output = ?, error = ?",
          now + retryDelay.toMillis(),
          now,
          exit,
          duration,
          output,
          error);
    }
    return finish(
        job,
        "state = 'failed', lease_owner = NULL, lease_until = NULL, updated_at = ?,"
            + " exit_code = ?, duration_ms = ?, output = ?, error = ?",
        now,
        exit,
        duration,
        output,
        error);
  }

  /**
   * Hands a claimed job back unfinished (graceful shutdown): pending again, due at once, and the
   * attempt is not counted. Returns the job, or empty if this claim no longer holds it.
   */
  public Optional<Job> release(Job job) {
    return finish(
        job,
        "state = 'pending', attempts = MAX(attempts - 1, 0), not_before = ?,"
            + " lease_owner = NULL, lease_until = NULL, updated_at = ?",
        clock.millis(),
        clock.millis());
  }

  /**
   * Extends this claim's lease to now + {@code lease}; false if the claim no longer holds the job.
   */
  public boolean extendLease(Job job, Duration lease) {
    requirePositive(lease);
    long now = clock.millis();
    return db.withConnection(
        c ->
            ClaimJobs.update(c, job, "lease_until = ?, updated_at = ?", now + lease.toMillis(), now)
                == 1);
  }

  /**
   * Records where this claim's command runs (see {@link RecordedRun}); false if the claim no longer
   * holds the job.
   */
  public boolean recordRun(Job job, RecordedRun run) {
    return db.withConnection(
        c ->
            ClaimJobs.update(
                    c,
                    job,
                    "run_pid = ?, run_start_ticks = ?, run_boot_id = ?",
                    run.pid(),
                    run.startTicks(),
                    run.bootId())
                == 1);
  }

  /**
   * Ends what the jobs of dead workers left running and makes those jobs claimable at once instead
   * of when their lease runs out: for each running job whose lease owner is certainly gone (see
   * {@link EndOrphanedRuns#ownerGone}) and whose survivors could all be ended. A worker calls this
   * as it starts. Returns how many jobs were freed.
   */
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
      long now = clock.millis();
      boolean expired =
          db.withConnection(
              c -> ClaimJobs.update(c, job, "lease_until = ?, updated_at = ?", now - 1, now) == 1);
      freed += expired ? 1 : 0;
    }
    return freed;
  }

  // ---------------------------------------------------------------- inspecting and repairing

  /** Job counts by state, in the order pending, running, done, failed; every state present. */
  public Map<JobState, Long> counts() {
    return db.withConnection(
        c -> {
          EnumMap<JobState, Long> counts = new EnumMap<>(JobState.class);
          for (JobState s : JobState.values()) {
            counts.put(s, 0L);
          }
          try (Statement st = c.createStatement();
              ResultSet rs = st.executeQuery("SELECT state, COUNT(*) FROM jobs GROUP BY state")) {
            while (rs.next()) {
              counts.put(JobState.of(rs.getString(1)), rs.getLong(2));
            }
          }
          return Collections.unmodifiableMap(counts);
        });
  }

  /** Jobs waiting or in progress (pending + running). */
  public long depth() {
    return db.withConnection(
        c -> {
          try (Statement st = c.createStatement();
              ResultSet rs =
                  st.executeQuery(
                      "SELECT COUNT(*) FROM jobs WHERE state IN ('pending', 'running')")) {
            rs.next();
            return rs.getLong(1);
          }
        });
  }

  /** Up to {@code limit} jobs, newest first, optionally only those in {@code state}. */
  public List<Job> list(Optional<JobState> state, int limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must not be negative");
    }
    return db.withConnection(
        c -> {
          String where = state.isPresent() ? " WHERE state = ?" : "";
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT "
                      + JobRows.COLUMNS
                      + " FROM jobs"
                      + where
                      + " ORDER BY id DESC LIMIT ?")) {
            int i = 1;
            if (state.isPresent()) {
              ps.setString(i++, state.get().id());
            }
            ps.setInt(i, limit);
            List<Job> jobs = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                jobs.add(JobRows.job(rs));
              }
            }
            return List.copyOf(jobs);
          }
        });
  }

  /** The job with {@code id}, if there is one. */
  public Optional<Job> get(long id) {
    return db.withConnection(c -> JobRows.find(c, id));
  }

  /** Puts every failed job back to pending with its attempts reset; returns how many. */
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

  /** Marks this instance closed (later calls fail) and closes its one idle connection. */
  @Override
  public void close() {
    db.close();
  }

  // ---------------------------------------------------------------- mechanics

  private static void requirePositive(Duration lease) {
    if (lease.isZero() || lease.isNegative()) {
      throw new IllegalArgumentException("lease must be positive, was " + lease);
    }
  }

  /**
   * Applies {@code set} to the row of this claim (the fence of {@link ClaimJobs#update}) and reads
   * the row back in the same transaction so the caller sees what it recorded.
   */
  private Optional<Job> finish(Job job, String set, Object... values) {
    return db.inTransaction(
        c ->
            ClaimJobs.update(c, job, set, values) == 1
                ? JobRows.find(c, job.id())
                : Optional.<Job>empty());
  }
}
