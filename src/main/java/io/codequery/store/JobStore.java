package io.codequery.store;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The job queue: one documentation job per file per commit, {@code pending → running → done |
 * failed}, shared by the worker, the git hook's fallback and the CLI, in any number of processes
 * and threads. Thread-safe.
 *
 * <p><b>Claims and fences.</b> A claim hands out a due job with a lease; every later write of that
 * claim ({@link #complete}, {@link #fail}, {@link #release}, {@link #extendLease}, {@link
 * #recordRun}, {@link #skipIfUnneeded}) is accepted only while the claim still holds the job, so a
 * worker whose lease expired and whose job was claimed again cannot overwrite the new claimant's
 * result. Delivery is at least once.
 *
 * <p><b>Order per path.</b> Changes are ordered per path as they are ingested: a job's result never
 * overwrites a newer state of its path (a later job of the path, its deletion or its rename away),
 * a pending job overtaken by a newer change of its path is not run, and two jobs of one file never
 * run at once.
 */
public interface JobStore {
  /**
   * Records the changes of {@code commit} in one transaction: a job for each file to document, and
   * the documents that move (renames) or leave (deletions) at once. A (commit, path) already
   * recorded is left as it is: ingesting a commit twice changes nothing. Except where it must run
   * again — forced ({@code options.force()}), or, for a backfill ({@code
   * options.unlessDocumentedBy()}), done or overtaken while its content is not documented — and it
   * does not run now: then it is queued anew as the newest change of its path (in place, it would
   * stay older than a change ingested since, and its result be refused as overtaken).
   *
   * @throws io.codequery.CodeQueryException if the commit is unsafe (then nothing is recorded)
   */
  Ingested ingest(String commit, List<PathChange> changes, IngestOptions options);

  /**
   * Queues each of {@code files} in {@code commit}, known by name alone; returns how many jobs were
   * added.
   */
  default int enqueue(String commit, List<String> files) {
    return enqueueFiles(commit, files.stream().map(JobFile::named).toList());
  }

  /**
   * Queues each of {@code files} in {@code commit}, with the blob id each names; returns how many
   * jobs were added.
   */
  default int enqueueFiles(String commit, List<JobFile> files) {
    List<PathChange> changes =
        files.stream().<PathChange>map(f -> new PathChange.Document(f.path(), f.blob())).toList();
    return ingest(commit, changes, IngestOptions.DEFAULT).queued();
  }

  /**
   * Claims the oldest job that is due: pending with its retry time reached, or running with an
   * expired lease. Empty when none is due (or, rarely, when faster claimants won every candidate
   * for several rounds in a row: then ask again later, as for an empty queue).
   */
  Optional<Job> claim(String owner, Duration lease);

  /**
   * Before a claimed job runs: records it done at once where running it is not needed — its path's
   * current document already describes its blob and was made by {@code processor} (and the job is
   * not forced), or a newer change of its path came since it was queued.
   */
  Skip skipIfUnneeded(Job job, String processor);

  /**
   * Records success and, in the same transaction, the document the run wrote (where it wrote one,
   * and unless that would overwrite a newer state of its path: see {@link Outcome#NOT_STORED}).
   * Returns the job as done, or empty if this claim no longer holds the job: the result is then
   * discarded.
   */
  Optional<Job> complete(Job job, JobResult result);

  /**
   * {@link #complete} {@code job}, then {@link #claim} the next due job for {@code owner}: a
   * consumer that finished a job asks for its next one in the same breath. The completion keeps
   * {@link #complete}'s fence and the claim {@link #claim}'s rules (the claim sees the completion:
   * a newer change of the finished job's path may be the job claimed). A store may do both in one
   * transaction: on PostgreSQL that is one commit, so one flush of its log, per job instead of two.
   */
  default CompletedAndNext completeAndClaim(
      Job job, JobResult result, String owner, Duration lease) {
    Optional<Job> completed = complete(job, result);
    return new CompletedAndNext(completed, claim(owner, lease));
  }

  /** As {@link #fail(Job, String, boolean, JobResult)} with no run details. */
  default Optional<Job> fail(Job job, String reason, boolean retryable) {
    return fail(job, reason, retryable, null);
  }

  /**
   * Records a failure. A retryable failure within the retry budget ({@code attempts <= maxRetries})
   * goes back to pending, due after the retry delay; anything else becomes failed. Returns the job
   * as recorded, or empty if this claim no longer holds it.
   */
  Optional<Job> fail(Job job, String reason, boolean retryable, JobResult result);

  /**
   * Hands a claimed job back unfinished (graceful shutdown): pending again, due at once, and the
   * attempt is not counted. Returns the job, or empty if this claim no longer holds it.
   */
  default Optional<Job> release(Job job) {
    return release(job, Duration.ZERO);
  }

  /**
   * Hands a claimed job back unfinished, due again only after {@code delay} on the store's clock
   * (the database's on a server): pending, lease cleared, and the attempt is not counted — a job
   * released any number of times is never failed for it. For a job this host cannot run now (its
   * commit is not in this clone) but another host, or this one later, can. Fenced like {@link
   * #complete}: returns the job as recorded, or empty if this claim no longer holds it.
   *
   * @throws IllegalArgumentException if {@code delay} is negative
   */
  Optional<Job> release(Job job, Duration delay);

  /**
   * The store's name (no credentials) where workers of other clones, on other hosts, claim from
   * this store too; empty for a store only this project's clone uses (the embedded SQLite file).
   * Two decisions follow from it. A job whose commit this clone lacks is left for the others on a
   * shared store, but fails on the clone's own one: there a commit no fetch brought is gone (pruned
   * after an amend or rebase) and waiting would never end. And on a shared store a worker cut off
   * from it fences itself before the others may take its jobs over.
   */
  default Optional<String> sharedWithOtherHosts() {
    return Optional.empty();
  }

  /**
   * Extends this claim's lease to now + {@code lease}; false if the claim no longer holds the job.
   */
  boolean extendLease(Job job, Duration lease);

  /**
   * Records where this claim's command runs (see {@link RecordedRun}); false if the claim no longer
   * holds the job.
   */
  boolean recordRun(Job job, RecordedRun run);

  /**
   * Ends what the jobs of dead workers (of this host) left running and makes those jobs claimable
   * at once instead of when their lease runs out. A worker calls this as it starts; {@code
   * ownOwnerPrefix} names its own claims, which are left alone. Returns how many jobs were freed.
   */
  int endOrphanedRuns(String ownOwnerPrefix);

  /** Job counts by state, in the order pending, running, done, failed; every state present. */
  Map<JobState, Long> counts();

  /** Jobs waiting or in progress (pending + running). */
  long depth();

  /**
   * Jobs that may be claimed now: pending ones past their retry delay, and running ones whose lease
   * expired. Jobs that wait for an older job of their file count too.
   */
  long due();

  /** Up to {@code limit} jobs, newest first, optionally only those in {@code state}. */
  List<Job> list(Optional<JobState> state, int limit);

  /** The job with {@code id}, if there is one. */
  Optional<Job> get(long id);

  /** Puts every failed job back to pending with its attempts reset; returns how many. */
  int retryFailed();

  /**
   * Calls {@code onJobs}, on a thread of the store's, soon after any process or host adds jobs or
   * puts failed ones back — and once after each time it could not listen for a while, as jobs may
   * have come meanwhile — until the returned subscription is closed. A store that cannot tell never
   * calls it (the SQLite store: there the worker's watch on its spool wakes it instead).
   */
  default Subscription listenForJobs(Runnable onJobs) {
    return () -> {};
  }

  /** A subscription of {@link #listenForJobs}; closing it is idempotent and never throws. */
  interface Subscription extends AutoCloseable {
    @Override
    void close();
  }
}
