package io.codequery.worker;

import io.codequery.pidfile.StrictFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.Optional;

/**
 * The single-instance lock: an OS file lock ({@code fcntl}) the worker holds for its whole life.
 * The kernel drops it when the process dies, however it dies, so a held lock is proof of a live
 * worker.
 *
 * <p>A lock guards one file, not one name: if {@code worker.lock} is unlinked or replaced (say by
 * {@code git clean -fdX}), a second worker can lock the new file beside the first. {@link
 * #pathState()} tells the worker so, by comparing the identity (device and inode) of the file it
 * locked with what the path names now. The check only stats the path: opening and closing the lock
 * file in this process would drop the {@code fcntl} lock.
 */
public final class InstanceLock implements AutoCloseable {
  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;
  private final Object fileKey;

  private InstanceLock(Path file, FileChannel channel, FileLock lock, Object fileKey) {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
    this.fileKey = fileKey;
  }

  /** The lock, or empty where another process holds it. */
  public static Optional<InstanceLock> tryAcquire(Path file) throws IOException {
    FileChannel ch = StrictFiles.openLockFile(file);
    try {
      FileLock lock = ch.tryLock();
      if (lock == null) {
        ch.close();
        return Optional.empty();
      }
      // The identity of what the path names now that we hold the lock. (There is a window between
      // the open and this stat in which the name could be replaced; the next check then sees a
      // file that is not locked by anyone and takes it.)
      return Optional.of(new InstanceLock(file, ch, lock, keyOf(file).orElse(null)));
    } catch (OverlappingFileLockException e) {
      ch.close();
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  /** The file this lock was taken on. */
  public Path file() {
    return file;
  }

  /** What the lock file's path names now, compared with the file this process locked. */
  public enum PathState {
    /** The locked file itself. */
    HELD,
    /** Nothing: the file was unlinked. */
    GONE,
    /** Another file (or a link, a directory…). */
    REPLACED,
    /** Cannot tell (the directory cannot be read): assume nothing changed. */
    UNKNOWN
  }

  /** Whether the path still names the very file this process locked. */
  public PathState pathState() {
    try {
      Object now =
          Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
              .fileKey();
      if (now == null || fileKey == null) {
        return PathState.UNKNOWN; // a file system without inode identities
      }
      return Objects.equals(now, fileKey) ? PathState.HELD : PathState.REPLACED;
    } catch (NoSuchFileException e) {
      return PathState.GONE;
    } catch (IOException e) {
      return PathState.UNKNOWN;
    }
  }

  private static Optional<Object> keyOf(Path file) {
    try {
      return Optional.ofNullable(
          Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
              .fileKey());
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  @Override
  public void close() throws IOException {
    try {
      lock.release();
    } finally {
      channel.close();
    }
  }
}
