package io.codequery.pidfile;

/** What reading a PID file found, before any parsing. */
public sealed interface PidFileRead
    permits PidFileRead.Absent,
        PidFileRead.NotRegular,
        PidFileRead.TooLarge,
        PidFileRead.Unreadable,
        PidFileRead.Content {

  /** No file (or the directory is missing). */
  record Absent() implements PidFileRead {}

  /** A symbolic link, directory, FIFO, socket or device: never opened, never removed. */
  record NotRegular(String what) implements PidFileRead {}

  /** A regular file larger than any PID file a worker writes. */
  record TooLarge(long size, Object fileKey) implements PidFileRead {}

  /** The file exists but could not be read (permissions, I/O error). */
  record Unreadable(String reason) implements PidFileRead {}

  /** The bytes of a small regular file, and its identity (inode) for later comparison. */
  record Content(byte[] bytes, Object fileKey) implements PidFileRead {}
}
