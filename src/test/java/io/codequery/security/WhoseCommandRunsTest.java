package io.codequery.security;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.codequery.MinimalWorkerDetector;
import io.codequery.pidfile.PidFileTrust;
import io.codequery.queue.JobQueue;
import io.codequery.testing.CliProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Root in a project that user nobody (uid 65534) owns, as a user who cd's into someone else's
 * checkout: code-query never runs nobody's {@code processing.command} as root until root trusts the
 * project ({@code code-query trust}), and root can then stop the worker it started there. Every
 * call is a real process with its own {@code XDG_CONFIG_HOME}, so the trusted list is this test's
 * alone.
 */
@EnabledOnOs(OS.LINUX)
@EnabledIf(value = "runsAsRoot", disabledReason = "needs root to own files as another user")
@Tag("slow")
class WhoseCommandRunsTest {
  private static final int NOBODY = 65534;

  @TempDir Path tmp;
  private Path root;
  private Path cq;
  private Path config;
  private Path ran;
  private CliProcess cli;

  static boolean runsAsRoot() {
    return PidFileTrust.effectiveUid() == 0;
  }

  @BeforeEach
  void projectOwnedByNobodyWithACommandThatLeavesATrace() throws Exception {
    root = Files.createDirectories(tmp.toRealPath().resolve("project"));
    cq = Files.createDirectories(root.resolve(".code-query"));
    config = cq.resolve("config.json");
    ran = tmp.toRealPath().resolve("the-command-ran");
    Files.writeString(
        config,
        "{\"processing\":{\"heartbeat_seconds\":1,\"command\":[\"touch\",\"" + ran + "\"]}}");
    Files.writeString(root.resolve("a.txt"), "a\n");
    try (JobQueue q = JobQueue.open(cq.resolve("queue.db"), 0, Duration.ZERO, Clock.systemUTC())) {
      q.enqueue("c1", List.of("a.txt"));
    }
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : all.toList()) {
        Files.setAttribute(p, "unix:uid", NOBODY, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(p, "unix:gid", NOBODY, LinkOption.NOFOLLOW_LINKS);
      }
    }
    cli = CliProcess.in(root).env("XDG_CONFIG_HOME", tmp.resolve("xdg").toString());
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

  private CliProcess.Result run(String... args) throws IOException, InterruptedException {
    return cli.run(args);
  }

  private void assertRefusedNamingTheOwner(CliProcess.Result r, String what) {
    assertEquals(2, r.code(), () -> what + ": " + r);
    assertTrue(
        r.err().contains(config + " is owned by nobody (uid 65534), mode 0644, not by you (root"),
        () -> what + ": " + r);
    assertTrue(r.err().contains("code-query trust --project-root " + root), () -> what + ": " + r);
    assertFalse(Files.exists(ran), () -> what + " ran nobody's command as root");
  }

  @Test
  void root_runs_nothing_of_another_users_project_until_it_trusts_it() throws Exception {
    assertRefusedNamingTheOwner(run("queue", "process"), "queue process");
    assertRefusedNamingTheOwner(run("worker", "start", "--wait-seconds", "30"), "worker start");
    assertRefusedNamingTheOwner(run("worker", "run"), "worker run");
    assertRefusedNamingTheOwner(run("worker", "restart"), "worker restart");
    assertFalse(MinimalWorkerDetector.isWorkerRunning(root), "a worker was started");

    // Reading needs no trust.
    assertEquals(3, run("worker", "status").code());
    CliProcess.Result counts = run("queue", "status", "--json");
    assertEquals(0, counts.code(), counts::toString);
    assertTrue(counts.out().contains("\"pending\":1"), counts::toString);

    CliProcess.Result trust = run("trust");
    assertEquals(0, trust.code(), trust::toString);
    assertTrue(trust.out().contains("✓ trusted " + root), trust::toString);
    CliProcess.Result listed = run("trust", "--list");
    assertEquals(root.toString(), listed.out().strip(), listed::toString);

    CliProcess.Result process = run("queue", "process");
    assertEquals(0, process.code(), process::toString);
    assertTrue(Files.exists(ran), "the trusted project's command runs");

    assertEquals(0, run("trust", "--remove").code());
    Files.delete(ran);
    assertRefusedNamingTheOwner(run("queue", "process"), "queue process once distrusted");
  }

  @Test
  void a_config_others_may_write_is_refused_with_chmod_first() throws Exception {
    Files.setAttribute(config, "unix:uid", 0);
    Files.setAttribute(cq, "unix:uid", 0);
    Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-rw-rw-"));

    CliProcess.Result r = run("queue", "process");

    assertEquals(2, r.code(), r::toString);
    assertTrue(
        r.err().contains(config + " is writable by group or others (mode 0666"), r::toString);
    assertTrue(
        r.err().indexOf("Fix it: chmod go-w " + config) < r.err().indexOf("code-query trust"),
        r::toString);
    assertFalse(Files.exists(ran));
  }

  @Test
  void root_stops_the_worker_it_started_in_another_users_project_but_not_on_a_writable_pid_file()
      throws Exception {
    // Trusted as `code-query trust` records it (written here, so the test shows stop's part alone).
    Path list = Files.createDirectories(tmp.resolve("xdg/code-query")).resolve("trusted-roots");
    Files.writeString(list, root + "\n");
    Files.setPosixFilePermissions(list, PosixFilePermissions.fromString("rw-------"));
    CliProcess.Result start = run("worker", "start");
    assertEquals(0, start.code(), start::toString);
    Path pidFile = cq.resolve("worker.pid");
    long pid = Long.parseLong(Files.readString(pidFile).strip());
    ProcessHandle worker = ProcessHandle.of(pid).orElseThrow();

    Files.setPosixFilePermissions(pidFile, PosixFilePermissions.fromString("rw-rw-r--"));
    CliProcess.Result refused = run("worker", "stop");
    assertEquals(4, refused.code(), refused::toString);
    assertTrue(refused.err().contains("no signal sent"), refused::toString);
    assertTrue(refused.err().contains("chmod go-w " + pidFile), refused::toString);
    assertTrue(worker.isAlive(), "signalled on a PID file others can write");

    Files.setPosixFilePermissions(pidFile, PosixFilePermissions.fromString("rw-r--r--"));
    CliProcess.Result stop = run("worker", "stop");
    assertEquals(0, stop.code(), stop::toString);
    assertTrue(stop.out().startsWith("✓ stopped — PID " + pid), stop::toString);
    await().atMost(Duration.ofSeconds(30)).until(() -> !worker.isAlive());
  }
}
