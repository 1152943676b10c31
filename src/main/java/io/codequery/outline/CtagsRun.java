package io.codequery.outline;

import java.util.List;

/** What running ctags on one file gave. */
public sealed interface CtagsRun {
  /**
   * ctags ran and these are its tags (none for a language it does not know).
   *
   * @param cut true where ctags wrote more than is kept: the symbols are the first ones only
   * @param skippedLines lines of its output that were not readable tags (see {@link CtagsJson})
   */
  record Tags(List<Symbol> symbols, boolean cut, int skippedLines) implements CtagsRun {
    public Tags {
      symbols = List.copyOf(symbols);
    }
  }

  /** ctags did not finish with tags: timed out, failed, or could not start. */
  record Failed(String reason) implements CtagsRun {}

  /** The calling thread was interrupted (the worker stops): ctags was killed, nothing is known. */
  record Stopped() implements CtagsRun {}
}
