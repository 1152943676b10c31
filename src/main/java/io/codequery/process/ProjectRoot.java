package io.codequery.process;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A project root as identity compares it: the bytes of its real path, as the shell detector sees
 * them. A {@link Path}'s text is decoded from those bytes, and bytes that are not valid in the
 * platform's encoding all decode to U+FFFD: two different roots could then read alike. Where the
 * text holds U+FFFD, the comparison falls back to the bytes themselves.
 */
public final class ProjectRoot {
  private final Path path;
  private final String text;

  private ProjectRoot(Path path) {
    this.path = path;
    this.text = path.toString();
  }

  /** {@code root} must be absolute and real (as {@code ProjectLayout.root()} is). */
  public static ProjectRoot of(Path root) {
    return new ProjectRoot(root);
  }

  /** The root as text, for records, markers and messages. */
  public String text() {
    return text;
  }

  /**
   * True where {@code recorded} (a root as a record or a worker marker holds it, decoded from
   * UTF-8) names this root byte for byte.
   */
  public boolean matches(String recorded) {
    if (!text.equals(recorded)) {
      return false;
    }
    if (text.indexOf('\uFFFD') < 0) {
      return true; // decoded without loss: equal text is equal bytes
    }
    return Arrays.equals(recorded.getBytes(StandardCharsets.UTF_8), bytes());
  }

  /** The path's own bytes: its URI percent-encodes exactly them. */
  private byte[] bytes() {
    String raw = path.toUri().getRawPath();
    if (raw.length() > 1 && raw.endsWith("/")) {
      raw = raw.substring(0, raw.length() - 1); // toUri marks a directory with a trailing slash
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%' && i + 2 < raw.length()) {
        out.write(Integer.parseInt(raw.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        out.write(c);
      }
    }
    return out.toByteArray();
  }

  @Override
  public String toString() {
    return text;
  }
}
