package io.codequery.child;

import java.nio.file.Path;

/** What a child process reads on its standard input. */
public sealed interface ChildStdin {
  /** {@code /dev/null}: the child reads end-of-file at once. */
  record Empty() implements ChildStdin {}

  /** These bytes, then end-of-file (passed through a private, unlinked file: no feeding thread). */
  record Bytes(byte[] bytes) implements ChildStdin {
    public Bytes {
      bytes = bytes.clone();
    }
  }

  /** The contents of a file. */
  record FromFile(Path file) implements ChildStdin {}

  static ChildStdin empty() {
    return new Empty();
  }
}
