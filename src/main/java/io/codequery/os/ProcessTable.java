package io.codequery.os;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What detection needs from the operating system about processes, the boot and file locks. Two
 * implementations: {@link ProcFsProcessTable} reads Linux's {@code /proc}; {@link
 * PortableProcessTable} uses {@link ProcessHandle} alone, for systems without {@code /proc} (macOS,
 * the BSDs). {@code java.base} only.
 *
 * <p>Every method answers for the moment it is called: a process may exit between two calls.
 * Implementations are thread-safe.
 */
public interface ProcessTable {
  /**
   * The system property that chooses an implementation: {@code proc} or {@code portable}. Unset,
   * {@code proc} is chosen where {@code /proc} is mounted. Tests set it to run the detectors on the
   * portable implementation on Linux too.
   */
  String PROPERTY = "code-query.process-table";

  /** {@code proc} or {@code portable}. */
  String name();

  /** Alive, exited, gone or hidden; with state and start ticks where the OS tells. */
  ProcessStatus status(int pid);

  /**
   * The command line, argv[0] first, where readable. Empty where it cannot be read (permissions) or
   * the process has gone; an empty list for a process that has none (exiting, or a kernel thread).
   */
  Optional<List<String>> commandLine(int pid);

  /** The executable's path, where the OS tells (for messages); {@code ProcessHandle}'s word. */
  default Optional<String> executable(int pid) {
    return ProcessHandle.of(pid).flatMap(h -> h.info().command());
  }

  /** When the process started, where the OS tells; {@code ProcessHandle}'s word. */
  default Optional<Instant> startInstant(int pid) {
    return ProcessHandle.of(pid).flatMap(h -> h.info().startInstant());
  }

  /** The process's effective user id, where the OS tells. */
  OptionalInt ownerUid(int pid);

  /** This process's effective user id, or -1 where the OS does not tell. */
  int effectiveUid();

  /**
   * What identifies this boot: Linux's random {@code boot_id}; elsewhere the start time of PID 1
   * (on macOS and the BSDs, the boot time); "" where neither can be read.
   */
  String bootId();

  /** PIDs are below this: Linux {@code pid_max}, else the largest int. */
  long pidLimit();

  /**
   * The processes holding a POSIX ({@code fcntl}) write lock on {@code file}. The file is looked at
   * ({@code lstat}), never opened: closing any descriptor of a file releases every {@code fcntl}
   * lock its process holds on it, so a detector that opened {@code worker.lock} inside the worker
   * would free the worker's own lock.
   */
  LockHolders lockHolders(Path file);

  /**
   * Whether {@link #sessionMembers} can find a session's processes here (Linux); where it cannot, a
   * child is not given a session of its own, as nothing could verify its members later.
   */
  boolean findsSessionMembers();

  /** Where the kernel's PID allocation stands now, where it tells (see {@link PidMark}). */
  Optional<PidMark> pidMark();

  /**
   * The live (not exited) processes of session {@code session}, started at or after {@code
   * minStartTicks}, whose environment holds {@code marker} ({@code NAME=VALUE}, a whole entry):
   * what is left of a child started in a session of its own with that marker. A process counts only
   * if all of these hold — a recycled session id, an unrelated process, or one whose environment
   * cannot be read never matches. With {@code since}, only PIDs handed out after that mark are
   * looked at, where that can be told. Empty where the OS cannot tell (never a guess).
   */
  List<SessionMember> sessionMembers(
      int session, long minStartTicks, String marker, Optional<PidMark> since);

  /** The implementation chosen for this JVM (see {@link #PROPERTY}). */
  static ProcessTable system() {
    return ChooseProcessTable.SYSTEM;
  }
}
