package io.codequery.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.codequery.CodeQueryException;
import io.codequery.MinimalWorkerDetector;
import io.codequery.cli.Main;
import io.codequery.config.Config;
import io.codequery.project.ProjectLayout;
import io.codequery.queue.JobQueue;
import io.codequery.testing.CliProcess;
import io.codequery.testing.ProjectFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile entries under {@code .code-query/}: links planted in place of code-query's files, FIFOs
 * where a file belongs, a linked {@code .code-query} itself. Each is refused with a message naming
 * the file; nothing is followed, nothing blocks, the victim of a link is never touched.
 */
@EnabledOnOs(OS.LINUX)
class HostileFilesTest {
  /** Long enough for a JVM under load; a call that blocks on a FIFO never ends at all. */
  private static final Duration DEADLINE = Duration.ofSeconds(40);

  @TempDir Path tmp;
  private Path root;
  private Path cq;
  private Path victim;

  record Run(int code, String out, String err) {}

  @BeforeEach
  void project() throws IOException {
    root = Files.createDirectories(tmp.toRealPath().resolve("project"));
    cq = Files.createDirectories(root.resolve(".code-query"));
    victim = tmp.toRealPath().resolve("victim");
  }

  @AfterEach
  void noWorkerOutlivesTheTest() throws Exception {
    String marker = "-Dcode-query.worker=" + root;
    for (ProcessHandle h : ProcessHandle.allProcesses().toList()) {
      if (h.info().arguments().map(a -> List.of(a).contains(marker)).orElse(false)) {
        h.destroyForcibly();
        h.onExit().get(30, TimeUnit.SECONDS);
      }
    }
  }

  static Run cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.execute(args, new PrintWriter(out), new PrintWriter(err));
    return new Run(code, out.toString(), err.toString());
  }

  private void mkfifo(Path p) throws Exception {
    Process mkfifo = new ProcessBuilder("mkfifo", p.toString()).inheritIO().start();
    assertTrue(mkfifo.waitFor(30, TimeUnit.SECONDS) && mkfifo.exitValue() == 0, "mkfifo " + p);
  }

  private CliProcess.Result inChild(String... args) throws Exception {
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--project-root";
    all[args.length + 1] = root.toString();
    return CliProcess.in(root).deadline(DEADLINE).run(all);
  }

  @Test
  void a_symlink_as_queue_db_is_refused_and_the_file_it_points_to_stays_untouched()
      throws Exception {
    Files.createFile(victim); // an empty file is what SQLite would happily turn into a database
    Files.createSymbolicLink(cq.resolve("queue.db"), victim);

    CodeQueryException e =
        assertThrows(
            CodeQueryException.class,
            () ->
                JobQueue.open(
                    ProjectLayout.of(root), Config.defaults("project"), Clock.systemUTC()));

    assertTrue(e.getMessage().contains(cq.resolve("queue.db").toString()), e.getMessage());
    assertTrue(e.getMessage().contains("symbolic link"), e.getMessage());
    assertEquals(0, Files.size(victim), "the link's target was written to");
    Run status = cli("queue", "status", "--project-root", root.toString());
    assertEquals(2, status.code(), status::toString);
    assertTrue(status.err().contains("queue.db is a symbolic link"), status::toString);
    assertEquals(0, Files.size(victim), "the link's target was written to");
  }

  @Test
  void a_symlink_as_the_queues_write_ahead_log_is_refused_and_its_target_stays_untouched()
      throws Exception {
    Files.writeString(victim, "precious\n");
    Files.createFile(cq.resolve("queue.db"));
    Files.createSymbolicLink(cq.resolve("queue.db-wal"), victim);

    Run add = cli("queue", "retry", "--project-root", root.toString());

    assertEquals(2, add.code(), add::toString);
    assertTrue(add.err().contains("queue.db-wal is a symbolic link"), add::toString);
    assertEquals("precious\n", Files.readString(victim));
  }

  @Test
  void a_symlink_as_worker_log_makes_worker_start_refuse_naming_the_file() throws Exception {
    Files.writeString(victim, "precious\n");
    Files.createSymbolicLink(cq.resolve("worker.log"), victim);

    Run start = cli("worker", "start", "--wait-seconds", "30", "--project-root", root.toString());

    assertEquals(2, start.code(), start::toString);
    assertTrue(
        start.err().contains(cq.resolve("worker.log") + " is a symbolic link"), start::toString);
    assertTrue(start.err().contains("rm "), "says what to do: " + start);
    assertEquals("precious\n", Files.readString(victim));
    assertFalse(MinimalWorkerDetector.isWorkerRunning(root), "no worker was started");
  }

  @Test
  void a_linked_code_query_directory_is_refused_and_nothing_is_created_where_it_points()
      throws Exception {
    Path elsewhere = Files.createDirectories(tmp.toRealPath().resolve("elsewhere"));
    Files.delete(cq);
    Files.createSymbolicLink(cq, elsewhere);

    for (String[] args :
        List.of(
            new String[] {"init"},
            new String[] {"worker", "start", "--wait-seconds", "30"},
            new String[] {"queue", "process"})) {
      String[] all =
          Stream.concat(Stream.of(args), Stream.of("--project-root", root.toString()))
              .toArray(String[]::new);
      Run r = cli(all);
      assertEquals(2, r.code(), () -> String.join(" ", args) + ": " + r);
      assertTrue(r.err().contains(cq + " is a symbolic link"), () -> String.join(" ", args) + r);
    }
    try (var inside = Files.list(elsewhere)) {
      assertEquals(List.of(), inside.toList(), "files were created through the link");
    }
  }

  @Test
  void a_fifo_as_config_json_ends_init_worker_start_and_queue_status_with_a_clear_error()
      throws Exception {
    mkfifo(cq.resolve("config.json"));
    Files.createFile(cq.resolve("queue.db")); // so that `queue status` reads the config

    for (String[] args :
        List.of(
            new String[] {"init"},
            new String[] {"worker", "start", "--wait-seconds", "30"},
            new String[] {"queue", "status"})) {
      CliProcess.Result r = inChild(args);
      String what = String.join(" ", args) + ": " + r;
      assertFalse(r.timedOut(), what);
      assertEquals(2, r.code(), what);
      assertTrue(r.err().contains(cq.resolve("config.json") + " is a FIFO"), what);
    }
    assertTrue(Files.exists(cq.resolve("config.json"), LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void a_fifo_as_worker_log_does_not_block_the_cleanup_of_a_stale_pid_file() throws Exception {
    ProjectFiles.writePidFile(root, ProjectFiles.deadPid() + "\n");
    mkfifo(cq.resolve("worker.log"));

    CliProcess.Result r = inChild("worker", "status");

    assertFalse(r.timedOut(), r::toString);
    assertEquals(1, r.code(), r::toString);
    assertTrue(r.out().contains("removed stale PID file"), r::toString);
  }

  @Test
  void a_fifo_as_the_pid_file_lock_leaves_a_stale_pid_file_in_place_and_says_why()
      throws Exception {
    ProjectFiles.writePidFile(root, ProjectFiles.deadPid() + "\n");
    mkfifo(cq.resolve("worker.pid.lock"));

    CliProcess.Result r = inChild("worker", "status");

    assertFalse(r.timedOut(), r::toString);
    assertEquals(1, r.code(), r::toString);
    assertTrue(r.out().contains("worker.pid.lock is a FIFO"), r::toString);
    assertTrue(ProjectFiles.pidFileExists(root));
  }

  @Test
  void a_fifo_as_the_instance_lock_makes_the_worker_exit_and_start_name_the_file()
      throws Exception {
    mkfifo(cq.resolve("worker.lock"));

    CliProcess.Result r = inChild("worker", "start", "--wait-seconds", "30");

    assertFalse(r.timedOut(), r::toString);
    assertEquals(1, r.code(), r::toString);
    assertTrue(r.err().contains("during start-up"), r::toString);
    assertTrue(r.err().contains(cq.resolve("worker.lock") + " is a FIFO"), r::toString);
  }

  @Test
  void a_directory_as_config_json_is_refused_by_name() throws Exception {
    Files.createDirectory(cq.resolve("config.json"));

    Run r = cli("worker", "stop", "--project-root", root.toString());

    assertEquals(2, r.code(), r::toString);
    assertTrue(r.err().contains(cq.resolve("config.json") + " is a directory"), r::toString);
  }

  @Test
  void a_config_json_of_megabytes_is_refused_unread() throws Exception {
    Files.write(cq.resolve("config.json"), new byte[3 << 20]);

    Run r = cli("init", "--project-root", root.toString());

    assertEquals(2, r.code(), r::toString);
    assertTrue(r.err().contains("config.json is 3145728 bytes"), r::toString);
    assertEquals(3 << 20, Files.size(cq.resolve("config.json")));
  }
}
