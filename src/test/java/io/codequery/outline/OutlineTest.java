package io.codequery.outline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutlineTest {
  private static Symbol sym(String name, String kind, int line, String scope, String scopeKind) {
    return new Symbol(name, kind, line, 0, scope, scopeKind, "", "");
  }

  /** Each entry as "depth name" (and "!" where its scope names nothing earlier). */
  private static List<String> shape(List<Symbol> symbols) {
    List<String> out = new ArrayList<>();
    for (Outline.Entry e : Outline.of(symbols)) {
      out.add(e.depth() + " " + e.symbol().name() + (e.parentFound() ? "" : "!"));
    }
    return out;
  }

  @Test
  void java_members_nest_under_their_class_and_a_constructor_named_like_it_is_no_parent() {
    List<Symbol> s =
        List.of(
            sym("A", "class", 3, "", ""),
            sym("A", "method", 4, "A", "class"),
            sym("Inner", "interface", 5, "A", "class"),
            sym("go", "method", 5, "A.Inner", "interface"),
            sym("Nested", "class", 10, "A", "class"),
            sym("f", "method", 11, "A.Nested", "class"),
            sym("g", "method", 14, "A", "class"));
    assertEquals(List.of("0 A", "1 A", "1 Inner", "2 go", "1 Nested", "2 f", "1 g"), shape(s));
  }

  @Test
  void separators_of_every_language_are_read_cpp_python_and_markdown() {
    List<Symbol> s =
        List.of(
            sym("ns", "namespace", 1, "", ""),
            sym("Cls", "class", 2, "ns", "namespace"),
            sym("m", "function", 3, "ns::Cls", "class"),
            sym("Title", "chapter", 10, "", ""),
            sym("Section one", "section", 11, "Title", "chapter"),
            sym("Sub", "subsection", 12, "Title\"\"Section one", "section"),
            sym("Section two", "section", 13, "Title", "chapter"));
    assertEquals(
        List.of("0 ns", "1 Cls", "2 m", "0 Title", "1 Section one", "2 Sub", "1 Section two"),
        shape(s));
  }

  @Test
  void the_nearest_earlier_symbol_of_that_name_and_kind_is_the_parent() {
    List<Symbol> s =
        List.of(
            sym("Shape", "class", 1, "", ""),
            sym("area", "member", 2, "Shape", "class"),
            sym("Shape", "class", 20, "", ""),
            sym("perimeter", "member", 21, "Shape", "class"));
    List<Outline.Entry> entries = Outline.of(s);
    assertEquals(List.of(0, 1, 0, 1), entries.stream().map(Outline.Entry::depth).toList());
  }

  @Test
  void a_scope_that_names_nothing_earlier_stays_at_the_top_and_says_so() {
    List<Symbol> s =
        List.of(
            sym("bar", "function", 40, "Foo", "class"),
            sym("Foo", "class", 50, "", ""),
            sym("baz", "function", 60, "Foo", "struct"));
    assertEquals(List.of("0 bar!", "0 Foo", "0 baz!"), shape(s));
  }

  @Test
  void a_name_that_only_ends_the_scope_is_not_taken_for_the_parent() {
    // "B" in scope "A" spells "A.B" — not "A.X.B": its parent is the B inside X.
    List<Symbol> s =
        List.of(
            sym("A", "class", 1, "", ""),
            sym("B", "class", 2, "A", "class"),
            sym("X", "class", 5, "A", "class"),
            sym("m", "method", 6, "A.X.B", "class"));
    assertEquals(List.of("0 A", "1 B", "1 X", "0 m!"), shape(s));
  }

  @Test
  void symbols_are_put_in_line_order_keeping_ctags_order_within_a_line() {
    List<Symbol> s =
        List.of(
            sym("later", "function", 9, "", ""),
            sym("Color", "enum", 6, "", ""),
            sym("RED", "enumConstant", 6, "Color", "enum"),
            sym("GREEN", "enumConstant", 6, "Color", "enum"));
    assertEquals(List.of("0 Color", "1 RED", "1 GREEN", "0 later"), shape(s));
  }

  @Test
  void a_file_of_many_same_named_symbols_is_outlined_quickly() {
    List<Symbol> s = new ArrayList<>();
    // Each names a scope "x" of a kind no "x" has: every earlier "x" is a candidate to refuse.
    for (int i = 1; i <= 50_000; i++) {
      s.add(sym("x", "variable", i, "x", "function"));
    }
    long start = System.nanoTime();
    List<Outline.Entry> entries = Outline.of(s);
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertEquals(50_000, entries.size());
    // Linear: a search of every earlier candidate would look at 1.25 billion here.
    assertTrue(ms < 2_000, "took " + ms + " ms");
  }
}
