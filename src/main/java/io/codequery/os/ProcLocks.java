package io.codequery.os;

import java.util.ArrayList;
import java.util.List;

/**
 * A pure parser of Linux {@code /proc/locks}: which processes hold a POSIX ({@code fcntl}) write
 * lock on one file.
 *
 * <p>A line names a lock and its holder: {@code "3: POSIX ADVISORY WRITE 4242 fe:01:1234 0 EOF"}
 * (the device as hexadecimal major and minor numbers, then the inode). A process waiting for a lock
 * shows as {@code "3: -> POSIX …"} under it and holds nothing. Locks taken with {@code flock(2)}
 * are {@code FLOCK}, open-file-description locks {@code OFDLCK} with PID -1: neither is the
 * worker's lock, which is a POSIX record lock over the whole file.
 */
public final class ProcLocks {
  private ProcLocks() {}

  /** The PIDs holding a POSIX write lock on {@code file}, in the order listed (no duplicates). */
  public static List<Integer> posixWriteHolders(String text, FileId file) {
    List<Integer> holders = new ArrayList<>();
    for (String line : text.split("\n")) {
      String[] f = line.trim().split("\\s+");
      // f: "<n>:", "POSIX", "ADVISORY", "WRITE", pid, "maj:min:inode", start, end
      if (f.length < 6 || !f[1].equals("POSIX") || !f[3].equals("WRITE")) {
        continue;
      }
      int pid = parsePid(f[4]);
      if (pid > 0 && sameFile(f[5], file) && !holders.contains(pid)) {
        holders.add(pid);
      }
    }
    return holders;
  }

  private static int parsePid(String s) {
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      return -1; // a PID the reader's namespace cannot name shows as 0 or -1: not a holder we see
    }
  }

  private static boolean sameFile(String device, FileId file) {
    String[] d = device.split(":");
    if (d.length != 3) {
      return false;
    }
    try {
      return Long.parseLong(d[0], 16) == file.major()
          && Long.parseLong(d[1], 16) == file.minor()
          && Long.parseLong(d[2]) == file.inode();
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
