package io.codequery.store;

import java.util.Locale;

/** What became of a done job. */
public enum Outcome {
  /** The command ran and its document is the path's current one. */
  DOCUMENTED,
  /**
   * Done at once without running: the path's current document already describes this blob, made by
   * this processor.
   */
  ALREADY_DOCUMENTED,
  /** Done without running: a newer change of its path was queued (or its path left git). */
  SUPERSEDED,
  /**
   * The command ran, but its path was removed meanwhile, or a newer change's document was stored
   * first: its document was not stored, so it never overwrites a newer state.
   */
  NOT_STORED;

  /** The lower-case name stored and printed ({@code already_documented}, …). */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The outcome named {@code id}, or null for null. */
  public static Outcome of(String id) {
    if (id == null) {
      return null;
    }
    for (Outcome o : values()) {
      if (o.id().equals(id)) {
        return o;
      }
    }
    throw new IllegalArgumentException("unknown job outcome \"" + id + "\"");
  }
}
