package io.codequery.faults;

import io.codequery.process.WorkerMarker;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** The ground truth about processes, straight from /proc, independent of the code under test. */
final class Os {
  private Os() {}

  static Optional<List<String>> cmdline(long pid) {
    try {
      byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
      if (raw.length == 0) {
        return Optional.empty();
      }
      return Optional.of(List.of(new String(raw, StandardCharsets.UTF_8).split("\0")));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** The one-letter state of {@code /proc/<pid>/stat} ('R', 'S', 'T', 'Z', …), or empty if gone. */
  static Optional<Character> state(long pid) {
    try {
      String stat =
          Files.readString(
              Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.ISO_8859_1);
      int close = stat.lastIndexOf(')');
      return Optional.of(stat.charAt(close + 2));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  static boolean aliveNotZombie(long pid) {
    return state(pid).map(s -> s != 'Z' && s != 'X' && s != 'x').orElse(false);
  }

  /**
   * Real worker JVMs of {@code root}: argv[0] is a path to {@code java} (forgers exec as plain
   * "java") and the worker marker for {@code root} is an argument. Forged PIDs are excluded too,
   * and so is a child of such a process: between its fork and its exec, a child the worker spawns
   * (a job, git) still shows the worker's command line, and would be taken for a second worker
   * (seen as a "no worker lives" with seed 20261128 at #28, and caught directly: 2 of 12 children
   * of a busy worker looked at showed its argv).
   */
  static List<Long> liveWorkers(Path root, Set<Long> forged) {
    String marker = WorkerMarker.forRoot(root.toString());
    Map<Long, Long> parentOf = new HashMap<>();
    ProcessHandle.allProcesses()
        .forEach(
            p -> {
              if (forged.contains(p.pid())) {
                return;
              }
              cmdline(p.pid())
                  .ifPresent(
                      argv -> {
                        if (argv.get(0).endsWith("/bin/java")
                            && argv.contains(marker)
                            && aliveNotZombie(p.pid())) {
                          parentOf.put(p.pid(), parent(p.pid()));
                        }
                      });
            });
    List<Long> found = new ArrayList<>();
    parentOf.forEach(
        (pid, parent) -> {
          if (!parentOf.containsKey(parent)) {
            found.add(pid);
          }
        });
    found.sort(null);
    return found;
  }

  /** The parent PID from {@code /proc/<pid>/stat}; -1 if gone. */
  static long parent(long pid) {
    try {
      String stat =
          Files.readString(
              Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.ISO_8859_1);
      return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[1]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** The value of {@code name} in the environment of {@code pid}; empty if gone or unset. */
  static Optional<String> environ(long pid, String name) {
    try {
      byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ"));
      for (String entry : new String(raw, StandardCharsets.UTF_8).split("\0")) {
        if (entry.startsWith(name + "=")) {
          return Optional.of(entry.substring(name.length() + 1));
        }
      }
    } catch (IOException e) {
      // gone
    }
    return Optional.empty();
  }

  /** Holders of a POSIX/OFD lock on {@code file}, from /proc/locks (by inode). */
  static boolean lockHeldBy(Path file, long pid) {
    try {
      Object key =
          Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
              .fileKey();
      String ino = String.valueOf(key).replaceAll(".*ino=(\\d+).*", "$1");
      for (String line : Files.readAllLines(Path.of("/proc/locks"))) {
        String[] f = line.trim().split("\\s+");
        // "1: POSIX  ADVISORY  WRITE 4242 08:01:1234 0 EOF"
        if (f.length >= 6 && f[4].equals(Long.toString(pid)) && f[5].endsWith(":" + ino)) {
          return true;
        }
      }
    } catch (IOException | RuntimeException e) {
      // no lock file yet
    }
    return false;
  }

  /** {@code mkfifo p}. */
  static void mkfifo(Path p) throws IOException, InterruptedException {
    Process m = new ProcessBuilder("mkfifo", p.toString()).redirectErrorStream(true).start();
    if (!m.waitFor(30, TimeUnit.SECONDS) || m.exitValue() != 0) {
      throw new IOException("mkfifo " + p + " failed");
    }
  }

  static void signal(long pid, String sig) {
    try {
      new ProcessBuilder("kill", "-" + sig, Long.toString(pid))
          .redirectErrorStream(true)
          .start()
          .waitFor();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * A sysctl file in one read: Files.readString first reads one byte, and some kernels answer a
   * read at offset 1 of a sysctl file with EOF ("3" for a pid_max of 32768).
   */
  static String sysctl(String path) throws IOException {
    try (InputStream in = Files.newInputStream(Path.of(path))) {
      return new String(in.readNBytes(256), StandardCharsets.US_ASCII).strip();
    }
  }

  static int pidMax() {
    try {
      return Integer.parseInt(sysctl("/proc/sys/kernel/pid_max"));
    } catch (IOException | NumberFormatException e) {
      return 32768;
    }
  }

  static String bootId() {
    try {
      return sysctl("/proc/sys/kernel/random/boot_id");
    } catch (IOException e) {
      return "";
    }
  }

  static long startTicks(long pid) {
    try {
      String stat =
          Files.readString(
              Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.ISO_8859_1);
      String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(rest[19]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
