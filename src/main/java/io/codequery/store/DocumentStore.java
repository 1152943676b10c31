package io.codequery.store;

import io.codequery.project.RepoPath;
import java.util.List;
import java.util.Optional;

/**
 * The documentation store: one current document per file, keyed by path, searchable. Its documents
 * are written by the {@link JobStore} that completes their jobs, in the same transaction, so a
 * reader never sees a job done without its document, nor half a document. Thread-safe; readers
 * never block the worker.
 */
public interface DocumentStore {
  /** The current document of {@code path}; empty where it has none. */
  Optional<Document> document(RepoPath path);

  /** Every current document, without its text, in path order (git's: bytes, unsigned). */
  List<DocumentEntry> documents();

  /**
   * Searches the current documents (paths and texts). A user's query is data: whatever it holds,
   * the answer is {@link SearchOutcome.Hits} (perhaps empty) or {@link SearchOutcome.Unsearchable},
   * never an exception about its syntax.
   */
  SearchOutcome search(SearchRequest request);

  /** The counts {@code docs status} reports from the store. */
  DocumentCounts documentCounts();
}
