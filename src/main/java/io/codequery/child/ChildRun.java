package io.codequery.child;

/** How running one child command went: it never started, or it ran and ended somehow. */
public sealed interface ChildRun {
  /** How a started child came to its end. */
  enum End {
    /** It exited by itself. */
    EXITED,
    /** Its deadline passed; its process tree was killed. */
    TIMED_OUT,
    /** It wrote more than the hard cap to a stream; its process tree was killed. */
    OUTPUT_CAPPED,
    /** The caller asked to abandon it (or the calling thread was interrupted); killed. */
    ABANDONED
  }

  /**
   * The program could not be started.
   *
   * @param errno the reason as an errno value where known (2 no such file, 13 permission denied, 11
   *     or 12 out of processes or memory, 23 or 24 out of descriptors), else -1
   * @param message what went wrong, naming the program
   */
  record NotStarted(int errno, String message) implements ChildRun {}

  /**
   * The child ran.
   *
   * @param exitCode its exit status where it exited by itself, else null (killed)
   * @param stragglersEnded processes of its session still running after it exited, which were ended
   *     (a background job the command left behind)
   */
  record Ended(
      End end,
      Integer exitCode,
      CapturedOutput stdout,
      CapturedOutput stderr,
      long durationMs,
      long pid,
      int stragglersEnded)
      implements ChildRun {

    public boolean succeeded() {
      return end == End.EXITED && exitCode != null && exitCode == 0;
    }
  }
}
