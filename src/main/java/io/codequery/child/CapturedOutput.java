package io.codequery.child;

import java.nio.charset.StandardCharsets;

/**
 * What a child wrote to one stream: all of it when it fits the caller's limit, else the head and
 * the tail (the head shows what the command did, the tail how it ended) and how much was in all.
 *
 * @param head the first bytes (all of them when {@code total} fits)
 * @param tail the last bytes, empty when {@code head} holds everything
 * @param total bytes written in all, kept or not
 */
public record CapturedOutput(byte[] head, byte[] tail, long total) {
  public CapturedOutput {
    head = head.clone();
    tail = tail.clone();
  }

  public static CapturedOutput none() {
    return new CapturedOutput(new byte[0], new byte[0], 0);
  }

  /** True when nothing was dropped between head and tail. */
  public boolean complete() {
    return head.length + tail.length == total;
  }

  /** Every byte, in order; only where {@link #complete()}. */
  public byte[] bytes() {
    if (!complete()) {
      throw new IllegalStateException("output of " + total + " bytes was not kept whole");
    }
    byte[] all = new byte[head.length + tail.length];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(tail, 0, all, head.length, tail.length);
    return all;
  }

  /** As UTF-8 text (malformed sequences replaced), with any gap marked by its size. */
  public String text() {
    String h = new String(head, StandardCharsets.UTF_8);
    long dropped = total - head.length - tail.length;
    String gap = dropped > 0 ? "\n…[" + dropped + " bytes omitted]…\n" : "";
    return h + gap + new String(tail, StandardCharsets.UTF_8);
  }

  /** The last {@code maxChars} characters of {@code text} (for failure reasons). */
  public static String lastChars(String text, int maxChars) {
    if (text.length() <= maxChars) {
      return text;
    }
    return "…" + text.substring(text.length() - maxChars);
  }
}
