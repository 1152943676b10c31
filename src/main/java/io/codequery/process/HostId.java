package io.codequery.process;

import io.codequery.os.ProcPath;
import io.codequery.os.ProcessTable;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a PID means something: the machine ({@code /etc/machine-id}), its boot ({@code boot_id})
 * and the PID namespace ({@code /proc/self/ns/pid}). Two workers with equal host ids see the same
 * processes under the same PIDs; with any part different, a PID read from the registry names
 * nothing here and is never looked at, let alone signalled. The namespace matters: hosts built with
 * {@code unshare --pid} on one machine share its machine id and boot, not their PIDs.
 *
 * @param machineId the machine's id; "" where the OS does not tell
 * @param bootId this boot's id; "" where the OS does not tell
 * @param pidNamespace the PID namespace's inode ({@code pid:[4026531836]}); "" where unknown
 */
public record HostId(String machineId, String bootId, String pidNamespace) {
  private static final int MAX_BYTES = 256;
  private static final Path[] MACHINE_ID_FILES = {
    Path.of("/etc/machine-id"), Path.of("/var/lib/dbus/machine-id")
  };

  /** This process's host id, read once (none of its parts changes while a process lives). */
  public static HostId thisHost() {
    return ThisHost.ID;
  }

  private static final class ThisHost {
    static final HostId ID = ofThisHost();
  }

  /** This process's host id, read now. */
  public static HostId ofThisHost() {
    String machine = "";
    for (Path f : MACHINE_ID_FILES) {
      machine = firstLine(f).orElse("");
      if (!machine.isEmpty()) {
        break;
      }
    }
    String namespace;
    try {
      namespace = Files.readSymbolicLink(ProcPath.SELF.resolve("ns").resolve("pid")).toString();
    } catch (IOException | UnsupportedOperationException e) {
      namespace = "";
    }
    return new HostId(machine, ProcessTable.system().bootId(), namespace);
  }

  /** This host's name ({@code /proc/sys/kernel/hostname}, its UTS namespace's), for people. */
  public static String hostName() {
    Optional<String> name = firstLine(Path.of(ProcPath.MOUNT_POINT, "sys", "kernel", "hostname"));
    if (name.isPresent() && !name.get().isEmpty()) {
      return name.get();
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown-host";
    }
  }

  /** {@code <machine>/<boot>/<pid namespace>}, as the registry stores it. */
  public String format() {
    return machineId + "/" + bootId + "/" + pidNamespace;
  }

  /** Parses {@link #format()}'s text; empty where it is not of that form. */
  public static Optional<HostId> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    String[] parts = text.split("/", 3);
    return parts.length == 3
        ? Optional.of(new HostId(parts[0], parts[1], parts[2]))
        : Optional.empty();
  }

  /**
   * True where a PID recorded under {@code other} names a process here: every part is known and
   * equal.
   */
  public boolean sharesPidsWith(HostId other) {
    return !machineId.isEmpty() && !bootId.isEmpty() && !pidNamespace.isEmpty() && equals(other);
  }

  /**
   * True where {@code other} is this machine before its last reboot: whatever ran there has ended.
   */
  public boolean isEarlierBootOfThisMachine(HostId other) {
    return !machineId.isEmpty()
        && machineId.equals(other.machineId)
        && !bootId.isEmpty()
        && !other.bootId.isEmpty()
        && !bootId.equals(other.bootId);
  }

  private static Optional<String> firstLine(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] b = in.readNBytes(MAX_BYTES);
      String s = new String(b, StandardCharsets.US_ASCII);
      int nl = s.indexOf('\n');
      return Optional.of((nl < 0 ? s : s.substring(0, nl)).trim());
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
