package io.codequery.log;

import io.codequery.pidfile.StrictFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Instant;

/**
 * Appends one-line records to {@code worker.log}, creating it if needed. One {@code write(2)} per
 * line on an {@code O_APPEND} descriptor, so lines from concurrent processes never interleave;
 * through {@link StrictFiles}: never through a symbolic link (a planted link must not let us append
 * to someone else's file), never to a FIFO (opening one for writing blocks until a reader comes).
 *
 * <p>Lines cannot be forged: control characters in messages (newlines included) are escaped.
 */
public final class WorkerLog {
  private final Path file;
  private final Clock clock;

  public WorkerLog(Path file, Clock clock) {
    this.file = file;
    this.clock = clock;
  }

  public WorkerLog(Path file) {
    this(file, Clock.systemUTC());
  }

  public Path file() {
    return file;
  }

  /** Appends {@code <ISO-8601 time> [source] message}. */
  public void append(String source, String message) throws IOException {
    String line = format(Instant.now(clock), source, message);
    try (SeekableByteChannel out = StrictFiles.openForAppend(file)) {
      ByteBuffer buf = ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
      while (buf.hasRemaining()) {
        out.write(buf);
      }
    }
  }

  /**
   * Rotates the log when it has grown past {@code maxBytes}: it becomes {@code worker.log.1}
   * (replacing an older one), and the next line starts a new file. Bounds the disk the log can use
   * to about twice {@code maxBytes}.
   *
   * @return true if the log was rotated
   */
  public boolean rotateIfLarger(long maxBytes) throws IOException {
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return false;
    }
    if (!a.isRegularFile() || a.size() <= maxBytes) {
      return false;
    }
    Files.move(
        file,
        file.resolveSibling(file.getFileName() + ".1"),
        StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
    append(
        "log", "rotated: the previous " + a.size() + " bytes are in " + file.getFileName() + ".1");
    return true;
  }

  /** As {@link #append}, but a failure to log never fails the caller; returns whether it worked. */
  public boolean tryAppend(String source, String message) {
    try {
      append(source, message);
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  public static String format(Instant time, String source, String message) {
    return time + " [" + escape(source) + "] " + escape(message) + "\n";
  }

  /** Control characters and backslashes become backslash escapes (n, r, t, xNN, uNNNN). */
  public static String escape(String s) {
    StringBuilder out = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean control = Character.isISOControl(c) || c == '\u2028' || c == '\u2029';
      if (!control && c != '\\') {
        if (out != null) {
          out.append(c);
        }
        continue;
      }
      if (out == null) {
        out = new StringBuilder(s.length() + 16).append(s, 0, i);
      }
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> out.append(String.format(c < 0x100 ? "\\x%02x" : "\\u%04x", (int) c));
      }
    }
    return out == null ? s : out.toString();
  }
}
