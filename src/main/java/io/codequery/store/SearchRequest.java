package io.codequery.store;

import io.codequery.CodeQueryException;
import java.util.Optional;

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
   * The most words a query may hold. Each is a look-up in the index, and thousands of them (a
   * phrase of thousands of words, thousands of one-letter prefixes) held SQLite's index for minutes
   * while a query of 64 takes milliseconds; all must match, so a longer query finds nothing anyway.
   */
  public static final int MAX_WORDS = 64;

  /**
   * Why the query cannot be searched, whatever the store, in one line: it holds no word at all
   * ({@link #wordless()}), or more than {@value #MAX_WORDS} (runs of letters and digits, as the
   * index splits them). Empty where it can be searched.
   */
  public Optional<String> unsearchable() {
    if (wordless()) {
      return Optional.of(wordlessReason());
    }
    long words = words();
    if (words > MAX_WORDS) {
      return Optional.of(
          "the query \""
              + shown()
              + "\" holds "
              + words
              + " words; at most "
              + MAX_WORDS
              + " are searched at once (each must match): give fewer");
    }
    return Optional.empty();
  }

  /** The runs of letters and digits in the query. */
  private long words() {
    long words = 0;
    boolean inWord = false;
    for (int i = 0; i < query.length(); ) {
      int cp = query.codePointAt(i);
      boolean letter = Character.isLetterOrDigit(cp);
      if (letter && !inWord) {
        words++;
      }
      inWord = letter;
      i += Character.charCount(cp);
    }
    return words;
  }

  /**
   * True where the query holds no letter or digit at all: there is nothing to search for, whatever
   * the store ({@link SearchOutcome.Unsearchable}).
   */
  public boolean wordless() {
    return query.codePoints().noneMatch(Character::isLetterOrDigit);
  }

  /** Why a {@link #wordless()} query cannot be searched, in one line. */
  public String wordlessReason() {
    return "nothing to search for in \""
        + shown()
        + "\": give at least one word or number (e.g. `docs search worker`)";
  }

  /** The query as a message shows it: its first 80 characters, control characters escaped. */
  private String shown() {
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
    return shown + (query.codePointCount(0, query.length()) > 80 ? "…" : "");
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
