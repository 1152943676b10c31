package io.codequery.os;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.codequery.testing.Processes;
import io.codequery.testing.ProjectFiles;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Both implementations against real processes, real locks and this machine's boot. */
@EnabledOnOs(OS.LINUX)
class ProcessTableTest {
  @TempDir Path dir;

  static Stream<ProcessTable> tables() {
    return Stream.of(new ProcFsProcessTable(), new PortableProcessTable());
  }

  @ParameterizedTest
  @MethodSource("tables")
  void a_live_process_is_alive_with_its_command_line_and_start(ProcessTable os) throws Exception {
    Instant before = Instant.now().minusSeconds(2);
    Process sleep = Processes.sleep();
    try {
      int pid = (int) sleep.pid();
      assertEquals(ProcessStatus.Presence.ALIVE, os.status(pid).presence());
      List<String> argv = os.commandLine(pid).orElseThrow();
      assertEquals("1000", argv.get(argv.size() - 1), argv.toString());
      Instant start = os.startInstant(pid).orElseThrow();
      assertTrue(start.isAfter(before) && start.isBefore(Instant.now().plusSeconds(2)), "" + start);
      assertTrue(os.executable(pid).orElseThrow().endsWith("sleep"));
    } finally {
      Processes.kill(sleep);
    }
  }

  @ParameterizedTest
  @MethodSource("tables")
  void a_reaped_process_is_gone(ProcessTable os) throws Exception {
    int pid = ProjectFiles.deadPid();
    assertEquals(ProcessStatus.Presence.GONE, os.status(pid).presence());
    assertTrue(os.commandLine(pid).isEmpty());
  }

  @Test
  void proc_tells_a_zombie_and_a_stopped_process_and_their_start_ticks() throws Exception {
    ProcessTable os = new ProcFsProcessTable();
    Process parent =
        new ProcessBuilder(
                "python3",
                "-c",
                "import os, time\npid = os.fork()\nif pid == 0:\n    os._exit(0)\n"
                    + "print(pid, flush=True)\ntime.sleep(1000)\n")
            .start();
    Process sleep = Processes.sleep();
    try {
      int zombie =
          Integer.parseInt(
              new BufferedReader(
                      new InputStreamReader(parent.getInputStream(), StandardCharsets.US_ASCII))
                  .readLine()
                  .strip());
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> os.status(zombie).presence() == ProcessStatus.Presence.EXITED);
      ProjectFiles.signal(sleep.pid(), "STOP");
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> os.status((int) sleep.pid()).stat().orElseThrow().isStopped());
      assertTrue(os.status((int) sleep.pid()).isAlive(), "a stopped process is alive");
      assertTrue(os.status((int) sleep.pid()).stat().orElseThrow().startTicks() > 0);
    } finally {
      Processes.kill(sleep);
      Processes.kill(parent);
    }
  }

  @Test
  void the_boot_id_is_the_kernels_and_the_portable_one_is_pid_1s_start() throws Exception {
    String bootId = Files.readString(ProcPath.BOOT_ID).strip();
    assertEquals(bootId, new ProcFsProcessTable().bootId());
    String portable = new PortableProcessTable().bootId();
    assertTrue(portable.matches("init-started=\\d+"), portable);
    assertEquals(portable, new PortableProcessTable().bootId(), "stable from one JVM to the next");
  }

  @Test
  void the_owner_of_a_process_is_its_effective_user_where_proc_tells() throws Exception {
    ProcessTable proc = new ProcFsProcessTable();
    int self = (int) ProcessHandle.current().pid();
    int uid = (Integer) Files.getAttribute(dir, "unix:uid");
    assertEquals(OptionalInt.of(uid), proc.ownerUid(self));
    assertEquals(uid, proc.effectiveUid());
    assertEquals(OptionalInt.empty(), new PortableProcessTable().ownerUid(self));
  }

  @Test
  void proc_lists_the_fcntl_holder_of_a_file_and_not_a_flock_holder() throws Exception {
    ProcessTable os = new ProcFsProcessTable();
    Path fcntl = dir.resolve("fcntl.lock");
    Path flock = dir.resolve("flock.lock");
    Process a = Processes.lockHolder(fcntl, false);
    Process b = Processes.lockHolder(flock, true);
    try {
      assertEquals(new LockHolders.Known(List.of((int) a.pid())), os.lockHolders(fcntl));
      assertEquals(new LockHolders.Known(List.of()), os.lockHolders(flock));
      assertEquals(new LockHolders.Known(List.of()), os.lockHolders(dir.resolve("missing")));
    } finally {
      Processes.kill(a);
      Processes.kill(b);
    }
    assertEquals(new LockHolders.Known(List.of()), os.lockHolders(fcntl), "released at exit");
  }

  @Test
  void the_portable_table_cannot_list_lock_holders() throws Exception {
    Path fcntl = dir.resolve("fcntl.lock");
    Process a = Processes.lockHolder(fcntl, false);
    try {
      assertInstanceOf(
          LockHolders.Unavailable.class, new PortableProcessTable().lockHolders(fcntl));
    } finally {
      Processes.kill(a);
    }
  }

  @Test
  void the_property_chooses_the_implementation_and_a_wrong_value_is_named() {
    assertEquals("proc", ChooseProcessTable.choose(null).name());
    assertEquals("proc", ChooseProcessTable.choose("proc").name());
    assertEquals("portable", ChooseProcessTable.choose("portable").name());
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> ChooseProcessTable.choose("bsd"));
    assertTrue(e.getMessage().contains(ProcessTable.PROPERTY), e.getMessage());
    assertTrue(e.getMessage().contains("\"bsd\""), e.getMessage());
    assertFalse(ChooseProcessTable.choose("").name().isEmpty());
  }
}
