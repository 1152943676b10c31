package io.codequery.trust;

import io.codequery.CodeQueryException;
import io.codequery.pidfile.Ownership;
import io.codequery.pidfile.StrictFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The project roots one user trusts explicitly, as git's {@code safe.directory}: in these,
 * code-query runs the documentation command even though another user owns (or others may write) the
 * files that choose it. One real path per line in {@code
 * ${XDG_CONFIG_HOME:-$HOME/.config}/code-query/ trusted-roots}; blank lines and lines starting with
 * {@code #} are ignored.
 *
 * <p>The list is read without following a link, and only where it is the user's own file that
 * nobody else can write: otherwise anyone who could write it could grant themselves trust. It is
 * written atomically, with mode 0600 in a directory created 0700.
 */
public final class TrustedRoots {
  /** More than any list of paths a person keeps. */
  static final int MAX_BYTES = 1 << 20;

  private static final FileAttribute<Set<PosixFilePermission>> FILE_MODE =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
  private static final FileAttribute<Set<PosixFilePermission>> DIR_MODE =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));

  private final Path file;

  public TrustedRoots(Path file) {
    this.file = file;
  }

  /** The list of this process's user; empty where neither XDG_CONFIG_HOME nor HOME is set. */
  public static Optional<TrustedRoots> ofCurrentUser() {
    return location(System.getenv()).map(TrustedRoots::new);
  }

  /**
   * Where the list lives in {@code env}: under {@code $XDG_CONFIG_HOME} where that is an absolute
   * path (the XDG rule: a relative one is ignored), else under {@code $HOME/.config}.
   */
  public static Optional<Path> location(Map<String, String> env) {
    String xdg = env.get("XDG_CONFIG_HOME");
    Path base;
    if (xdg != null && xdg.startsWith("/")) {
      base = Path.of(xdg);
    } else {
      String home = env.get("HOME");
      if (home == null || !home.startsWith("/")) {
        return Optional.empty();
      }
      base = Path.of(home, ".config");
    }
    return Optional.of(base.resolve("code-query").resolve("trusted-roots"));
  }

  public Path file() {
    return file;
  }

  /**
   * What the list holds.
   *
   * @param roots the trusted roots, as written
   * @param ignored why the file was not believed (then {@code roots} is empty)
   */
  public record Listing(List<Path> roots, Optional<String> ignored) {
    public boolean contains(Path root) {
      return roots.contains(root);
    }
  }

  /** Reads the list; a missing file is an empty list, an unsafe one is ignored (and says why). */
  public Listing read() {
    byte[] bytes;
    try {
      bytes = StrictFiles.read(file, MAX_BYTES);
      Optional<String> unsafe = unsafe();
      if (unsafe.isPresent()) {
        return new Listing(List.of(), unsafe);
      }
    } catch (NoSuchFileException e) {
      return new Listing(List.of(), Optional.empty());
    } catch (IOException e) {
      return new Listing(List.of(), Optional.of(e.getMessage()));
    }
    List<Path> roots = new ArrayList<>();
    for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n", -1)) {
      if (line.startsWith("/")) {
        roots.add(Path.of(line).normalize());
      }
    }
    return new Listing(List.copyOf(roots), Optional.empty());
  }

  private Optional<String> unsafe() throws IOException {
    Optional<Ownership> o = Ownership.of(file);
    if (o.isEmpty()) {
      throw new NoSuchFileException(file.toString());
    }
    int me = Ownership.effectiveUid();
    if (o.get().uid() != me) {
      return Optional.of(
          file
              + " is owned by "
              + o.get().owner()
              + ", not by you; it is ignored. Remove it, or chown it to yourself.");
    }
    if (o.get().writableByGroupOrOthers()) {
      return Optional.of(
          file
              + " is writable by other users (mode "
              + o.get().octalMode()
              + "); it is ignored until you fix it: chmod 600 "
              + StrictFiles.quote(file));
    }
    return Optional.empty();
  }

  /**
   * Adds {@code root} (a real path).
   *
   * @return false where it was already there
   * @throws CodeQueryException where the list cannot be believed or written, or the path holds a
   *     line break (it could not be told apart from two entries)
   */
  public boolean add(Path root) {
    if (root.toString().contains("\n") || root.toString().contains("\r")) {
      throw new CodeQueryException(
          "cannot trust "
              + root
              + ": the list holds one path per line, and this one holds a"
              + " line break. Rename the directory.");
    }
    List<Path> roots = writableListing().roots();
    if (roots.contains(root)) {
      return false;
    }
    List<Path> now = new ArrayList<>(roots);
    now.add(root);
    write(now);
    return true;
  }

  /**
   * Removes {@code root}.
   *
   * @return false where it was not there
   */
  public boolean remove(Path root) {
    List<Path> roots = writableListing().roots();
    if (!roots.contains(root)) {
      return false;
    }
    List<Path> now = new ArrayList<>(roots);
    now.removeIf(root::equals);
    write(now);
    return true;
  }

  private Listing writableListing() {
    Listing l = read();
    if (l.ignored().isPresent()) {
      throw new CodeQueryException(
          "not changing the list of trusted project roots: " + l.ignored().get());
    }
    return l;
  }

  private void write(List<Path> roots) {
    StringBuilder text =
        new StringBuilder("# Project roots where code-query runs the documentation command")
            .append(" although others own or may write its config (`code-query trust`).\n");
    roots.forEach(r -> text.append(r).append('\n'));
    try {
      // The directory is the user's own; a link there (a dotfiles checkout) is theirs to keep.
      Files.createDirectories(file.getParent(), DIR_MODE);
      StrictFiles.writeAtomically(
          file, text.toString().getBytes(StandardCharsets.UTF_8), FILE_MODE);
    } catch (IOException e) {
      throw new CodeQueryException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
