package io.codequery.store;

import io.codequery.CodeQueryException;

/**
 * A full-text search of the current documents.
 *
 * @param query the user's words: terms (all must match), {@code "a phrase"}, {@code prefix*}, and
 *     the store's own operators where its syntax allows; a query the syntax refuses is searched as
 *     plain words instead, never an error
 * @param limit at most this many hits, best first (1 to {@value #MAX_LIMIT})
 * @param pathGlob only paths matching this glob, as git matches pathspecs ({@code *} and {@code ?}
 *     match {@code /} too, so {@code *.java} is every Java file; a glob without wildcards also
 *     matches everything below it as a directory); null for every path
 */
public record SearchRequest(String query, int limit, String pathGlob) {
  public static final int MAX_LIMIT = 1000;

  /**
   * True where the query holds no letter or digit at all: there is nothing to search for, whatever
   * the store ({@link SearchOutcome.Unsearchable}).
   */
  public boolean wordless() {
    return query.codePoints().noneMatch(Character::isLetterOrDigit);
  }

  /** Why a {@link #wordless()} query cannot be searched, in one line. */
  public String wordlessReason() {
    StringBuilder shown = new StringBuilder();
    query
        .codePoints()
        .limit(80)
        .forEach(
            cp -> {
              if (Character.isISOControl(cp)) {
                shown.append(String.format("\\x%02x", cp));
              } else {
                shown.appendCodePoint(cp);
              }
            });
    return "nothing to search for in \""
        + shown
        + (query.codePointCount(0, query.length()) > 80 ? "…" : "")
        + "\": give at least one word or number (e.g. `docs search worker`)";
  }

  public SearchRequest {
    if (query == null) {
      throw new CodeQueryException("a search needs a query");
    }
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new CodeQueryException("--limit must be from 1 to " + MAX_LIMIT + ", found " + limit);
    }
    if (pathGlob != null && pathGlob.isEmpty()) {
      throw new CodeQueryException("--path must not be empty (leave it out to search every path)");
    }
  }
}
