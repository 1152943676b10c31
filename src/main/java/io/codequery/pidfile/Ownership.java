package io.codequery.pidfile;

import io.codequery.os.ProcPath;
import io.codequery.os.ProcessTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.Map;
import java.util.Optional;

/**
 * Who owns a file and who may write it, as {@code lstat(2)} tells (a link is described, never
 * followed). {@code java.base} only.
 *
 * @param file the file described
 * @param uid its owner's user id
 * @param ownerName its owner's user name (the uid in digits where the system has no name for it)
 * @param mode its permission bits ({@code 07777})
 * @param attributes its type, size and identity
 */
public record Ownership(
    Path file, int uid, String ownerName, int mode, BasicFileAttributes attributes) {
  private static final int GROUP_OR_OTHER_WRITE = 0022;
  private static final int STICKY = 01000;

  /** The ownership of {@code file}; empty where nothing is there. */
  public static Optional<Ownership> of(Path file) throws IOException {
    Map<String, Object> unix;
    PosixFileAttributes posix;
    try {
      posix = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      unix = Files.readAttributes(file, "unix:uid,mode", LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      throw new IOException("cannot tell who owns " + file + " on this system: " + e.getMessage());
    }
    return Optional.of(
        new Ownership(
            file,
            (Integer) unix.get("uid"),
            posix.owner().getName(),
            (Integer) unix.get("mode") & 07777,
            posix));
  }

  /** The effective user id of this process, or -1 if unknown (see {@link ProcessTable}). */
  public static int effectiveUid() {
    return ProcessTable.system().effectiveUid();
  }

  /** The user name of this process's effective user ("uid N" where it has none). */
  public static String effectiveUserName() {
    try {
      return Files.getOwner(ProcPath.SELF).getName();
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return System.getProperty("user.name", "uid " + effectiveUid());
    }
  }

  /** Whether group members or others may write it (mode bits; a sticky root directory excepted). */
  public boolean writableByGroupOrOthers() {
    return (mode & GROUP_OR_OTHER_WRITE) != 0 && !stickyRootDirectory();
  }

  /**
   * A directory owned by root with the sticky bit (as {@code /tmp}): others may add entries, but
   * never rename or remove entries they do not own.
   */
  public boolean stickyRootDirectory() {
    return attributes.isDirectory() && uid == 0 && (mode & STICKY) != 0;
  }

  /** "nobody (uid 65534)". */
  public String owner() {
    return ownerName.equals(Integer.toString(uid))
        ? "uid " + uid
        : ownerName + " (uid " + uid + ")";
  }

  /** "0644". */
  public String octalMode() {
    return String.format("%04o", mode);
  }
}
