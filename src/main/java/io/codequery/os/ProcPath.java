package io.codequery.os;

import java.nio.file.Path;

/**
 * The one place that names Linux's {@code /proc} (as OSHI's {@code ProcPath} does): every read of
 * it goes through these paths, so a reader of this code base finds every dependency on it here.
 */
public final class ProcPath {
  /** Where {@code /proc} is mounted (as {@code /proc/self/mountinfo} names the mount point). */
  public static final String MOUNT_POINT = "/proc";

  private static final String ROOT = MOUNT_POINT;

  /** This process's own directory. */
  public static final Path SELF = Path.of(ROOT, "self");

  /** Mounts as this process sees them: where {@code hidepid} shows. */
  public static final Path SELF_MOUNTINFO = SELF.resolve("mountinfo");

  /** Every file lock held or awaited on the system (POSIX, OFD, flock, leases). */
  public static final Path LOCKS = Path.of(ROOT, "locks");

  /** A random id the kernel draws at every boot. */
  public static final Path BOOT_ID = Path.of(ROOT, "sys", "kernel", "random", "boot_id");

  /** Every process's directory, named by its PID. */
  public static final Path ALL = Path.of(ROOT);

  /** System statistics; its {@code processes} line counts the forks since boot. */
  public static final Path KERNEL_STAT = Path.of(ROOT, "stat");

  /** The last PID handed out in this PID namespace. */
  public static final Path NS_LAST_PID = Path.of(ROOT, "sys", "kernel", "ns_last_pid");

  /** PIDs are below this number. */
  public static final Path PID_MAX = Path.of(ROOT, "sys", "kernel", "pid_max");

  private ProcPath() {}

  /** {@code /proc/<pid>}: its owner is the process's effective user. */
  public static Path process(int pid) {
    return Path.of(ROOT, Integer.toString(pid));
  }

  /** {@code /proc/<pid>/stat}: state, parent, start time in clock ticks (see {@link ProcStat}). */
  public static Path stat(int pid) {
    return Path.of(ROOT, Integer.toString(pid), "stat");
  }

  /** {@code /proc/<pid>/status}: names and numbers, one a line (Tgid: its thread group). */
  public static Path status(int pid) {
    return Path.of(ROOT, Integer.toString(pid), "status");
  }

  /** {@code /proc/<pid>/environ}: the environment it started with, each entry ended by NUL. */
  public static Path environ(int pid) {
    return Path.of(ROOT, Integer.toString(pid), "environ");
  }

  /** {@code /proc/<pid>/cmdline}: the arguments, each ended by a NUL byte. */
  public static Path cmdline(int pid) {
    return Path.of(ROOT, Integer.toString(pid), "cmdline");
  }
}
