package io.codequery.store;

import io.codequery.project.RepoPath;
import java.time.Instant;

/**
 * The current document of one file.
 *
 * @param path the file, as git's bytes
 * @param commit the commit whose content it describes
 * @param blob the blob id of that content; null where the job knew the file by name alone
 * @param processor who wrote it (see {@link NewDocument#processor()})
 * @param documentedAt when it was stored
 * @param durationMs how long the processor took
 * @param text the document (bounded; see {@code truncated})
 * @param writtenBytes how many bytes the processor wrote in all
 * @param truncated true when {@code text} holds less than the processor wrote
 */
public record Document(
    RepoPath path,
    String commit,
    String blob,
    String processor,
    Instant documentedAt,
    long durationMs,
    String text,
    long writtenBytes,
    boolean truncated) {

  /** This document without its text. */
  public DocumentEntry entry() {
    return new DocumentEntry(path, commit, blob, processor, documentedAt);
  }
}
