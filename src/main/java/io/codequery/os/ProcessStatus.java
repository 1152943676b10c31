package io.codequery.os;

import java.util.Optional;

/**
 * Whether a PID names a live process, read in one look.
 *
 * @param presence alive, exited, gone, or hidden from this caller
 * @param stat the parsed {@code /proc/<pid>/stat} line where the OS has one and it was readable
 */
public record ProcessStatus(Presence presence, Optional<ProcStat> stat) {

  /** What the OS says about a PID. */
  public enum Presence {
    /** A live process (running, sleeping or stopped). */
    ALIVE,
    /**
     * It has exited and awaits reaping by its parent (a zombie): its locks are already released.
     */
    EXITED,
    /** No such process. */
    GONE,
    /**
     * Not visible, but the OS hides other users' processes from this caller ({@code hidepid}), so
     * it may still run: never to be taken for {@link #GONE}.
     */
    HIDDEN
  }

  public static ProcessStatus gone() {
    return new ProcessStatus(Presence.GONE, Optional.empty());
  }

  public boolean isAlive() {
    return presence == Presence.ALIVE;
  }
}
