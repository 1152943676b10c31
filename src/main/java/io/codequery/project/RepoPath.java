package io.codequery.project;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * A path inside a repository exactly as git names it: bytes, not text. Git stores names as bytes
 * and promises no encoding, so two names are equal only if their bytes are; {@code x\xff.txt} and
 * {@code x\xef\xbf\xbd.txt} (the second is valid UTF-8 for U+FFFD) are two files, not one.
 *
 * <p>{@link #text()} gives the name as a string only when it is valid UTF-8, so nothing is ever
 * decoded into a different name; {@link #display()} is for people and logs: one line, every
 * undecodable byte as {@code \xNN}, control characters and backslashes escaped, so the display form
 * of two different paths is never the same.
 *
 * <p>Immutable and thread-safe. Uses {@code java.base} only.
 */
public final class RepoPath implements Comparable<RepoPath> {
  private final byte[] bytes;
  private final String text;

  private RepoPath(byte[] bytes) {
    this.bytes = bytes;
    this.text = decode(bytes);
  }

  /** The path with these bytes (copied). */
  public static RepoPath ofBytes(byte[] bytes) {
    return new RepoPath(bytes.clone());
  }

  /** The path whose bytes are {@code s} in UTF-8. */
  public static RepoPath of(String s) {
    return new RepoPath(s.getBytes(StandardCharsets.UTF_8));
  }

  /** A copy of the bytes. */
  public byte[] bytes() {
    return bytes.clone();
  }

  public int length() {
    return bytes.length;
  }

  /** True if the bytes are valid UTF-8 (then {@link #text()} holds exactly this name). */
  public boolean isUtf8() {
    return text != null;
  }

  /** The name as text, present only when its bytes are valid UTF-8. */
  public Optional<String> text() {
    return Optional.ofNullable(text);
  }

  /** The last '/'-separated segment, as a path of its own. */
  public RepoPath fileName() {
    int slash = -1;
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == '/') {
        slash = i;
      }
    }
    return slash < 0 ? this : new RepoPath(Arrays.copyOfRange(bytes, slash + 1, bytes.length));
  }

  /**
   * The name for people and logs: valid UTF-8 sequences as themselves, every other byte as {@code
   * \xNN}; control characters, U+2028/U+2029 and the backslash escaped as the worker log escapes
   * them ({@code \n}, {@code \t}, {@code \xNN}, {@code \\}). Injective: two paths never share one
   * display form.
   */
  public String display() {
    StringBuilder out = new StringBuilder(bytes.length + 8);
    int i = 0;
    while (i < bytes.length) {
      int n = validSequenceLength(bytes, i);
      if (n == 0) {
        out.append(String.format("\\x%02x", bytes[i] & 0xff));
        i++;
        continue;
      }
      String ch = new String(bytes, i, n, StandardCharsets.UTF_8);
      int cp = ch.codePointAt(0);
      if (cp == '\\') {
        out.append("\\\\");
      } else if (cp == '\n') {
        out.append("\\n");
      } else if (cp == '\r') {
        out.append("\\r");
      } else if (cp == '\t') {
        out.append("\\t");
      } else if (Character.isISOControl(cp)) {
        out.append(String.format(cp < 0x80 ? "\\x%02x" : "\\u%04x", cp));
      } else if (cp == 0x2028 || cp == 0x2029) {
        out.append(String.format("\\u%04x", cp));
      } else {
        out.append(ch);
      }
      i += n;
    }
    return out.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RepoPath other && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  /** Git's order: bytes compared unsigned. */
  @Override
  public int compareTo(RepoPath other) {
    return Arrays.compareUnsigned(bytes, other.bytes);
  }

  /** The {@link #display()} form. */
  @Override
  public String toString() {
    return display();
  }

  private static String decode(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  /**
   * The length of the well-formed UTF-8 sequence at {@code i} (1 to 4), or 0 if the byte there does
   * not start one: no overlong forms, no surrogates, nothing above U+10FFFF (RFC 3629).
   */
  static int validSequenceLength(byte[] b, int i) {
    int b0 = b[i] & 0xff;
    if (b0 < 0x80) {
      return 1;
    }
    int n;
    int lo = 0x80;
    int hi = 0xbf;
    if (b0 >= 0xc2 && b0 <= 0xdf) {
      n = 2;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
      n = 3;
      lo = b0 == 0xe0 ? 0xa0 : 0x80;
      hi = b0 == 0xed ? 0x9f : 0xbf;
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
      n = 4;
      lo = b0 == 0xf0 ? 0x90 : 0x80;
      hi = b0 == 0xf4 ? 0x8f : 0xbf;
    } else {
      return 0;
    }
    if (i + n > b.length) {
      return 0;
    }
    int b1 = b[i + 1] & 0xff;
    if (b1 < lo || b1 > hi) {
      return 0;
    }
    for (int k = 2; k < n; k++) {
      int c = b[i + k] & 0xff;
      if (c < 0x80 || c > 0xbf) {
        return 0;
      }
    }
    return n;
  }
}
