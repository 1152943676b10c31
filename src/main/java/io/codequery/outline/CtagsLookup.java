package io.codequery.outline;

/** Whether Universal Ctags can make outlines here: found (and usable), or not, and why. */
public sealed interface CtagsLookup {
  /** A Universal Ctags with JSON output. */
  record Found(Ctags ctags) implements CtagsLookup {}

  /**
   * No usable ctags.
   *
   * @param reason what was (not) found, naming the program where there is one
   * @param lasting false where a later look may find it (the probe ran out of processes or time)
   */
  record Missing(String reason, boolean lasting) implements CtagsLookup {}
}
