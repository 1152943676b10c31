package io.codequery.pidfile;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a file so that a reader sees the old contents or the new, never a mix: a fresh temp file
 * in the same directory ({@code O_CREAT|O_EXCL}, so never through a planted link), then an atomic
 * rename, which replaces a link at the target rather than writing through it.
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  /** Replaces {@code target} with {@code contents}; a new file gets mode 0644 at most. */
  public static void write(Path target, byte[] contents) throws IOException {
    write(target, contents, SafeModes.FILE);
  }

  /** As {@link #write(Path, byte[])}, creating the file with {@code mode} (narrowed by umask). */
  public static void write(
      Path target, byte[] contents, FileAttribute<Set<PosixFilePermission>> mode)
      throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Path tmp;
    while (true) {
      tmp =
          dir.resolve(
              "."
                  + target.getFileName()
                  + ".tmp-"
                  + Long.toHexString(ThreadLocalRandom.current().nextLong()));
      try (SeekableByteChannel out =
          Files.newByteChannel(
              tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), mode)) {
        ByteBuffer buf = ByteBuffer.wrap(contents);
        while (buf.hasRemaining()) {
          out.write(buf);
        }
        break;
      } catch (FileAlreadyExistsException e) {
        // another writer picked the same random name: draw again
      }
    }
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.deleteIfExists(tmp);
      throw e;
    } catch (IOException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
  }
}
