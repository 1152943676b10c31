package io.codequery.child;

import java.nio.file.Path;

/** What a child process reads on its standard input. */
public sealed interface ChildStdin {
  /** {@code /dev/null}: the child reads end-of-file at once. */
  record Empty() implements ChildStdin {}

  /**
   * {@code then} ({@link Empty} or {@link FromFile}), and the command itself starts only once
   * {@link ChildCommand#onStart} has returned: a {@code sh} waits on a pipe from this process and
   * execs the command, its input opened from {@code then}, when told to. A parent that dies before
   * (say, before it recorded where the command runs) closes the pipe, and the command never starts.
   */
  record AfterOnStart(ChildStdin then) implements ChildStdin {
    public AfterOnStart {
      if (!(then instanceof Empty) && !(then instanceof FromFile)) {
        throw new IllegalArgumentException(
            "a start gate passes on /dev/null or a file, not " + then);
      }
    }

    /** The gate, then {@code /dev/null}. */
    public AfterOnStart() {
      this(new Empty());
    }

    /** What the command's input is opened from once the gate lets it start. */
    String inputPath() {
      return then instanceof FromFile f ? f.file().toString() : "/dev/null";
    }
  }

  /** These bytes, then end-of-file (passed through a private, unlinked file: no feeding thread). */
  record Bytes(byte[] bytes) implements ChildStdin {
    public Bytes {
      bytes = bytes.clone();
    }
  }

  /** The contents of a file. */
  record FromFile(Path file) implements ChildStdin {}

  static ChildStdin empty() {
    return new Empty();
  }
}
