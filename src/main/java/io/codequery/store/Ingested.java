package io.codequery.store;

/**
 * What ingesting a commit's changes did.
 *
 * @param queued jobs added (or, forced, put back to pending)
 * @param alreadyDocumented files not queued because their current document describes their content
 *     already (only when asked, see {@link IngestOptions#unlessDocumentedBy})
 * @param removed documents that left search (their file was deleted, or became a link)
 * @param moved documents that moved to their file's new name
 * @param superseded pending jobs that will not run because a newer change of their path came
 */
public record Ingested(int queued, int alreadyDocumented, int removed, int moved, int superseded) {
  public static final Ingested NOTHING = new Ingested(0, 0, 0, 0, 0);

  /** The sums of this and {@code other}. */
  public Ingested plus(Ingested other) {
    return new Ingested(
        queued + other.queued,
        alreadyDocumented + other.alreadyDocumented,
        removed + other.removed,
        moved + other.moved,
        superseded + other.superseded);
  }
}
