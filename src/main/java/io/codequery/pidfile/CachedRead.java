package io.codequery.pidfile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Function;

/**
 * What a read of one small file (the PID file, the identity record) answered, kept per version of
 * the file: a detector that asks again and again (a status prompt, a test or script waiting for a
 * worker, the MCP server) pays one {@code lstat} instead of an open, a read and a parse while the
 * file stays as it was.
 *
 * <p>A version is the file's identity (device and inode), size and modification time. The worker
 * replaces its files by rename, so each of its writes is a new inode. A rewrite in place by anyone
 * else keeps the inode, and may keep the size; its modification time is what tells it apart — but
 * only if the clock that stamps files has moved on since the kept version was written. So a version
 * is kept only once it is {@link #SETTLED} old (as git treats "racily clean" index entries): any
 * later write stamps a later time, even on file systems that keep whole seconds. And a version is
 * kept only where two looks around the read agree, so content replaced during the read is never
 * filed under its predecessor's identity. What it cannot see: a rewrite in place that also sets the
 * modification time back (which takes write access to {@code .code-query/}, and so could forge the
 * file outright), and a wall clock stepped back by more than {@link #SETTLED}.
 *
 * <p>Anything that removes or signals decides on a fresh read, never on a kept one. Thread-safe;
 * {@code java.base} only, like everything on the minimal detector's path.
 *
 * @param <T> what a read answers
 */
public final class CachedRead<T> {
  /** How old a version must be before it is kept: more than any file system's timestamp step. */
  static final Duration SETTLED = Duration.ofSeconds(3);

  private final Path file;
  private final Function<Path, T> read;
  private final Clock clock;
  private volatile Kept<T> kept;

  private record Kept<T>(Object fileKey, long size, FileTime modified, T answer) {
    boolean describes(BasicFileAttributes a) {
      return fileKey.equals(a.fileKey())
          && size == a.size()
          && modified.equals(a.lastModifiedTime());
    }
  }

  /**
   * @param read reads {@code file} afresh (without following links, bounded)
   */
  public CachedRead(Path file, Function<Path, T> read) {
    this(file, read, Clock.systemUTC());
  }

  /** With the clock that tells how old a version is (tests). */
  public CachedRead(Path file, Function<Path, T> read, Clock clock) {
    this.file = file;
    this.read = read;
    this.clock = clock;
  }

  /** What {@code read} would answer now. */
  public T get() {
    BasicFileAttributes before = look();
    if (before == null || !before.isRegularFile() || before.fileKey() == null) {
      return read.apply(file); // absent, not a regular file, or nothing to key a version on
    }
    Kept<T> k = kept;
    if (k != null && k.describes(before)) {
      return k.answer();
    }
    T answer = read.apply(file);
    Kept<T> candidate =
        new Kept<>(before.fileKey(), before.size(), before.lastModifiedTime(), answer);
    if (before.lastModifiedTime().toMillis() < clock.millis() - SETTLED.toMillis()) {
      BasicFileAttributes after = look();
      if (after != null && candidate.describes(after)) {
        kept = candidate;
      }
    }
    return answer;
  }

  private BasicFileAttributes look() {
    try {
      return Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      return null;
    }
  }
}
