package io.codequery.os;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** Reading {@code /proc/<pid>/environ}: NUL-separated {@code NAME=VALUE} entries. */
final class ProcEnviron {
  private static final int LIMIT = 256 * 1024;

  private ProcEnviron() {}

  /**
   * Whether the environment in {@code environ} holds {@code wanted} as a whole entry; false where
   * it cannot be read (another user's process, or gone): unverifiable, so not ours.
   */
  static boolean holds(Path environ, byte[] wanted) {
    byte[] raw;
    try (InputStream in = Files.newInputStream(environ)) {
      raw = in.readNBytes(LIMIT);
    } catch (IOException | RuntimeException e) {
      return false;
    }
    return holds(raw, wanted);
  }

  /** Whether NUL-separated {@code raw} holds {@code wanted} as a whole entry. A pure function. */
  static boolean holds(byte[] raw, byte[] wanted) {
    int from = 0;
    for (int i = 0; i <= raw.length; i++) {
      if (i == raw.length || raw[i] == 0) {
        if (i - from == wanted.length && Arrays.equals(raw, from, i, wanted, 0, wanted.length)) {
          return true;
        }
        from = i + 1;
      }
    }
    return false;
  }
}
