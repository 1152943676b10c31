package io.codequery.pidfile;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A file or directory of code-query's that is not what it must be (a symbolic link, a FIFO, a
 * device, a directory where a file belongs, far too large), so it was neither opened nor followed.
 * The message names the file, what was found, and what to do.
 */
public final class UnsafeFileException extends IOException {
  private static final long serialVersionUID = 1L;

  private final transient Path file;

  public UnsafeFileException(Path file, String message) {
    super(message);
    this.file = file;
  }

  /** The file at fault. */
  public Path file() {
    return file;
  }
}
