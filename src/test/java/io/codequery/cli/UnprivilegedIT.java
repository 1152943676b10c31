package io.codequery.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import io.codequery.testing.EnabledIfSecondUser;
import io.codequery.testing.Processes;
import io.codequery.testing.RealWorker;
import io.codequery.testing.SecondUser;
import io.codequery.testing.SecondUser.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code worker status} run as user nobody (via {@code setpriv}) on a project root owns: the
 * detector must answer honestly with what it can see and never remove what it cannot judge.
 *
 * <p>Needs root (to switch user). nobody cannot read root's ~/.m2, so it runs a copy of the shaded
 * jar in a world-readable directory.
 */
@EnabledIfSecondUser
@Tag("slow")
class UnprivilegedIT {
  @RegisterExtension static final SecondUser.JarCopy JAR = new SecondUser.JarCopy();

  @TempDir Path tmp;
  private Path root;
  private Path pidFile;

  @BeforeEach
  void rootOwnedProjectThatNobodyCanTraverse() throws IOException {
    root = SecondUser.readableProject(tmp);
    pidFile = root.resolve(".code-query/worker.pid");
  }

  /** {@code code-query <args> --project-root <root>} as user nobody, from the shaded jar copy. */
  private Run asNobody(String... args) throws IOException, InterruptedException {
    return JAR.cli(root, tmp, args);
  }

  @Test
  void a_project_root_nobody_may_not_enter_is_refused_in_one_line_not_read_as_unknown()
      throws Exception {
    Files.writeString(pidFile, "4242\n");
    Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx------"));
    try {
      Run fast = asNobody("worker", "status");
      Run json = asNobody("worker", "status", "--json");

      assertEquals(2, fast.code(), fast::toString);
      assertEquals("", fast.out(), fast::toString);
      assertEquals(
          List.of(
              "✗ --project-root "
                  + root
                  + ": permission denied (you may not enter this directory); ask its owner, or"
                  + " run as a user who may"),
          fast.err().lines().toList());
      assertEquals(2, json.code(), json::toString);
      assertTrue(
          json.json().get("error").getAsString().contains("permission denied"), json::toString);
    } finally {
      Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    assertEquals("4242\n", Files.readString(pidFile), "nothing is removed");
  }

  @Test
  void pid_file_nobody_cannot_read_is_unknown_and_kept() throws Exception {
    Files.writeString(pidFile, "4242\n");
    Files.setPosixFilePermissions(pidFile, PosixFilePermissions.fromString("rw-------"));

    Run run = asNobody("worker", "status", "--json");

    assertEquals(4, run.code(), run::toString);
    JsonObject j = run.json();
    assertEquals("unknown", j.get("outcome").getAsString(), j::toString);
    assertTrue(j.get("pid").isJsonNull(), j::toString);
    assertTrue(j.get("reason").getAsString().contains("permission denied"), j::toString);
    assertFalse(j.get("cleaned_up").getAsBoolean());
    assertEquals("4242\n", Files.readString(pidFile), "root's PID file is not removed");
  }

  @Test
  void roots_live_worker_seen_by_nobody_is_running() throws Exception {
    try (RealWorker worker = RealWorker.start(root)) {
      Run run = asNobody("worker", "status", "--json");

      // Identity files are world-readable, so nobody can verify the worker completely.
      assertEquals(0, run.code(), run::toString);
      JsonObject j = run.json();
      assertEquals("running", j.get("outcome").getAsString(), j::toString);
      assertEquals(worker.pid(), j.get("pid").getAsInt());
      assertTrue(worker.process().isAlive());
      assertEquals(worker.pid() + "\n", Files.readString(pidFile));

      Run human = asNobody("worker", "status");
      assertEquals(0, human.code(), human::toString);
      assertEquals("✓ running — PID " + worker.pid(), human.out().strip());
    }
  }

  @Test
  void roots_live_worker_whose_identity_nobody_cannot_read_is_unknown_never_stale()
      throws Exception {
    try (RealWorker worker = RealWorker.start(root)) {
      Path identity = root.resolve(".code-query/worker.identity");
      assertTrue(Files.isRegularFile(identity), "the worker records its identity");
      Files.setPosixFilePermissions(identity, PosixFilePermissions.fromString("rw-------"));

      Run run = asNobody("worker", "status", "--json");

      assertEquals(4, run.code(), run::toString);
      JsonObject j = run.json();
      assertEquals("unknown", j.get("outcome").getAsString(), j::toString);
      assertEquals(worker.pid(), j.get("pid").getAsInt());
      assertFalse(j.get("cleaned_up").getAsBoolean());
      assertEquals(
          worker.pid() + "\n",
          Files.readString(pidFile),
          "a live worker's PID file is never removed");
      assertTrue(worker.process().isAlive());
      assertEquals(0, CliTest.status(root).code(), "root still sees its worker running");
    }
  }

  @Test
  void stale_pid_file_nobody_cannot_remove_is_stale_not_cleaned_up_and_says_so() throws Exception {
    Process gone = Processes.sleep();
    long deadPid = gone.pid();
    Processes.kill(gone);
    Files.writeString(pidFile, deadPid + "\n");
    Files.setPosixFilePermissions(pidFile, PosixFilePermissions.fromString("rw-r--r--"));

    Run run = asNobody("worker", "status", "--json");

    assertEquals(1, run.code(), run::toString);
    JsonObject j = run.json();
    assertEquals("stale", j.get("outcome").getAsString(), j::toString);
    assertEquals(deadPid, j.get("pid").getAsLong());
    assertFalse(j.get("cleaned_up").getAsBoolean(), j::toString);
    String reason = j.get("reason").getAsString();
    assertTrue(reason.contains("not removed"), reason);
    assertTrue(reason.contains("permission denied"), reason);
    assertEquals(deadPid + "\n", Files.readString(pidFile), "root's file survives");

    Run human = asNobody("worker", "status");
    assertEquals(1, human.code(), human::toString);
    assertEquals(1, human.out().lines().count(), human::toString);
    assertTrue(
        human.out().startsWith("✗ not running — stale PID file (PID " + deadPid), human::toString);
    assertTrue(human.out().contains("not removed"), human::toString);
  }

  @Test
  void stale_pid_file_with_a_root_owned_lock_file_is_not_removed_either() throws Exception {
    Process gone = Processes.sleep();
    long deadPid = gone.pid();
    Processes.kill(gone);
    Files.writeString(pidFile, deadPid + "\n");
    Path lock = root.resolve(".code-query/worker.pid.lock");
    Files.createFile(lock);
    Files.setPosixFilePermissions(lock, PosixFilePermissions.fromString("rw-r--r--"));

    Run run = asNobody("worker", "status", "--json");

    assertEquals(1, run.code(), run::toString);
    assertFalse(run.json().get("cleaned_up").getAsBoolean(), run::toString);
    assertTrue(run.json().get("reason").getAsString().contains("not removed"), run::toString);
    assertTrue(Files.exists(pidFile), "root's file survives");
  }

  @Test
  void invalid_pid_file_nobody_cannot_remove_is_invalid_not_cleaned_up() throws Exception {
    Files.writeString(pidFile, "-1\n");

    Run run = asNobody("worker", "status", "--json");

    assertEquals(1, run.code(), run::toString);
    JsonObject j = run.json();
    assertEquals("invalid", j.get("outcome").getAsString(), j::toString);
    assertFalse(j.get("cleaned_up").getAsBoolean(), j::toString);
    assertTrue(j.get("reason").getAsString().contains("not removed"), j::toString);
    assertEquals("-1\n", Files.readString(pidFile));
  }
}
