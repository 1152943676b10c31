package io.codequery.pgstore;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A user's search query read with the same syntax the SQLite store's FTS5 reads — words (all must
 * match), {@code "a phrase"}, {@code prefix*}, {@code AND}, {@code OR}, {@code NOT} and parentheses
 * — and turned into a PostgreSQL {@code tsquery} expression whose every piece of user text is a
 * bound parameter. What that syntax refuses (a word holding {@code -}, {@code :}, {@code /}…, an
 * unterminated quote, an operator without its operands) is empty from {@link #parse}, and then
 * {@link #plainWords} searches its words instead. Pure.
 */
final class PgQuery {
  /** A tsquery expression in SQL, and the texts its parameters take, in order. */
  record Sql(String expression, List<String> parameters) {}

  private sealed interface Node {}

  private record Phrase(String text, boolean prefix) implements Node {}

  private record Binary(String operator, Node left, Node right) implements Node {}

  private final List<String> tokens;
  private int at;

  private PgQuery(List<String> tokens) {
    this.tokens = tokens;
  }

  /** {@code query} in the store's syntax as a tsquery; empty where the syntax refuses it. */
  static Optional<Sql> parse(String query) {
    Optional<List<String>> tokens = tokenize(query);
    if (tokens.isEmpty() || tokens.get().isEmpty()) {
      return Optional.empty();
    }
    PgQuery parser = new PgQuery(tokens.get());
    Optional<Node> tree = parser.or();
    if (tree.isEmpty() || parser.at != parser.tokens.size()) {
      return Optional.empty();
    }
    List<String> parameters = new ArrayList<>();
    String sql = sql(tree.get(), parameters);
    return Optional.of(new Sql(sql, List.copyOf(parameters)));
  }

  /**
   * The words of {@code query}, all of which must match: each whitespace-separated token holding a
   * letter or digit is searched as a phrase of its words ({@code worker-loop} as "worker loop"), a
   * token ending in {@code *} as a prefix. Control characters separate tokens as spaces do. Empty
   * where no token holds a letter or digit.
   */
  static Optional<Sql> plainWords(String query) {
    List<String> parameters = new ArrayList<>();
    List<String> terms = new ArrayList<>();
    for (String token : query.replaceAll("\\p{Cntrl}", " ").strip().split("\\s+")) {
      boolean prefix = token.endsWith("*");
      String word = prefix ? token.replaceAll("\\*+$", "") : token;
      if (word.codePoints().noneMatch(Character::isLetterOrDigit)) {
        continue;
      }
      terms.add(sql(new Phrase(word, prefix), parameters));
    }
    if (terms.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Sql("(" + String.join(" && ", terms) + ")", List.copyOf(parameters)));
  }

  // ---------------------------------------------------------------- reading the syntax

  /** Tokens: {@code "…"} strings (with {@code ""} inside for a quote), barewords, ( ) and *. */
  private static Optional<List<String>> tokenize(String query) {
    List<String> tokens = new ArrayList<>();
    int i = 0;
    int n = query.length();
    while (i < n) {
      char ch = query.charAt(i);
      if (Character.isWhitespace(ch)) {
        i++;
      } else if (ch == '(' || ch == ')' || ch == '*') {
        tokens.add(String.valueOf(ch));
        i++;
      } else if (ch == '"') {
        StringBuilder s = new StringBuilder("\"");
        i++;
        boolean closed = false;
        while (i < n) {
          char c = query.charAt(i);
          if (c == '"') {
            if (i + 1 < n && query.charAt(i + 1) == '"') {
              s.append('"');
              i += 2;
              continue;
            }
            closed = true;
            i++;
            break;
          }
          s.append(c);
          i++;
        }
        if (!closed) {
          return Optional.empty();
        }
        tokens.add(s.toString());
      } else if (isBareword(ch)) {
        int start = i;
        while (i < n && isBareword(query.charAt(i))) {
          i++;
        }
        tokens.add(query.substring(start, i));
      } else {
        return Optional.empty(); // a character the syntax has no place for: - : / ^ + …
      }
    }
    return Optional.of(tokens);
  }

  /** FTS5's bareword characters: letters, digits, underscore, and anything beyond ASCII. */
  private static boolean isBareword(char ch) {
    return ch > 127 || Character.isLetterOrDigit(ch) || ch == '_';
  }

  private Optional<String> peek() {
    return at < tokens.size() ? Optional.of(tokens.get(at)) : Optional.empty();
  }

  private Optional<Node> or() {
    Optional<Node> left = and();
    while (left.isPresent() && peek().filter("OR"::equals).isPresent()) {
      at++;
      Optional<Node> right = and();
      if (right.isEmpty()) {
        return Optional.empty();
      }
      left = Optional.of(new Binary("||", left.get(), right.get()));
    }
    return left;
  }

  private Optional<Node> and() {
    Optional<Node> left = not();
    while (left.isPresent() && peek().filter(t -> !t.equals("OR") && !t.equals(")")).isPresent()) {
      if (peek().get().equals("AND")) {
        at++;
      }
      Optional<Node> right = not();
      if (right.isEmpty()) {
        return Optional.empty();
      }
      left = Optional.of(new Binary("&&", left.get(), right.get()));
    }
    return left;
  }

  private Optional<Node> not() {
    Optional<Node> left = primary();
    while (left.isPresent() && peek().filter("NOT"::equals).isPresent()) {
      at++;
      Optional<Node> right = primary();
      if (right.isEmpty()) {
        return Optional.empty();
      }
      left = Optional.of(new Binary("&& !!", left.get(), right.get()));
    }
    return left;
  }

  private Optional<Node> primary() {
    Optional<String> token = peek();
    if (token.isEmpty()) {
      return Optional.empty();
    }
    String t = token.get();
    if (t.equals("(")) {
      at++;
      Optional<Node> inner = or();
      if (inner.isEmpty() || peek().filter(")"::equals).isEmpty()) {
        return Optional.empty();
      }
      at++;
      return inner;
    }
    if (t.equals(")") || t.equals("*") || t.equals("AND") || t.equals("OR") || t.equals("NOT")) {
      return Optional.empty();
    }
    at++;
    boolean prefix = peek().filter("*"::equals).isPresent();
    if (prefix) {
      at++;
    }
    return Optional.of(new Phrase(t.startsWith("\"") ? t.substring(1) : t, prefix));
  }

  // ---------------------------------------------------------------- writing SQL

  private static String sql(Node node, List<String> parameters) {
    if (node instanceof Binary b) {
      return "("
          + sql(b.left(), parameters)
          + " "
          + b.operator()
          + " "
          + sql(b.right(), parameters)
          + ")";
    }
    Phrase p = (Phrase) node;
    if (!p.prefix()) {
      parameters.add(PgRows.text(p.text()));
      return "phraseto_tsquery('" + PgSchema.TS_CONFIG + "', ?)";
    }
    // A prefix: the phrase's words in order, the last one a prefix. Each word holds only letters,
    // digits and underscores, quoted as a tsquery lexeme: nothing of it is syntax.
    List<String> words = new ArrayList<>();
    for (String w : p.text().split("[^\\p{L}\\p{N}_]+")) {
      if (!w.isEmpty()) {
        words.add("'" + w + "'");
      }
    }
    if (words.isEmpty()) {
      parameters.add("");
      return "phraseto_tsquery('" + PgSchema.TS_CONFIG + "', ?)";
    }
    parameters.add(String.join(" <-> ", words) + ":*");
    return "to_tsquery('" + PgSchema.TS_CONFIG + "', ?)";
  }
}
