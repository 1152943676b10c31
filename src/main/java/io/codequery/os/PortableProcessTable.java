package io.codequery.os;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * For systems without {@code /proc} (macOS, the BSDs): {@link ProcessHandle} alone. It tells
 * whether a PID is alive, when the process started (an instant, compared with a tolerance) and its
 * command line; it cannot tell a zombie from a live process, a stopped one from a running one, who
 * holds a file lock, or a process's owner.
 *
 * <p>The boot is identified by the start time of PID 1, which on macOS and the BSDs is the boot
 * time. A start instant is absolute, so it alone tells a process from one of another boot; the boot
 * id adds a second check where PID 1 is visible.
 */
final class PortableProcessTable implements ProcessTable {
  private volatile String bootId;

  @Override
  public String name() {
    return "portable";
  }

  @Override
  public ProcessStatus status(int pid) {
    return ProcessHandle.of(pid).isPresent()
        ? new ProcessStatus(ProcessStatus.Presence.ALIVE, Optional.empty())
        : ProcessStatus.gone();
  }

  @Override
  public Optional<List<String>> commandLine(int pid) {
    Optional<ProcessHandle.Info> info = ProcessHandle.of(pid).map(ProcessHandle::info);
    Optional<String[]> args = info.flatMap(ProcessHandle.Info::arguments);
    if (args.isEmpty()) {
      return Optional.empty();
    }
    List<String> argv = new ArrayList<>();
    // ProcessHandle gives the executable, not argv[0]; it stands in for it.
    argv.add(info.flatMap(ProcessHandle.Info::command).orElse(""));
    argv.addAll(List.of(args.get()));
    return Optional.of(argv);
  }

  @Override
  public OptionalInt ownerUid(int pid) {
    return OptionalInt.empty(); // ProcessHandle names the user, not the uid
  }

  @Override
  public int effectiveUid() {
    return "root".equals(System.getProperty("user.name")) ? 0 : -1;
  }

  @Override
  public String bootId() {
    String id = bootId;
    if (id == null) {
      id = startInstant(1).map(start -> "init-started=" + start.getEpochSecond()).orElse("");
      bootId = id;
    }
    return id;
  }

  @Override
  public long pidLimit() {
    return Integer.MAX_VALUE;
  }

  @Override
  public LockHolders lockHolders(Path file) {
    return new LockHolders.Unavailable("this OS does not list the holders of file locks");
  }

  @Override
  public boolean findsSessionMembers() {
    return false;
  }

  @Override
  public Optional<PidMark> pidMark() {
    return Optional.empty();
  }

  @Override
  public List<SessionMember> sessionMembers(
      int session, long minStartTicks, String marker, Optional<PidMark> since) {
    return List.of(); // ProcessHandle tells neither sessions nor environments
  }
}
