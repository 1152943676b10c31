package io.codequery;

import static io.codequery.testing.ProjectFiles.deadPid;
import static io.codequery.testing.ProjectFiles.logLines;
import static io.codequery.testing.ProjectFiles.pidFile;
import static io.codequery.testing.ProjectFiles.pidFileExists;
import static io.codequery.testing.ProjectFiles.pidFileText;
import static io.codequery.testing.ProjectFiles.readIdentity;
import static io.codequery.testing.ProjectFiles.startTicks;
import static io.codequery.testing.ProjectFiles.writeConfig;
import static io.codequery.testing.ProjectFiles.writeIdentity;
import static io.codequery.testing.ProjectFiles.writePidFile;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.codequery.os.ProcessTable;
import io.codequery.pidfile.AtomicFiles;
import io.codequery.pidfile.PidFileMutex;
import io.codequery.process.ProcessFacts;
import io.codequery.process.WorkerIdentity;
import io.codequery.project.ProjectLayout;
import io.codequery.testing.ClassDirs;
import io.codequery.testing.DetectMain;
import io.codequery.testing.Processes;
import io.codequery.testing.RealWorker;
import io.codequery.worker.StopResult;
import io.codequery.worker.StopWorker;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The full detector against real processes: one test per item of the specification's Testing
 * Checklist and Edge Cases, and per shortfall of the specification's code that DESIGN.md lists.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WorkerDetectorTest {
  /** Run on the portable ProcessTable ({@code -Dcode-query.process-table=portable}). */
  private static final boolean PORTABLE = ProcessTable.system().name().equals("portable");

  /**
   * What a process exiting during a check may read as. The portable table cannot tell a zombie from
   * a live process (nor read its command line), so there it may also be "unknown".
   */
  private static final Set<String> STALE_OR_GONE =
      PORTABLE ? Set.of("stale", "not_running", "unknown") : Set.of("stale", "not_running");

  @TempDir Path root;

  // ---- Checklist: detects running worker correctly, returns correct PID
  // --------------------------

  @Test
  void a_running_worker_is_detected_with_its_pid_and_nothing_is_touched() throws Exception {
    try (RealWorker w = RealWorker.start(root)) {
      String before = pidFileText(root);
      Detection d = new WorkerDetector(root).detect();
      Detection.Running r = assertInstanceOf(Detection.Running.class, d, d.reason());
      assertEquals(w.pid(), r.processId());
      assertEquals(w.pid(), d.pid().getAsInt());
      assertFalse(d.cleanedUp());
      assertEquals(w.pid() + "\n", before);
      assertEquals(before, pidFileText(root));
      assertTrue(logLines(root).stream().noneMatch(l -> l.contains("[detector]")));
      assertTrue(new WorkerDetector(root).isWorkerRunning());
      assertTrue(WorkerDetection.isWorkerRunning(root));
      assertTrue(MinimalWorkerDetector.isWorkerRunning(root));
    }
  }

  @Test
  void a_running_worker_is_found_through_another_spelling_of_its_root() throws Exception {
    Path link = Files.createSymbolicLink(root.resolveSibling(root.getFileName() + "-link"), root);
    try (RealWorker w = RealWorker.start(root)) {
      Detection d = new WorkerDetector(link.resolve("../" + link.getFileName())).detect();
      assertEquals(w.pid(), assertInstanceOf(Detection.Running.class, d, d.reason()).processId());
    } finally {
      Files.deleteIfExists(link);
    }
  }

  @Test
  void the_specs_standalone_function_with_null_uses_the_current_directory() throws Exception {
    try (RealWorker w = RealWorker.start(root)) {
      List<String> cmd = RealWorker.javaCommand();
      cmd.addAll(List.of(DetectMain.class.getName(), "cwd"));
      Process p =
          new ProcessBuilder(cmd).directory(root.toFile()).redirectErrorStream(true).start();
      var out = RealWorker.drain(p);
      assertTrue(p.waitFor(60, TimeUnit.SECONDS));
      assertEquals("true", out.join().strip());
    }
  }

  @Test
  void worker_info_describes_the_verified_worker() throws Exception {
    try (RealWorker w = RealWorker.start(root)) {
      WorkerInfo info = new WorkerDetector(root).getWorkerInfo().orElseThrow();
      assertEquals(w.pid(), info.pid());
      assertTrue(
          info.commandLine().contains("-Dcode-query.worker=" + root.toRealPath()),
          info.commandLine().toString());
      assertTrue(info.threadCount() > 0);
      assertTrue(info.rssBytes() > 0);
    }
    assertTrue(new WorkerDetector(root).getWorkerInfo().isEmpty());
  }

  // ---- Checklist: cleans up stale PID files, logs cleanup; Edge: PID file exists, process doesn't
  // --

  @Test
  void a_worker_killed_with_sigkill_leaves_a_stale_pid_file_that_is_removed_and_logged_once()
      throws Exception {
    int pid;
    try (RealWorker w = RealWorker.start(root)) {
      pid = w.pid();
      w.kill9();
    }
    assertEquals(pid + "\n", pidFileText(root), "SIGKILL gives the worker no chance to clean up");
    // The specification logs only into an existing log; ours creates it.
    Files.delete(ProjectLayout.of(root).logFile());

    Detection d = new WorkerDetector(root).detect();
    Detection.Stale s = assertInstanceOf(Detection.Stale.class, d, d.reason());
    assertEquals(pid, s.processId());
    assertTrue(s.cleanedUp());
    assertTrue(s.reason().contains("process gone"), s.reason());
    assertFalse(pidFileExists(root));

    List<String> log = logLines(root);
    assertEquals(1, log.size(), log.toString());
    String line = log.get(0);
    Instant.parse(line.substring(0, line.indexOf(' '))); // ISO-8601 time first
    assertTrue(line.contains("PID " + pid), line);
    assertTrue(line.contains("process gone"), line);
    assertTrue(line.contains("stale"), line);

    Detection again = new WorkerDetector(root).detect();
    assertEquals("not_running", again.outcome());
    assertEquals(1, logLines(root).size(), "a second detection logs nothing");
  }

  @Test
  void a_stale_pid_file_of_a_process_that_never_was_a_worker_is_removed() throws Exception {
    int pid = deadPid();
    writePidFile(root, pid + "\n");
    Detection d = new WorkerDetector(root).detect();
    assertEquals("stale", d.outcome(), d.reason());
    assertTrue(d.cleanedUp());
    assertFalse(pidFileExists(root));
    assertEquals(1, logLines(root).size());
  }

  @Test
  void a_worker_stopped_with_sigterm_removes_its_own_files_and_exits_zero() throws Exception {
    try (RealWorker w = RealWorker.start(root)) {
      assertEquals(0, w.terminate());
    }
    assertFalse(pidFileExists(root));
    assertFalse(Files.exists(ProjectLayout.of(root).identityFile()));
    assertEquals("not_running", new WorkerDetector(root).detect().outcome());
  }

  // ---- Checklist: handles PID reuse; Edge: PID file exists but a different process uses the PID
  // --

  @Test
  void a_pid_reused_by_sleep_is_stale_and_the_sleep_is_left_alone() throws Exception {
    Process sleep = Processes.sleep();
    try {
      writePidFile(root, sleep.pid() + "\n");
      Detection d = new WorkerDetector(root).detect();
      Detection.Stale s = assertInstanceOf(Detection.Stale.class, d, d.reason());
      assertEquals(sleep.pid(), s.processId());
      assertTrue(s.reason().contains("another process"), s.reason());
      assertTrue(s.cleanedUp());
      assertFalse(pidFileExists(root));
      assertTrue(sleep.isAlive(), "the detector must never signal a process it has not verified");
      assertTrue(logLines(root).get(0).contains("PID " + sleep.pid()));
    } finally {
      Processes.kill(sleep);
    }
  }

  @Test
  void a_pid_reused_by_sleep_with_the_dead_workers_identity_record_rewritten_to_it_is_stale()
      throws Exception {
    WorkerIdentity dead;
    try (RealWorker w = RealWorker.start(root)) {
      w.kill9();
      dead = readIdentity(root);
    }
    Process sleep = Processes.sleep();
    try {
      // As if the kernel had handed the dead worker's PID to this sleep: same PID, later start.
      writeIdentity(
          root,
          new WorkerIdentity(
              (int) sleep.pid(),
              dead.startTicks(),
              earlier(dead.startMillis()),
              dead.bootId(),
              dead.root()));
      writePidFile(root, sleep.pid() + "\n");
      Detection d = new WorkerDetector(root).detect();
      assertInstanceOf(Detection.Stale.class, d, d.reason());
      assertTrue(d.reason().contains("reused"), d.reason());
      assertTrue(d.cleanedUp());
      assertTrue(sleep.isAlive());
    } finally {
      Processes.kill(sleep);
    }
  }

  @Test
  void forged_argv_on_a_reused_pid_with_the_dead_workers_identity_record_is_stale()
      throws Exception {
    WorkerIdentity dead;
    try (RealWorker w = RealWorker.start(root)) {
      w.kill9();
      dead = readIdentity(root);
    }
    Process forged = Processes.forgedWorker(root.toRealPath().toString());
    try {
      awaitMarker(forged);
      // The forger got the dead worker's PID: the record matches its PID but not its start time.
      writeIdentity(
          root,
          new WorkerIdentity(
              (int) forged.pid(),
              dead.startTicks(),
              earlier(dead.startMillis()),
              dead.bootId(),
              dead.root()));
      writePidFile(root, forged.pid() + "\n");
      Detection d = new WorkerDetector(root).detect();
      assertInstanceOf(Detection.Stale.class, d, d.reason());
      assertTrue(d.reason().contains("reused"), d.reason());
      assertTrue(d.cleanedUp());
      assertTrue(forged.isAlive());
    } finally {
      Processes.kill(forged);
    }
  }

  @Test
  void forged_argv_beside_another_pids_identity_record_is_never_running_and_nothing_is_removed()
      throws Exception {
    try (RealWorker w = RealWorker.start(root)) {
      w.kill9();
    }
    Process forged = Processes.forgedWorker(root.toRealPath().toString());
    try {
      awaitMarker(forged);
      writePidFile(root, forged.pid() + "\n");
      Detection d = new WorkerDetector(root).detect();
      // A process that claims to be our worker but never recorded itself cannot be proved either
      // way.
      assertInstanceOf(Detection.Unknown.class, d, d.reason());
      assertTrue(pidFileExists(root));
      assertTrue(forged.isAlive());
    } finally {
      Processes.kill(forged);
    }
  }

  @Test
  void another_projects_real_worker_named_by_a_copied_pid_file_is_stale() throws Exception {
    Path other = Files.createTempDirectory("cq-other-");
    try (RealWorker theirs = RealWorker.start(other)) {
      Files.createDirectories(ProjectLayout.of(root).dir());
      Files.copy(pidFile(other), pidFile(root));
      Detection minimal = new MinimalWorkerDetector(root).detect();
      assertEquals("stale", minimal.outcome(), minimal.reason());
      Detection d = new WorkerDetector(root).detect();
      assertInstanceOf(Detection.Stale.class, d, d.reason());
      assertTrue(d.reason().contains("another project"), d.reason());
      assertTrue(d.cleanedUp());
      assertTrue(theirs.process().isAlive());
      assertEquals(theirs.pid() + "\n", pidFileText(other), "their PID file is theirs");
      assertTrue(new WorkerDetector(other).detect().isRunning());
    } finally {
      deleteTree(other);
    }
  }

  @Test
  void another_projects_real_worker_with_its_identity_record_copied_too_is_stale()
      throws Exception {
    Path other = Files.createTempDirectory("cq-other-");
    try (RealWorker theirs = RealWorker.start(other)) {
      Files.createDirectories(ProjectLayout.of(root).dir());
      Files.copy(ProjectLayout.of(other).identityFile(), ProjectLayout.of(root).identityFile());
      Files.copy(pidFile(other), pidFile(root));
      Detection d = new WorkerDetector(root).detect();
      assertInstanceOf(Detection.Stale.class, d, d.reason());
      assertFalse(d.isRunning());
      assertTrue(theirs.process().isAlive());
      assertTrue(new WorkerDetector(other).detect().isRunning());
    } finally {
      deleteTree(other);
    }
  }

  @Test
  void an_identity_record_from_another_boot_makes_a_live_pid_stale() throws Exception {
    Process forged = Processes.forgedWorker(root.toRealPath().toString());
    try {
      awaitMarker(forged);
      long ticks = startTicks(forged.pid());
      long millis = forged.info().startInstant().orElseThrow().toEpochMilli();
      String realRoot = root.toRealPath().toString();
      writePidFile(root, forged.pid() + "\n");

      // Control: with this boot's id the record is complete, and the marker plus record verify.
      writeIdentity(
          root,
          new WorkerIdentity(
              (int) forged.pid(), ticks, millis, ProcessTable.system().bootId(), realRoot));
      assertEquals("running", new MinimalWorkerDetector(root).detect().outcome());

      writeIdentity(
          root,
          new WorkerIdentity(
              (int) forged.pid(), ticks, millis, "00000000-0000-4000-8000-000000000000", realRoot));
      Detection d = new WorkerDetector(root).detect();
      assertInstanceOf(Detection.Stale.class, d, d.reason());
      assertTrue(d.reason().contains("reboot"), d.reason());
      assertTrue(d.cleanedUp());
    } finally {
      Processes.kill(forged);
    }
  }

  // ---- Edge: corrupted PID file; DESIGN: PID 0 and -1; non-ASCII digits
  // ----------------------------

  @ParameterizedTest
  @ValueSource(
      strings = {
        "0\n",
        "-1\n",
        "+5\n",
        "abc\n",
        "\u0664\u0662\n",
        "\uff14\uff12\n",
        "",
        "  \n",
        "12 34\n",
        "007\n",
        "99999999999999999999\n",
        "32768\n"
      })
  void a_pid_file_that_holds_no_valid_pid_is_invalid_removed_and_logged(String contents)
      throws Exception {
    assumeFalse(PORTABLE && contents.equals("32768\n"), "the portable table knows no pid_max");
    writePidFile(root, contents);
    Detection minimal = new MinimalWorkerDetector(root).detect();
    assertEquals("invalid", minimal.outcome(), minimal.reason());
    assertFalse(
        minimal.isRunning(),
        "PID 0 and -1 address groups of processes; they must never read as running");
    Detection d = new WorkerDetector(root).detect();
    Detection.Invalid i = assertInstanceOf(Detection.Invalid.class, d, d.reason());
    assertTrue(i.cleanedUp());
    assertTrue(d.pid().isEmpty());
    assertFalse(pidFileExists(root));
    List<String> log = logLines(root);
    assertEquals(1, log.size());
    assertTrue(log.get(0).contains("removed invalid PID file"), log.get(0));
  }

  // ---- DESIGN: PID 1, the caller's own and its parent's get no shortcut
  // ------------------------------

  @Test
  void pid_1_is_not_the_worker_unless_its_identity_verifies() throws Exception {
    assumeTrue(ProcessHandle.of(1).isPresent(), "PID 1 is visible");
    writePidFile(root, "1\n");
    Detection d = new WorkerDetector(root).detect();
    assertInstanceOf(Detection.Stale.class, d, d.reason());
    assertTrue(ProcessHandle.of(1).isPresent());
  }

  @Test
  void the_callers_own_pid_is_not_the_worker_unless_its_identity_verifies() throws Exception {
    long self = ProcessHandle.current().pid();
    writePidFile(root, self + "\n");
    Detection d = new MinimalWorkerDetector(root).detect();
    assertInstanceOf(Detection.Stale.class, d, d.reason());
    assertEquals(self, d.pid().getAsInt());
    // A record that pins us (this PID, boot and start time, this root) is what identity means:
    // only a worker writes one about itself, so the caller is taken at the record's word.
    writeIdentity(root, ProcessFacts.identityOfSelf(root.toRealPath().toString()));
    Detection pinned = new MinimalWorkerDetector(root).detect();
    assertInstanceOf(Detection.Running.class, pinned, pinned.reason());
    assertEquals(self, pinned.pid().getAsInt());
  }

  @Test
  void a_record_forged_to_pin_a_live_stranger_reads_as_running_but_stop_never_signals_it()
      throws Exception {
    Process sleep = Processes.sleep();
    try {
      // Whoever can write .code-query/ can write this record; the marker check before a signal
      // keeps them from making stop kill a process that is not a worker.
      writeIdentity(
          root,
          new WorkerIdentity(
              (int) sleep.pid(),
              startTicks(sleep.pid()),
              sleep.info().startInstant().orElseThrow().toEpochMilli(),
              ProcessTable.system().bootId(),
              root.toRealPath().toString()));
      writePidFile(root, sleep.pid() + "\n");
      Detection d = new WorkerDetector(root).detect();
      assertInstanceOf(Detection.Running.class, d, d.reason());
      StopResult stop = new StopWorker(ProjectLayout.of(root), Duration.ofSeconds(5)).run();
      StopResult.Refused refused = assertInstanceOf(StopResult.Refused.class, stop, stop::toString);
      assertTrue(refused.reason().contains("worker marker"), refused.reason());
      assertTrue(sleep.isAlive(), "stop signalled a process that is not a worker");
      assertTrue(pidFileExists(root));
    } finally {
      Processes.kill(sleep);
    }
  }

  @Test
  void the_callers_parent_pid_is_not_the_worker_unless_its_identity_verifies() throws Exception {
    long parent = ProcessHandle.current().parent().orElseThrow().pid();
    writePidFile(root, parent + "\n");
    Detection d = new WorkerDetector(root).detect();
    assertInstanceOf(Detection.Stale.class, d, d.reason());
    assertTrue(ProcessHandle.of(parent).isPresent(), "the parent must be left alone");
  }

  // ---- Zombies and processes that vanish during the check
  // -------------------------------------------

  @Test
  void a_zombie_that_exited_but_was_not_reaped_is_stale() throws Exception {
    assumeFalse(PORTABLE, "ProcessHandle cannot tell a zombie from a live process");
    Process parent =
        new ProcessBuilder(
                "python3",
                "-c",
                "import os, sys, time\n"
                    + "pid = os.fork()\n"
                    + "if pid == 0:\n"
                    + "    os._exit(0)\n"
                    + "print(pid, flush=True)\n"
                    + "time.sleep(1000)\n")
            .start();
    try {
      int zombie =
          Integer.parseInt(
              new BufferedReader(
                      new InputStreamReader(parent.getInputStream(), StandardCharsets.US_ASCII))
                  .readLine()
                  .strip());
      Path stat = Path.of("/proc", Integer.toString(zombie), "stat");
      await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(stat).contains(") Z "));
      writePidFile(root, zombie + "\n");
      Detection d = new WorkerDetector(root).detect();
      assertInstanceOf(Detection.Stale.class, d, d.reason());
      assertTrue(d.reason().contains("zombie"), d.reason());
      assertTrue(d.cleanedUp());
    } finally {
      Processes.kill(parent);
    }
  }

  @Test
  void processes_that_exit_during_the_check_are_stale_or_not_running_never_an_exception()
      throws Exception {
    for (int i = 0; i < 40; i++) {
      Process p = new ProcessBuilder("true").start();
      writePidFile(root, p.pid() + "\n");
      Detection minimal = new MinimalWorkerDetector(root).detect();
      assertTrue(STALE_OR_GONE.contains(minimal.outcome()), minimal.toString());
      Detection full = new WorkerDetector(root).detect();
      assertTrue(STALE_OR_GONE.contains(full.outcome()), full.toString());
      p.waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void processes_killed_while_detectors_spin_are_stale_or_not_running_never_an_exception()
      throws Exception {
    AtomicBoolean done = new AtomicBoolean();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<String> wrong = Collections.synchronizedList(new ArrayList<>());
    Runnable spin =
        () -> {
          try {
            while (!done.get()) {
              for (Detection d :
                  List.of(
                      new MinimalWorkerDetector(root).detect(),
                      new WorkerDetector(root).detect())) {
                if (!STALE_OR_GONE.contains(d.outcome())) {
                  wrong.add(d.toString());
                }
              }
            }
          } catch (Throwable t) {
            failure.set(t);
          }
        };
    Files.createDirectories(ProjectLayout.of(root).dir());
    CompletableFuture<Void> a = CompletableFuture.runAsync(spin);
    CompletableFuture<Void> b = CompletableFuture.runAsync(spin);
    try {
      for (int i = 0; i < 20; i++) {
        Process sleep = Processes.sleep();
        AtomicFiles.write(pidFile(root), (sleep.pid() + "\n").getBytes(StandardCharsets.US_ASCII));
        Processes.kill(sleep);
      }
    } finally {
      done.set(true);
      a.get(60, TimeUnit.SECONDS);
      b.get(60, TimeUnit.SECONDS);
    }
    assertEquals(null, failure.get());
    assertEquals(List.of(), wrong);
  }

  // ---- Edge: PID file not readable (permissions); process not accessible (permissions)
  // ------------

  @Test
  void an_unreadable_pid_file_is_unknown_and_nothing_is_removed() throws Exception {
    Path project = ClassDirs.worldReadableDir("cq-unreadable-");
    try {
      ProjectLayout layout = ProjectLayout.of(project);
      Files.createDirectories(layout.dir());
      // World-writable: user nobody could remove the PID file; only the detector's rules stop it.
      Files.setPosixFilePermissions(layout.dir(), PosixFilePermissions.fromString("rwxrwxrwx"));
      writePidFile(project, deadPid() + "\n");
      Files.setPosixFilePermissions(layout.pidFile(), PosixFilePermissions.fromString("---------"));
      String before = Files.readString(layout.pidFile());

      for (String mode : List.of("minimal", "full")) {
        String line = ClassDirs.detectAsNobody(false, mode, project.toString());
        assertTrue(line.startsWith("unknown - false "), mode + ": " + line);
        assertTrue(line.contains("permission denied"), line);
      }
      assertEquals(before, Files.readString(layout.pidFile()));
      assertFalse(Files.exists(layout.logFile()), "nothing to log: nothing was removed");
    } finally {
      deleteTree(project);
    }
  }

  @Test
  void a_worker_of_another_user_is_running_to_a_detector_that_may_not_signal_it() throws Exception {
    Path project = ClassDirs.worldReadableDir("cq-other-user-");
    try (RealWorker w = RealWorker.start(project)) {
      Files.setPosixFilePermissions(
          ProjectLayout.of(project).dir(), PosixFilePermissions.fromString("rwxrwxrwx"));
      String line = ClassDirs.detectAsNobody(false, "full", project.toString());
      assertTrue(line.startsWith("running " + w.pid() + " false"), line);
      assertEquals(w.pid() + "\n", pidFileText(project));
    } finally {
      deleteTree(project);
    }
  }

  @Test
  void a_worker_hidden_from_the_detector_by_hidepid_is_unknown_and_its_pid_file_is_kept()
      throws Exception {
    assumeFalse(PORTABLE, "hidepid is a /proc mount option");
    assumeTrue(
        ClassDirs.canHideProcesses(),
        "needs root with CAP_SYS_ADMIN to mount a private /proc with hidepid");
    Path project = ClassDirs.worldReadableDir("cq-hidden-");
    try (RealWorker w = RealWorker.start(project)) {
      // The specification deletes the PID file when the process is not accessible (AccessDenied),
      // orphaning a live worker. Here nobody could delete it, and must not.
      Files.setPosixFilePermissions(
          ProjectLayout.of(project).dir(), PosixFilePermissions.fromString("rwxrwxrwx"));
      for (String mode : List.of("minimal", "full")) {
        String line = ClassDirs.detectAsNobody(true, mode, project.toString());
        assertTrue(line.startsWith("unknown " + w.pid() + " false"), mode + ": " + line);
      }
      assertEquals(w.pid() + "\n", pidFileText(project));
      assertTrue(new WorkerDetector(project).detect().isRunning());
    } finally {
      deleteTree(project);
    }
  }

  // ---- Checklist: thread-safe file operations; DESIGN: cleanup never removes a newer worker's
  // file ---

  @Test
  void cleanup_never_removes_a_pid_file_that_a_newer_worker_wrote_after_the_check_began()
      throws Exception {
    writeConfig(root, 3600); // no self-check repairs during the test
    try (RealWorker w = RealWorker.start(root)) {
      ProjectLayout layout = ProjectLayout.of(root);
      int dead = deadPid();
      Files.writeString(layout.pidFile(), dead + "\n"); // what the detector will first see: stale
      // As if the newer worker had not taken its lock yet: the lock file moves aside (its inode,
      // and so the worker's lock, stays) and comes back when the worker "starts". The worker is
      // frozen meanwhile: awake, it would take the path again the moment the file left it.
      Path lockAside = layout.dir().resolve("worker.lock.aside");
      Processes.freeze(w.pid());
      Files.move(layout.instanceLockFile(), lockAside);

      CompletableFuture<Detection> detection;
      Thread[] detector = new Thread[1];
      try (PidFileMutex held =
          PidFileMutex.acquire(layout.pidMutexFile(), Duration.ofSeconds(30))) {
        detection =
            CompletableFuture.supplyAsync(
                () -> {
                  detector[0] = Thread.currentThread();
                  return new WorkerDetector(root).detect();
                });
        // The detector saw the stale file and now waits for the mutex to remove it.
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> detector[0] != null && detector[0].getState() == Thread.State.TIMED_WAITING);
        assertTrue(pidFileExists(root));
        // Meanwhile the newer worker takes its lock and writes its PID file, as workers do:
        // atomically, under the mutex.
        Files.move(lockAside, layout.instanceLockFile());
        Processes.signal(w.pid(), "CONT");
        AtomicFiles.write(layout.pidFile(), (w.pid() + "\n").getBytes(StandardCharsets.US_ASCII));
      }
      Detection d = detection.get(60, TimeUnit.SECONDS);
      assertEquals(w.pid() + "\n", pidFileText(root), "the newer worker's PID file survived");
      assertInstanceOf(Detection.Running.class, d, d.reason());
      assertTrue(logLines(root).stream().noneMatch(l -> l.contains("[detector]")));
    }
  }

  @Test
  void a_pid_file_removed_by_someone_else_during_cleanup_is_not_running_not_an_error()
      throws Exception {
    ProjectLayout layout = ProjectLayout.of(root);
    writePidFile(root, deadPid() + "\n");
    CompletableFuture<Detection> detection;
    Thread[] detector = new Thread[1];
    try (PidFileMutex held = PidFileMutex.acquire(layout.pidMutexFile(), Duration.ofSeconds(30))) {
      detection =
          CompletableFuture.supplyAsync(
              () -> {
                detector[0] = Thread.currentThread();
                return new WorkerDetector(root).detect();
              });
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> detector[0] != null && detector[0].getState() == Thread.State.TIMED_WAITING);
      Files.delete(layout.pidFile());
    }
    Detection d = detection.get(60, TimeUnit.SECONDS);
    assertEquals("not_running", d.outcome(), d.reason());
    assertFalse(d.cleanedUp());
  }

  /**
   * A dead worker's start, as the record of a PID reused later holds it. Where only start instants
   * are compared (the portable table, within 1.5 s), a PID reused within seconds of the worker's
   * start would pass for it; the kernel hands out a PID again only after the whole PID range, so
   * the record is made an hour older. On /proc the start ticks decide.
   */
  private static long earlier(long startMillis) {
    return startMillis - 3_600_000;
  }

  private static void awaitMarker(Process forged) {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                Processes.cmdline(forged.pid()).stream()
                    .anyMatch(a -> a.startsWith("-Dcode-query.worker=")));
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
