package io.codequery.store;

/**
 * How to ingest changes.
 *
 * @param force queue the files even where their content is documented already, and queue a job of
 *     the same commit and path that exists already (and does not run) anew ({@code queue add
 *     --force})
 * @param unlessDocumentedBy a processor id: a file whose current document describes its blob and
 *     was made by that processor is not queued at all (a backfill's bookkeeping); null to queue
 *     every file and let the worker skip what is documented
 */
public record IngestOptions(boolean force, String unlessDocumentedBy) {
  /** Queue every change's file; the worker skips what is documented already. */
  public static final IngestOptions DEFAULT = new IngestOptions(false, null);
}
