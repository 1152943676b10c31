package io.codequery.sqlstore;

/** How the stores cut a text that is longer than they keep, saying how much was cut. */
public final class TextBounds {
  private TextBounds() {}

  /** {@code s} cut to {@code maxChars}, its end saying how many characters were cut. */
  public static String bound(String s, int maxChars) {
    if (s == null || s.length() <= maxChars) {
      return s;
    }
    String marker = "\n…[truncated " + (s.length() - maxChars) + " characters]";
    return s.substring(0, Math.max(0, maxChars - marker.length())) + marker;
  }
}
