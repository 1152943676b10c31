package io.codequery.outline;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Symbols in file order, each under the symbol ctags names as its scope. A pure function.
 *
 * <p>ctags spells a scope with the language's own separator ({@code A.Inner}, {@code ns::Cls},
 * Markdown's {@code Title""Section}), so the parent is not found by splitting the scope: it is the
 * nearest earlier symbol whose kind is the scope's kind and whose own scope and name, joined by a
 * separator (no letters or digits), spell the scope. A symbol whose scope names nothing earlier in
 * the file (a C++ method defined outside its class's file) stays at the top and keeps its scope for
 * the reader.
 */
public final class Outline {
  /** A scope longer than this is not looked up (each lookup tries every suffix of it). */
  static final int MAX_SCOPE_CHARS = 512;

  /** Earlier symbols of one name looked at per lookup: a file of thousands of "x" stays linear. */
  static final int MAX_CANDIDATES = 64;

  /**
   * @param depth 0 at the top, 1 inside a top symbol, …
   * @param parentFound false where the symbol names a scope that no earlier symbol is
   */
  public record Entry(Symbol symbol, int depth, boolean parentFound) {}

  private Outline() {}

  /** {@code symbols} sorted by line (ctags' order kept within a line), with their depths. */
  public static List<Entry> of(List<Symbol> symbols) {
    List<Symbol> sorted = new ArrayList<>(symbols);
    sorted.sort(Comparator.comparingInt(Symbol::line));
    List<Entry> entries = new ArrayList<>(sorted.size());
    Map<String, List<Integer>> byName = new HashMap<>();
    for (int i = 0; i < sorted.size(); i++) {
      Symbol s = sorted.get(i);
      int parent = s.scoped() ? parentOf(s, sorted, byName) : -1;
      if (parent >= 0) {
        entries.add(new Entry(s, entries.get(parent).depth() + 1, true));
      } else {
        entries.add(new Entry(s, 0, !s.scoped()));
      }
      byName.computeIfAbsent(s.name(), k -> new ArrayList<>()).add(i);
    }
    return entries;
  }

  /** The index of {@code s}'s parent among the symbols before it, or -1. */
  private static int parentOf(Symbol s, List<Symbol> sorted, Map<String, List<Integer>> byName) {
    String scope = s.scope();
    if (scope.length() > MAX_SCOPE_CHARS) {
      return -1;
    }
    int best = -1;
    for (int start = 0; start < scope.length(); start++) {
      if (start > 0 && Character.isLetterOrDigit(scope.charAt(start - 1))) {
        continue; // the parent's name starts after a separator (or at the start of the scope)
      }
      List<Integer> named = byName.get(scope.substring(start));
      if (named == null) {
        continue;
      }
      int looked = 0;
      for (int k = named.size() - 1; k >= 0 && looked < MAX_CANDIDATES; k--, looked++) {
        int candidate = named.get(k);
        if (candidate <= best) {
          break;
        }
        if (encloses(sorted.get(candidate), s)) {
          best = candidate;
          break;
        }
      }
    }
    return best;
  }

  /** True where {@code parent}'s kind is {@code child}'s scope kind and its name spells it. */
  private static boolean encloses(Symbol parent, Symbol child) {
    if (!child.scopeKind().isEmpty() && !child.scopeKind().equals(parent.kind())) {
      return false;
    }
    String scope = child.scope();
    if (!parent.scoped()) {
      return scope.equals(parent.name());
    }
    if (scope.length() <= parent.scope().length() + parent.name().length()
        || !scope.startsWith(parent.scope())
        || !scope.endsWith(parent.name())) {
      return false;
    }
    // What joins them is a separator: "A.X.B" is not "A" joined to "B".
    String separator =
        scope.substring(parent.scope().length(), scope.length() - parent.name().length());
    return separator.codePoints().noneMatch(Character::isLetterOrDigit);
  }
}
