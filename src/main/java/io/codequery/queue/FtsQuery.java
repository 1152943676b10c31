package io.codequery.queue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Turns any user query into one FTS5 accepts: its words, each a quoted string. Pure. */
final class FtsQuery {
  private FtsQuery() {}

  /**
   * The words of {@code query} as an FTS5 query every one of them must match: each
   * whitespace-separated token that holds a letter or digit becomes a quoted string (its own quotes
   * doubled, so nothing in it is syntax; the tokenizer splits {@code worker-loop} into the phrase
   * "worker loop"), and a token ending in {@code *} stays a prefix. Control characters separate
   * tokens as spaces do (FTS5 reads its query as a C string: a NUL would end it inside a quoted
   * string). Empty where no token holds a letter or digit.
   */
  static Optional<String> plainWords(String query) {
    List<String> terms = new ArrayList<>();
    String spaced = query.replaceAll("\\p{Cntrl}", " ").strip();
    for (String token : spaced.split("\\s+")) {
      boolean prefix = token.endsWith("*");
      String word = prefix ? token.replaceAll("\\*+$", "") : token;
      if (!word.codePoints().anyMatch(Character::isLetterOrDigit)) {
        continue;
      }
      terms.add("\"" + word.replace("\"", "\"\"") + "\"" + (prefix ? "*" : ""));
    }
    return terms.isEmpty() ? Optional.empty() : Optional.of(String.join(" ", terms));
  }
}
