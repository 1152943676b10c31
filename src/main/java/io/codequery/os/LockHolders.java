package io.codequery.os;

import java.util.List;

/** Who holds a POSIX ({@code fcntl}) write lock on a file, where the OS tells. */
public sealed interface LockHolders permits LockHolders.Known, LockHolders.Unavailable {

  /** The holders' PIDs, in the order the OS lists them; empty where nobody holds a lock. */
  record Known(List<Integer> pids) implements LockHolders {}

  /** The OS does not tell (no {@code /proc/locks}), or it could not be read. */
  record Unavailable(String reason) implements LockHolders {}
}
