package io.codequery.worker;

import io.codequery.pidfile.StrictFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The single-instance lock: an OS file lock the worker holds for its whole life. The kernel drops
 * it when the process dies, however it dies, so a held lock is proof of a live worker.
 */
public final class InstanceLock implements AutoCloseable {
  private final FileChannel channel;
  private final FileLock lock;

  private InstanceLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
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
      return Optional.of(new InstanceLock(ch, lock));
    } catch (OverlappingFileLockException e) {
      ch.close();
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
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
