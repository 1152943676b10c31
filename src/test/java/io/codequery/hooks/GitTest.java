package io.codequery.hooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.codequery.child.EndProcesses;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Git#run} against a real git whose child (a shell alias) misbehaves: no pipe can hang it.
 */
@EnabledOnOs(OS.LINUX)
class GitTest {
  @TempDir Path dir;

  @Test
  void a_git_that_fills_stderr_does_not_hang_the_caller() throws Exception {
    GitRepo.init(dir);
    // 1 MiB on stderr before anything on stdout: a caller reading stdout to the end first blocks
    // forever while git blocks on the full stderr pipe.
    Git.Result r =
        assertTimeoutPreemptively(
            Duration.ofSeconds(30),
            () ->
                Git.run(
                    dir,
                    "-c",
                    "alias.flood=!head -c 1048576 /dev/zero | tr '\\0' x >&2; echo done",
                    "flood"));
    assertEquals(0, r.status());
    assertEquals("done\n", r.out());
    assertEquals(1024 * 1024, r.err().length());
  }

  @Test
  void a_git_whose_stdout_a_background_grandchild_keeps_open_returns_when_git_exits()
      throws Exception {
    GitRepo.init(dir);
    Path pidFile = dir.resolve("bg.pid");
    Git.Result r =
        assertTimeoutPreemptively(
            Duration.ofSeconds(30),
            () ->
                Git.run(
                    dir,
                    "-c",
                    "alias.bg=!sleep 300 & echo $! > \"" + pidFile + "\"; echo started",
                    "bg"));
    assertEquals(0, r.status());
    assertEquals("started\n", r.out());
    long pid = Long.parseLong(Files.readString(pidFile).trim());
    assertFalse(
        ProcessHandle.of(pid).map(EndProcesses::running).orElse(false),
        "the background sleep " + pid + " outlived git");
  }
}
