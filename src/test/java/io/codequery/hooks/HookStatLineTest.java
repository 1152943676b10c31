package io.codequery.hooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.codequery.MinimalWorkerDetector;
import io.codequery.os.ProcStat;
import io.codequery.os.ProcessTable;
import io.codequery.process.WorkerIdentity;
import io.codequery.testing.ProjectFiles;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hook's detector reads the fields of {@code /proc/<pid>/stat} after the command name, which a
 * process chooses and which may itself hold ") " — as the Java detector does (both must agree).
 */
@EnabledOnOs(OS.LINUX)
class HookStatLineTest {
  @TempDir Path dir;

  @Test
  void a_process_whose_name_holds_parentheses_and_spaces_is_judged_by_its_real_start_ticks()
      throws Exception {
    // The Java side compares start ticks only on /proc (the portable table compares instants).
    assumeTrue(ProcessTable.system().name().equals("proc"));
    Path root =
        Files.createDirectories(dir.resolve("project/.code-query")).getParent().toRealPath();
    Path script = dir.resolve("post-commit.sh");
    try (InputStream in = getClass().getResourceAsStream("/io/codequery/hooks/post-commit.sh")) {
      Files.write(script, in.readAllBytes());
    }
    Path exe = dir.resolve("a) b) (c");
    Files.copy(Path.of("/bin/sleep"), exe);
    Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwx------"));
    Process p = new ProcessBuilder(exe.toString(), "1000").start();
    try {
      int pid = (int) p.pid();
      String line = Files.readString(Path.of("/proc/" + pid + "/stat"), StandardCharsets.US_ASCII);
      long ticks = ProcStat.parse(line).orElseThrow().startTicks();
      String boot =
          Files.readString(Path.of("/proc/sys/kernel/random/boot_id"), StandardCharsets.US_ASCII)
              .strip();
      ProjectFiles.writePidFile(root, pid + "\n");
      ProjectFiles.writeIdentity(root, new WorkerIdentity(pid, ticks, -1, boot, root.toString()));
      assertEquals("running", detect(script, root));
      assertEquals("running", new MinimalWorkerDetector(root).detect().outcome());
      ProjectFiles.writeIdentity(
          root, new WorkerIdentity(pid, ticks + 1, -1, boot, root.toString()));
      assertEquals("stale", detect(script, root));
      assertEquals("stale", new MinimalWorkerDetector(root).detect().outcome());
    } finally {
      p.destroyForcibly().waitFor();
    }
  }

  private static String detect(Path script, Path root) throws Exception {
    Process sh = new ProcessBuilder("sh", script.toString(), "--detect", root.toString()).start();
    String out = new String(sh.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    sh.waitFor();
    return out;
  }
}
