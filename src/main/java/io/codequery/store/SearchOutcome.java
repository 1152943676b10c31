package io.codequery.store;

import java.util.List;

/** What a search found, or why there was nothing to search for. */
public sealed interface SearchOutcome {
  /**
   * The hits, best first (none: nothing matched).
   *
   * @param asPlainWords true when the query's syntax was refused and its words were searched
   *     instead
   */
  record Hits(List<SearchHit> hits, boolean asPlainWords) implements SearchOutcome {
    public Hits {
      hits = List.copyOf(hits);
    }
  }

  /** The query holds nothing to search for (no word at all); {@code reason} says so. */
  record Unsearchable(String reason) implements SearchOutcome {}
}
