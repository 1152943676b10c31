package io.codequery.store;

/**
 * One project's store: its job queue and its documentation, in one database, so that a job is done
 * and its document written in one transaction. Implementations: SQLite ({@code
 * io.codequery.queue.JobQueue}, the project's own file) and PostgreSQL ({@code
 * io.codequery.pgstore.PostgresStore}, shared by many hosts); the same contract tests run against
 * each, and {@code io.codequery.storage.OpenStore} opens the one a project's configuration names.
 */
public interface Store extends JobStore, DocumentStore, AutoCloseable {
  /** Releases what the store holds open; later calls fail. */
  @Override
  void close();
}
