package io.codequery.queue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Keeps at most {@code limit} bytes of a stream: the first half and the last half, with a marker
 * saying how much was dropped between them (the head shows what the command did, the tail how it
 * ended). Accepts any amount, so the reader keeps draining and the child never blocks on a full
 * pipe. Thread-safe: one thread writes, another may read.
 */
public final class BoundedOutput {
  /** 64 KiB. */
  public static final int DEFAULT_LIMIT = 64 * 1024;

  private final int headLimit;
  private final int tailLimit;
  private final ByteArrayOutputStream head;
  private final byte[] tail;
  private int tailStart;
  private int tailLength;
  private long total;

  public BoundedOutput(int limit) {
    if (limit < 2) {
      throw new IllegalArgumentException("limit must be at least 2 bytes");
    }
    this.headLimit = limit / 2;
    this.tailLimit = limit - headLimit;
    this.head = new ByteArrayOutputStream(Math.min(headLimit, 8192));
    this.tail = new byte[tailLimit];
  }

  public synchronized void write(byte[] b, int off, int len) {
    total += len;
    int toHead = Math.min(len, headLimit - head.size());
    if (toHead > 0) {
      head.write(b, off, toHead);
      off += toHead;
      len -= toHead;
    }
    for (int i = 0; i < len; i++) { // ring buffer of the last tailLimit bytes
      int pos = (tailStart + tailLength) % tailLimit;
      tail[pos] = b[off + i];
      if (tailLength < tailLimit) {
        tailLength++;
      } else {
        tailStart = (tailStart + 1) % tailLimit;
      }
    }
  }

  /** Bytes written in all, kept or not. */
  public synchronized long total() {
    return total;
  }

  /** What was kept, as UTF-8 text (malformed sequences replaced), with the gap marked. */
  @Override
  public synchronized String toString() {
    byte[] t = new byte[tailLength];
    for (int i = 0; i < tailLength; i++) {
      t[i] = tail[(tailStart + i) % tailLimit];
    }
    String h = head.toString(StandardCharsets.UTF_8);
    long dropped = total - head.size() - tailLength;
    String gap = dropped > 0 ? "\n…[" + dropped + " bytes omitted]…\n" : "";
    return h + gap + new String(t, StandardCharsets.UTF_8);
  }

  /** The last {@code maxChars} characters of {@code text} (for failure reasons). */
  public static String tail(String text, int maxChars) {
    if (text.length() <= maxChars) {
      return text;
    }
    return "…" + text.substring(text.length() - maxChars);
  }
}
