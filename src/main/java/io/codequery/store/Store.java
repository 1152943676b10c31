package io.codequery.store;

/**
 * One project's store: its job queue and its documentation, in one database, so that a job is done
 * and its document written in one transaction. Implementations: SQLite ({@code
 * io.codequery.queue.JobQueue}); the same contract tests run against each.
 */
public interface Store extends JobStore, DocumentStore, AutoCloseable {
  /** Releases what the store holds open; later calls fail. */
  @Override
  void close();
}
