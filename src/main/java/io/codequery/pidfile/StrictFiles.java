package io.codequery.pidfile;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * The one way code-query reads, creates, appends to and rewrites its own files under {@code
 * .code-query/}. Whatever another user or a broken tool left there is refused, with a message that
 * names the file and what to do, rather than followed or opened:
 *
 * <ul>
 *   <li>a symbolic link is never followed ({@code O_NOFOLLOW}), so a planted link cannot turn a
 *       victim file into our log, lock or database;
 *   <li>only regular files are opened: whatever is there is looked at first ({@code lstat}), so a
 *       FIFO or device, whose {@code open(2)} blocks until a peer appears, is never opened;
 *   <li>reads are bounded;
 *   <li>everything is created with an explicit mode (files 0644, directories 0755, or narrower),
 *       because Java cannot set its umask and the caller's may be 000.
 * </ul>
 *
 * <p>Between the look and the open there is a window in which someone who can write the directory
 * could swap the file for a FIFO; a directory others can write is refused before any command runs
 * (see {@code ProjectTrust}), and the {@code O_NOFOLLOW} open still never follows a swapped-in
 * link. {@code java.base} only.
 */
public final class StrictFiles {
  private static final int TYPE_MASK = 0170000;
  private static final int FIFO = 0010000;
  private static final int CHARACTER_DEVICE = 0020000;
  private static final int BLOCK_DEVICE = 0060000;
  private static final int SOCKET = 0140000;

  private StrictFiles() {}

  /** What is at {@code file}, its link (if it is one) not followed; empty where nothing is. */
  private static Optional<BasicFileAttributes> look(Path file) throws IOException {
    try {
      return Optional.of(
          Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  /**
   * Refuses anything at {@code file} but a regular file; nothing there is fine.
   *
   * @return the file's attributes, or empty where there is no file
   * @throws UnsafeFileException for a link, directory, FIFO, socket or device
   */
  public static Optional<BasicFileAttributes> requireRegularOrAbsent(Path file) throws IOException {
    Optional<BasicFileAttributes> a = look(file);
    if (a.isPresent() && !a.get().isRegularFile()) {
      throw notRegular(file, a.get());
    }
    return a;
  }

  /**
   * The bytes of the regular file {@code file}, at most {@code maxBytes} of them.
   *
   * @throws NoSuchFileException where there is no file
   * @throws UnsafeFileException where it is not a regular file, or larger than {@code maxBytes}
   */
  public static byte[] read(Path file, int maxBytes) throws IOException {
    PidFileRead r = PidFileReader.readBounded(file, maxBytes);
    if (r instanceof PidFileRead.Content c) {
      return c.bytes();
    }
    if (r instanceof PidFileRead.Absent) {
      throw new NoSuchFileException(file.toString());
    }
    if (r instanceof PidFileRead.NotRegular n) {
      throw notRegular(file, n.what());
    }
    if (r instanceof PidFileRead.TooLarge t) {
      throw new UnsafeFileException(
          file,
          file
              + " is "
              + t.size()
              + " bytes, more than the "
              + maxBytes
              + " code-query reads from it; is it really code-query's file? Move it aside and"
              + " try again.");
    }
    throw new IOException(file + ": " + ((PidFileRead.Unreadable) r).reason());
  }

  /**
   * The last {@code maxBytes} bytes (or fewer) of the regular file {@code file}, e.g. of a log.
   *
   * @throws NoSuchFileException where there is no file
   * @throws UnsafeFileException where it is not a regular file
   */
  public static byte[] readTail(Path file, int maxBytes) throws IOException {
    if (requireRegularOrAbsent(file).isEmpty()) {
      throw new NoSuchFileException(file.toString());
    }
    try (SeekableByteChannel in =
        Files.newByteChannel(file, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))) {
      long size = in.size();
      in.position(Math.max(0, size - maxBytes));
      ByteBuffer buf = ByteBuffer.allocate((int) Math.min(maxBytes, size));
      while (buf.hasRemaining() && in.read(buf) > 0) {
        // until full or end of file
      }
      return Arrays.copyOf(buf.array(), buf.position());
    }
  }

  /**
   * Creates {@code file} holding {@code contents}; fails where anything is already there.
   *
   * @throws FileAlreadyExistsException where something (even a dangling link) is already there
   */
  public static void createNew(Path file, byte[] contents) throws IOException {
    try (SeekableByteChannel out =
        Files.newByteChannel(
            file,
            Set.of(
                StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
            SafeModes.FILE)) {
      writeFully(out, contents);
    }
  }

  /**
   * Creates an empty {@code file} (mode 0644 at most) unless a regular file is already there.
   *
   * @return true if this call created it
   * @throws UnsafeFileException where something other than a regular file is there
   */
  public static boolean createIfAbsent(Path file) throws IOException {
    if (requireRegularOrAbsent(file).isPresent()) {
      return false;
    }
    try {
      createNew(file, new byte[0]);
      return true;
    } catch (FileAlreadyExistsException e) {
      // Another process created it since the look: fine if that is a regular file.
      requireRegularOrAbsent(file);
      return false;
    }
  }

  /**
   * Opens {@code file} for appending, creating it (mode 0644 at most) if missing. Each {@code
   * write} on the channel appends atomically ({@code O_APPEND}).
   *
   * @throws UnsafeFileException where something other than a regular file is there
   */
  public static SeekableByteChannel openForAppend(Path file) throws IOException {
    return openRegular(
        file, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
  }

  /**
   * Opens (creating, mode 0644 at most) a lock file for writing, so that an OS lock can be taken on
   * it.
   *
   * @throws UnsafeFileException where something other than a regular file is there
   */
  public static FileChannel openLockFile(Path file) throws IOException {
    return (FileChannel) openRegular(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
  }

  private static SeekableByteChannel openRegular(Path file, OpenOption... options)
      throws IOException {
    // Look first: open(2) of a FIFO for writing blocks until a reader appears.
    requireRegularOrAbsent(file);
    Set<OpenOption> all = new HashSet<>(Set.of(options));
    all.add(LinkOption.NOFOLLOW_LINKS);
    try {
      return FileChannel.open(file, all, SafeModes.FILE);
    } catch (IOException e) {
      // ELOOP: a link appeared since the look. Say so, rather than "Too many levels of links".
      Optional<BasicFileAttributes> now = look(file);
      if (now.isPresent() && !now.get().isRegularFile()) {
        throw notRegular(file, now.get());
      }
      throw e;
    }
  }

  /**
   * Rewrites {@code file} atomically (see {@link AtomicFiles}: a reader sees the old contents or
   * the new; a link planted at {@code file} is replaced, never written through), creating it with
   * {@code mode}.
   */
  public static void writeAtomically(
      Path file, byte[] contents, FileAttribute<Set<PosixFilePermission>> mode) throws IOException {
    AtomicFiles.write(file, contents, mode);
  }

  /**
   * Makes sure {@code dir} is a real directory, creating it (and missing parents) with mode 0755 at
   * most.
   *
   * @throws UnsafeFileException where {@code dir} is a symbolic link (even to a directory) or not a
   *     directory
   */
  public static Path ensureDirectory(Path dir) throws IOException {
    Optional<BasicFileAttributes> a = look(dir);
    if (a.isEmpty()) {
      Path parent = dir.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent, SafeModes.DIR);
      }
      try {
        Files.createDirectory(dir, SafeModes.DIR);
        return dir;
      } catch (FileAlreadyExistsException e) {
        // created by another process since the look: judge what is there now
        a = look(dir);
        if (a.isEmpty()) {
          throw e;
        }
      }
    }
    if (!a.get().isDirectory()) {
      throw notDirectory(dir, a.get());
    }
    return dir;
  }

  /** The refusal for {@code dir}, which is not a real directory (a link to one included). */
  public static UnsafeFileException notDirectory(Path dir, BasicFileAttributes a) {
    return new UnsafeFileException(
        dir,
        dir
            + " is "
            + describe(dir, a)
            + ", not a directory; code-query keeps its files in a real directory there."
            + " Move it aside (mv "
            + quote(dir)
            + " "
            + quote(dir.resolveSibling(dir.getFileName() + ".aside"))
            + ") and try again.");
  }

  /** The refusal for {@code file}, which is not a regular file. */
  public static UnsafeFileException notRegular(Path file, BasicFileAttributes a) {
    return notRegular(file, describe(file, a));
  }

  private static UnsafeFileException notRegular(Path file, String what) {
    String why =
        what.startsWith("a symbolic link")
            ? "code-query never follows a link among its files"
            : what.startsWith("a directory")
                ? "code-query expects a regular file there"
                : "code-query never opens one (opening it could block forever)";
    return new UnsafeFileException(
        file,
        file
            + " is "
            + what
            + ", not a regular file; "
            + why
            + ". Remove it (rm "
            + (what.startsWith("a directory") ? "-r " : "")
            + quote(file)
            + ") or replace it with a regular file, and try again.");
  }

  /** "a symbolic link to …", "a directory", "a FIFO (named pipe)", … */
  public static String describe(Path file, BasicFileAttributes a) {
    if (a.isSymbolicLink()) {
      try {
        return "a symbolic link to " + Files.readSymbolicLink(file);
      } catch (IOException | UnsupportedOperationException e) {
        return "a symbolic link";
      }
    }
    if (a.isDirectory()) {
      return "a directory";
    }
    if (a.isRegularFile()) {
      return "a regular file";
    }
    int type;
    try {
      type = (Integer) Files.getAttribute(file, "unix:mode", LinkOption.NOFOLLOW_LINKS) & TYPE_MASK;
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return "a FIFO, socket or device";
    }
    return switch (type) {
      case FIFO -> "a FIFO (named pipe)";
      case SOCKET -> "a socket";
      case CHARACTER_DEVICE -> "a character device";
      case BLOCK_DEVICE -> "a block device";
      default -> "a FIFO, socket or device";
    };
  }

  /** {@code path} quoted for a POSIX shell, so a suggested command can be pasted as it is. */
  public static String quote(Path path) {
    String s = path.toString();
    return s.matches("[A-Za-z0-9_./+:@%=,-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
  }

  private static void writeFully(SeekableByteChannel out, byte[] contents) throws IOException {
    ByteBuffer buf = ByteBuffer.wrap(contents);
    while (buf.hasRemaining()) {
      out.write(buf);
    }
  }
}
