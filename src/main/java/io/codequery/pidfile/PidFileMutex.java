package io.codequery.pidfile;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Serialises mutations of one project's PID file across threads and processes: the worker writing
 * it, and detectors removing a stale one. Between processes this is an OS file lock on a lock file
 * beside the PID file; within a JVM, whose threads share one OS lock, a {@link ReentrantLock}.
 */
public final class PidFileMutex implements AutoCloseable {
  private static final ConcurrentHashMap<Path, ReentrantLock> IN_PROCESS =
      new ConcurrentHashMap<>();

  private final ReentrantLock local;
  private final FileChannel channel;
  private final FileLock lock;

  private PidFileMutex(ReentrantLock local, FileChannel channel, FileLock lock) {
    this.local = local;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Takes the mutex, waiting at most {@code timeout}.
   *
   * @throws IOException when the lock file cannot be opened (e.g. no write permission) or the wait
   *     timed out; the caller must then leave the PID file alone.
   */
  public static PidFileMutex acquire(Path lockFile, Duration timeout) throws IOException {
    Path key = lockFile.toAbsolutePath().normalize();
    ReentrantLock local = IN_PROCESS.computeIfAbsent(key, k -> new ReentrantLock());
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      if (!local.tryLock(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
        throw new IOException("timed out waiting for " + lockFile + " (held by another thread)");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for " + lockFile, e);
    }
    FileChannel channel = null;
    try {
      channel = StrictFiles.openLockFile(key);
      while (true) {
        FileLock lock;
        try {
          lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
          lock = null;
        }
        if (lock != null) {
          return new PidFileMutex(local, channel, lock);
        }
        if (System.nanoTime() > deadline) {
          throw new IOException(
              "timed out waiting for the lock on " + lockFile + " (held by another process)");
        }
        Thread.sleep(2);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closeQuietly(channel);
      local.unlock();
      throw new IOException("interrupted while waiting for " + lockFile, e);
    } catch (IOException | RuntimeException e) {
      closeQuietly(channel);
      local.unlock();
      throw e;
    }
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // closing releases the lock; nothing more to do
      }
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException ignored) {
      // the channel close below releases it anyway
    } finally {
      closeQuietly(channel);
      local.unlock();
    }
  }
}
