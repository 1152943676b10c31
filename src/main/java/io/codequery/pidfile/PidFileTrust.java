package io.codequery.pidfile;

import io.codequery.os.ProcessTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Whether a PID file may be trusted for signalling by root. As {@code start-stop-daemon} does, a
 * PID file (or its directory) that other users can write, or that another non-root user owns, is
 * refused when running as root: whoever can write it could make root signal any process.
 */
public final class PidFileTrust {
  private static final int GROUP_OR_OTHER_WRITE = 0022;
  private static final int STICKY = 01000;

  private PidFileTrust() {}

  /** The effective uid of this process, or -1 where unknown. */
  public static int effectiveUid() {
    return ProcessTable.system().effectiveUid();
  }

  /** Why root must not trust {@code pidFile} in {@code dir} for signalling; empty if it may. */
  public static Optional<String> problemForRoot(Path dir, Path pidFile) {
    if (effectiveUid() != 0) {
      return Optional.empty();
    }
    for (Path p : new Path[] {dir, pidFile}) {
      try {
        int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        int uid = (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        boolean isDir = Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
        if ((mode & GROUP_OR_OTHER_WRITE) != 0 && !(isDir && (mode & STICKY) != 0 && uid == 0)) {
          return Optional.of(
              p
                  + " is writable by other users (mode "
                  + String.format("%04o", mode & 07777)
                  + "); root does not signal on its word. Fix it: chmod go-w "
                  + p);
        }
        if (uid != 0) {
          return Optional.of(
              p
                  + " is owned by uid "
                  + uid
                  + ", not root; root does not signal on its word."
                  + " Run this as that user, or chown it to root if root runs the worker");
        }
      } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
        return Optional.of("cannot check the owner and mode of " + p + ": " + e.getMessage());
      }
    }
    return Optional.empty();
  }
}
