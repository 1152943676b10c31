package io.codequery.pidfile;

import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Creation modes for everything code-query writes: never writable by group or others, whatever the
 * umask (a creation mode is only ever narrowed by the umask, never widened).
 */
public final class SafeModes {
  /** rw-r--r--: readable, so other local users can ask whether the worker runs. */
  public static final FileAttribute<Set<PosixFilePermission>> FILE =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--"));

  /** rwxr-xr-x. */
  public static final FileAttribute<Set<PosixFilePermission>> DIR =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x"));

  private SafeModes() {}
}
