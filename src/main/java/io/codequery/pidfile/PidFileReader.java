package io.codequery.pidfile;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.Set;

/**
 * Reads a PID file without trusting it: regular files only, a bounded number of bytes, never
 * through a symbolic link, never opening a FIFO or device (which could block the caller forever).
 */
public final class PidFileReader {
  /** More than any PID and newline; a larger file is not a PID file. */
  public static final int MAX_BYTES = 64;

  private PidFileReader() {}

  public static PidFileRead read(Path file) {
    return readBounded(file, MAX_BYTES);
  }

  /**
   * As {@link #read}, for any small file of ours (e.g. the identity record), up to {@code max}
   * bytes.
   */
  public static PidFileRead readBounded(Path file, int max) {
    BasicFileAttributes attrs;
    try {
      attrs = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException | NotDirectoryException e) {
      return new PidFileRead.Absent();
    } catch (AccessDeniedException e) {
      return new PidFileRead.Unreadable("permission denied");
    } catch (IOException e) {
      return new PidFileRead.Unreadable(String.valueOf(e.getMessage()));
    }
    if (!attrs.isRegularFile()) {
      return new PidFileRead.NotRegular(StrictFiles.describe(file, attrs));
    }
    if (attrs.size() > max) {
      return new PidFileRead.TooLarge(attrs.size(), attrs.fileKey());
    }
    // The type was checked above; NOFOLLOW_LINKS closes the gap where a link replaces the file.
    try (SeekableByteChannel ch =
        Files.newByteChannel(file, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))) {
      ByteBuffer buf = ByteBuffer.allocate(max + 1);
      // Until full or end of file; a read that brought exactly the size lstat saw has reached the
      // end (no second read to hear so: this runs on every detection).
      while (buf.hasRemaining() && ch.read(buf) > 0 && buf.position() != attrs.size()) {
        // keep reading
      }
      if (buf.position() > max) {
        return new PidFileRead.TooLarge(ch.size(), attrs.fileKey());
      }
      return new PidFileRead.Content(Arrays.copyOf(buf.array(), buf.position()), attrs.fileKey());
    } catch (NoSuchFileException e) {
      return new PidFileRead.Absent();
    } catch (AccessDeniedException e) {
      return new PidFileRead.Unreadable("permission denied");
    } catch (IOException e) {
      // ELOOP from O_NOFOLLOW: the file was swapped for a link after the check.
      return new PidFileRead.Unreadable(String.valueOf(e.getMessage()));
    }
  }
}
