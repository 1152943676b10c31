package io.codequery.store;

import java.util.Optional;

/**
 * What {@link JobStore#completeAndClaim} did.
 *
 * @param completed the finished job as recorded, or empty where its claim no longer held it (the
 *     result was discarded), as {@link JobStore#complete} answers
 * @param next the job claimed next for the same owner, or empty where none is due, as {@link
 *     JobStore#claim} answers
 */
public record CompletedAndNext(Optional<Job> completed, Optional<Job> next) {}
