package io.codequery.child;

import io.codequery.os.PidMark;
import io.codequery.os.ProcStat;
import io.codequery.os.ProcessTable;
import io.codequery.os.SessionMember;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs one {@link ChildCommand} so that no child can hang its caller:
 *
 * <ul>
 *   <li>stdout and stderr go to private files (mode 0600, unlinked as soon as the child holds
 *       them), read once the child is gone: no pipe can fill up, no thread drains it, and a stream
 *       that a background grandchild keeps open does not keep the caller waiting for end-of-file;
 *   <li>the deadline is measured with {@link System#nanoTime()}, immune to wall-clock steps;
 *   <li>the child runs in a session of its own ({@code setsid}, where installed) and carries an
 *       environment marker, so that its whole tree — grandchildren re-parented after their parent
 *       died included — can be found and ended: SIGTERM, a grace, SIGKILL;
 *   <li>processes of its session still running after it exited are ended too, and the child itself
 *       is always reaped.
 * </ul>
 *
 * Thread-safe: each call is independent.
 */
public final class RunChild {
  /** Between SIGTERM and SIGKILL when a child's tree is ended. */
  public static final Duration KILL_GRACE = Duration.ofSeconds(2);

  /**
   * The start gate of {@link ChildStdin.AfterOnStart}: one line, "go", then the command with its
   * input opened from {@code $0} ({@code /dev/null} or the file to pass on); anything else
   * (end-of-file) and nothing runs.
   */
  static final String START_GATE =
      "IFS= read -r go || exit 125; [ \"$go\" = go ] || exit 125; exec \"$@\" < \"$0\"";

  private static final byte[] GO = "go\n".getBytes(StandardCharsets.US_ASCII);

  /** How often a running child's deadline, output size and abandon flag are looked at. */
  private static final long POLL_MS = 100;

  private RunChild() {}

  public static ChildRun run(ChildCommand c) {
    long start = System.nanoTime();
    Optional<Path> setsid = Programs.setsid();
    boolean ownSession = setsid.isPresent() && ProcessTable.system().findsSessionMembers();
    String path = System.getenv("PATH");
    if (c.environment().containsKey("PATH")) {
      path = c.environment().get("PATH");
    }
    int problem = Programs.problem(c.argv().get(0), c.directory(), path);
    if (problem != 0) {
      return new ChildRun.NotStarted(
          problem,
          (problem == 2 ? "program not found: " : "program not executable (permission denied): ")
              + c.argv().get(0));
    }
    List<String> argv = new ArrayList<>();
    if (ownSession) {
      argv.add(setsid.get().toString());
      Optional<Path> setpriv = Programs.setpriv();
      if (c.dieWithParent() && setpriv.isPresent()) {
        argv.addAll(List.of(setpriv.get().toString(), "--pdeathsig", "KILL", "--"));
      }
    }
    if (c.stdin() instanceof ChildStdin.AfterOnStart gate) {
      // Told "go" once onStart returned; end-of-file (the parent died first) starts nothing.
      argv.addAll(List.of("/bin/sh", "-c", START_GATE, gate.inputPath()));
    }
    argv.addAll(c.argv());

    List<Path> scratch = new ArrayList<>();
    try {
      Path outFile = c.stdoutFile() != null ? c.stdoutFile() : scratchFile(c.scratchDir(), scratch);
      Path errFile = c.mergeStderr() ? null : scratchFile(c.scratchDir(), scratch);
      Path inFile = null;
      if (c.stdin() instanceof ChildStdin.Bytes b) {
        inFile = scratchFile(c.scratchDir(), scratch);
        Files.write(inFile, b.bytes());
      }
      try (FileChannel out = FileChannel.open(outFile, StandardOpenOption.READ);
          FileChannel err =
              errFile == null ? null : FileChannel.open(errFile, StandardOpenOption.READ)) {
        ProcessBuilder pb = new ProcessBuilder(argv).directory(c.directory().toFile());
        pb.environment().putAll(c.environment());
        pb.environment().put(c.markerName(), c.markerValue());
        pb.redirectOutput(outFile.toFile());
        if (errFile == null) {
          pb.redirectErrorStream(true);
        } else {
          pb.redirectError(errFile.toFile());
        }
        if (c.stdin() instanceof ChildStdin.FromFile f) {
          pb.redirectInput(f.file().toFile());
        } else if (c.stdin() instanceof ChildStdin.AfterOnStart) {
          pb.redirectInput(ProcessBuilder.Redirect.PIPE);
        } else {
          pb.redirectInput(inFile != null ? inFile.toFile() : new File("/dev/null"));
        }
        // Before the child exists: its whole tree will have PIDs handed out after this mark.
        Optional<PidMark> mark = ownSession ? ProcessTable.system().pidMark() : Optional.empty();
        Process p;
        try {
          p = pb.start();
        } catch (IOException e) {
          return new ChildRun.NotStarted(
              Errno.of(e), "cannot start " + c.argv().get(0) + ": " + e.getMessage());
        } finally {
          // The child holds its own descriptors now; nobody else can open these by name.
          deleteAll(scratch);
        }
        return await(c, p, ownSession, mark, out, err, start);
      }
    } catch (IOException e) {
      return new ChildRun.NotStarted(
          Errno.of(e),
          "cannot prepare the output files of "
              + c.argv().get(0)
              + " in "
              + c.scratchDir()
              + ": "
              + e.getMessage());
    } finally {
      deleteAll(scratch);
    }
  }

  private static ChildRun await(
      ChildCommand c,
      Process p,
      boolean ownSession,
      Optional<PidMark> mark,
      FileChannel out,
      FileChannel err,
      long start)
      throws IOException {
    long leaderTicks =
        ProcessTable.system().status((int) p.pid()).stat().map(ProcStat::startTicks).orElse(0L);
    boolean abandonedAtGate = false;
    try {
      c.onStart().accept(new ChildCommand.Started(p.pid(), leaderTicks == 0 ? -1 : leaderTicks));
      if (c.stdin() instanceof ChildStdin.AfterOnStart) {
        // Abandoned while onStart ran (a store that did not answer): the gate closes unopened and
        // the command itself never starts.
        abandonedAtGate = c.abandon().getAsBoolean();
        try (OutputStream gate = p.getOutputStream()) {
          if (!abandonedAtGate) {
            gate.write(GO);
          }
        } catch (IOException e) {
          // The gate is gone: the child died already; its end is seen below.
        }
      }
    } catch (RuntimeException e) {
      // Recording the run is the caller's business; a failure there must not orphan the child.
      endTree(p, ownSession, leaderTicks, c.marker());
      throw e;
    }
    long deadline = start + c.deadline().toNanos();
    ChildRun.End end = abandonedAtGate ? ChildRun.End.ABANDONED : ChildRun.End.EXITED;
    try {
      while (!abandonedAtGate
          && !p.waitFor(Math.max(1, Math.min(POLL_MS, msUntil(deadline))), TimeUnit.MILLISECONDS)) {
        if (c.abandon().getAsBoolean()) {
          end = ChildRun.End.ABANDONED;
        } else if (out.size() > c.hardCapBytes()
            || (err != null && err.size() > c.hardCapBytes())) {
          end = ChildRun.End.OUTPUT_CAPPED;
        } else if (System.nanoTime() - deadline >= 0) {
          end = ChildRun.End.TIMED_OUT;
        } else {
          continue;
        }
        break;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      end = ChildRun.End.ABANDONED;
    }
    int stragglers = 0;
    if (end != ChildRun.End.EXITED) {
      endTree(p, ownSession, leaderTicks, c.marker());
    } else if (ownSession) {
      // Whatever the command left running in its session (`cmd &`) would outlive the job
      // unobserved and keep writing into output we are about to read.
      stragglers =
          EndProcesses.endSession(
              (int) p.pid(), leaderTicks, c.marker(), mark, Duration.ofMillis(500));
    }
    Integer exit = end == ChildRun.End.EXITED ? p.exitValue() : null;
    return new ChildRun.Ended(
        end,
        exit,
        c.stdoutFile() != null ? CapturedOutput.none() : capture(out, c.keepBytes()),
        err == null ? CapturedOutput.none() : capture(err, c.keepBytes()),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start),
        p.pid(),
        stragglers);
  }

  /** Ends the child and everything it started, then reaps it. */
  private static void endTree(Process p, boolean ownSession, long leaderTicks, String marker) {
    // The tree is snapshotted before the first signal: once the child dies its children are
    // re-parented and no longer its descendants. Its session still finds them.
    List<ProcessHandle> first = new ArrayList<>();
    first.add(p.toHandle());
    p.toHandle().descendants().forEach(first::add);
    EndProcesses.end(
        first,
        KILL_GRACE,
        () -> {
          List<ProcessHandle> now = new ArrayList<>();
          if (ownSession) {
            for (SessionMember m :
                ProcessTable.system()
                    .sessionMembers((int) p.pid(), leaderTicks, marker, Optional.empty())) {
              ProcessHandle.of(m.pid()).ifPresent(now::add);
            }
          }
          for (ProcessHandle h : first) {
            if (h.isAlive()) {
              h.descendants().forEach(now::add);
            }
          }
          return now;
        });
    try {
      p.waitFor(KILL_GRACE.toMillis(), TimeUnit.MILLISECONDS); // reap our own child
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static long msUntil(long deadlineNanos) {
    return TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
  }

  private static Path scratchFile(Path dir, List<Path> made) throws IOException {
    Path f;
    try {
      f =
          Files.createTempFile(
              dir,
              ".child-",
              ".tmp",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      f = Files.createTempFile(dir, ".child-", ".tmp");
    }
    made.add(f);
    return f;
  }

  private static void deleteAll(List<Path> files) {
    for (Path f : files) {
      try {
        Files.deleteIfExists(f);
      } catch (IOException e) {
        // a private temp file; the OS's tmp cleaning or the next run's listing never reads it
      }
    }
    files.clear();
  }

  /** All of the stream when it fits {@code keep}, else its first and last halves. */
  static CapturedOutput capture(FileChannel ch, int keep) throws IOException {
    long total = ch.size();
    if (total <= keep) {
      return new CapturedOutput(read(ch, 0, (int) total), new byte[0], total);
    }
    int headBytes = keep / 2;
    int tailBytes = keep - headBytes;
    return new CapturedOutput(
        read(ch, 0, headBytes), read(ch, total - tailBytes, tailBytes), total);
  }

  private static byte[] read(FileChannel ch, long from, int n) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(n);
    long pos = from;
    while (buf.hasRemaining()) {
      int r = ch.read(buf, pos);
      if (r < 0) {
        break; // shorter than its size said (truncated by the child): keep what there is
      }
      pos += r;
    }
    byte[] bytes = new byte[buf.position()];
    buf.flip().get(bytes);
    return bytes;
  }
}
