package io.codequery.os;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * A file's identity as the kernel names it in {@code /proc/locks}: the device's major and minor
 * numbers and the inode number.
 */
public record FileId(long major, long minor, long inode) {

  /**
   * The identity of {@code file} itself (a symbolic link is not followed); empty where there is no
   * such file.
   *
   * @throws IOException where it exists but cannot be looked at, or the OS has no such attributes
   */
  public static Optional<FileId> of(Path file) throws IOException {
    Map<String, Object> a;
    try {
      a = Files.readAttributes(file, "unix:dev,ino", LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException | NotDirectoryException e) {
      return Optional.empty();
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      throw new IOException("no device and inode numbers on this file system", e);
    }
    return Optional.of(ofDevice((Long) a.get("dev"), (Long) a.get("ino")));
  }

  /**
   * Splits a {@code st_dev} into major and minor numbers as glibc's {@code gnu_dev_major} and
   * {@code gnu_dev_minor} do: the low 8 bits of the minor first, then 12 bits of major, then the
   * rest of the minor, then the rest of the major.
   */
  static FileId ofDevice(long dev, long inode) {
    long major = ((dev >>> 8) & 0xfffL) | ((dev >>> 32) & 0xfffff000L);
    long minor = (dev & 0xffL) | ((dev >>> 12) & 0xffffff00L);
    return new FileId(major, minor, inode);
  }
}
