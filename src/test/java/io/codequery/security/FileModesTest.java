package io.codequery.security;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.codequery.testing.CliProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every file and directory code-query creates, by any path (init, the worker, the queue and
 * SQLite's own files, the log and its rotation, the spool), is at most 0644 / 0755 when every
 * command runs under {@code umask 000}: Java cannot set its umask, so every creation must pass its
 * mode.
 */
@EnabledOnOs(OS.LINUX)
@Tag("slow")
class FileModesTest {
  private static final Duration SLOW = Duration.ofSeconds(60);

  @TempDir Path tmp;

  static int mode(Path p) throws IOException {
    return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
  }

  private static void git(Path dir, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("git", "-c", "user.name=T", "-c", "user.email=t@t"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).inheritIO().start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "git " + List.of(args));
  }

  @Test
  void nothing_code_query_creates_under_umask_000_is_writable_by_group_or_others()
      throws Exception {
    Path root = Files.createDirectories(tmp.toRealPath().resolve("project"));
    Path cq = root.resolve(".code-query");
    git(root, "init", "-q");
    Files.writeString(root.resolve("a.txt"), "a\n");
    git(root, "add", "a.txt");
    git(root, "commit", "-q", "-m", "a");
    CliProcess cli = CliProcess.in(root).umask("000");
    try {
      assertEquals(0, cli.run("init").code());
      // Rewriting keeps the file (and its mode); a short heartbeat makes the worker rotate soon.
      Files.writeString(cq.resolve("config.json"), "{\"processing\":{\"heartbeat_seconds\":1}}");
      Files.write(cq.resolve("worker.log"), new byte[10 * 1024 * 1024 + 1]);

      CliProcess.Result start = cli.run("worker", "start");
      assertEquals(0, start.code(), start::toString);
      CliProcess.Result add = cli.run("queue", "add", "HEAD");
      assertEquals(0, add.code(), add::toString);
      // An unreadable spool record makes the worker create spool/rejected/.
      Files.writeString(cq.resolve("spool/garbage.commit"), "not a commit\n");
      await()
          .atMost(SLOW)
          .until(
              () ->
                  Files.isDirectory(cq.resolve("spool/rejected"))
                      && Files.exists(cq.resolve("worker.log.1"))
                      && Files.exists(cq.resolve("worker.log"))
                      && Files.exists(cq.resolve("queue.db-wal"))
                      && Files.exists(cq.resolve("queue.db-shm")));
      CliProcess.Result process = cli.run("queue", "process");
      assertEquals(0, process.code(), process::toString);

      List<String> loose = new ArrayList<>();
      try (Stream<Path> all = Files.walk(cq)) {
        for (Path p : all.toList()) {
          boolean dir = Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
          int allowed = dir ? 0755 : 0644;
          if ((mode(p) & ~allowed) != 0) {
            loose.add(cq.relativize(p) + " " + Integer.toOctalString(mode(p)));
          }
        }
      }
      assertEquals(List.of(), loose, "created with modes wider than 0644/0755 under umask 000");
    } finally {
      cli.run("worker", "stop");
    }
  }
}
