package io.codequery.outline;

/**
 * One symbol Universal Ctags found in a file.
 *
 * @param name as ctags names it (a Markdown heading's text, a method's bare name)
 * @param kind ctags' long kind name: {@code class}, {@code method}, {@code function}, {@code
 *     section}, … (they differ between languages: Python's methods are {@code member}s)
 * @param line the first line, from 1
 * @param endLine the last line where ctags knows it, else 0
 * @param scope the enclosing symbol's qualified name as ctags spells it for the language ({@code
 *     A.Inner}, {@code ns::Cls}, {@code Title""Section}), or "" at the top
 * @param scopeKind the enclosing symbol's kind, or ""
 * @param signature parameters where ctags records them ({@code (String s)}), else ""
 * @param language ctags' name of the file's language ({@code Java}, {@code Sh}), or ""
 */
public record Symbol(
    String name,
    String kind,
    int line,
    int endLine,
    String scope,
    String scopeKind,
    String signature,
    String language) {

  public Symbol {
    if (line < 1) {
      throw new IllegalArgumentException("line must be at least 1, was " + line);
    }
  }

  /** True where ctags names an enclosing symbol. */
  public boolean scoped() {
    return !scope.isEmpty();
  }
}
