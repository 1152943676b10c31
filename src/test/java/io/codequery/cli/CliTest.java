package io.codequery.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.codequery.testing.Processes;
import io.codequery.testing.RealWorker;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The CLI in process: {@link Main#execute} with string writers, against real files and real
 * processes. Every row of the outcome table, through {@code worker status} and its JSON.
 */
@EnabledOnOs(OS.LINUX)
class CliTest {
  private static final Duration SLOW = Duration.ofSeconds(60);

  @TempDir Path dir;

  record Run(int code, String out, String err) {
    JsonObject json() {
      JsonElement e = JsonParser.parseString(out);
      assertTrue(e.isJsonObject(), () -> "not one JSON object: " + out + "\nstderr: " + err);
      return e.getAsJsonObject();
    }

    /** The human status: exactly one line. */
    String line() {
      List<String> lines = out.lines().toList();
      assertEquals(1, lines.size(), () -> "expected one line, got:\n" + out + "\nstderr: " + err);
      return lines.get(0);
    }
  }

  static Run cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.execute(args, new PrintWriter(out), new PrintWriter(err));
    return new Run(code, out.toString(), err.toString());
  }

  static Run status(Path root, String... more) {
    String[] args = new String[3 + more.length];
    args[0] = "worker";
    args[1] = "status";
    args[2] = "--project-root=" + root;
    System.arraycopy(more, 0, args, 3, more.length);
    return cli(args);
  }

  private Path root() throws IOException {
    return dir.toRealPath();
  }

  private Path pidFile() throws IOException {
    return root().resolve(".code-query/worker.pid");
  }

  private void writePidFile(String content) throws IOException {
    Files.createDirectories(pidFile().getParent());
    Files.writeString(pidFile(), content, StandardCharsets.UTF_8);
  }

  /** The keys and types of the status JSON, as DESIGN promises them. */
  private void assertStatusJson(JsonObject j, String outcome, Integer pid, boolean cleanedUp)
      throws IOException {
    assertEquals(
        Set.of("outcome", "pid", "reason", "pid_file", "cleaned_up"), j.keySet(), j::toString);
    assertAll(
        () -> assertEquals(outcome, j.get("outcome").getAsString(), j::toString),
        () -> {
          if (pid == null) {
            assertTrue(j.get("pid").isJsonNull(), j::toString);
          } else {
            assertEquals(pid.intValue(), j.get("pid").getAsInt(), j::toString);
          }
        },
        () -> assertFalse(j.get("reason").getAsString().isBlank(), j::toString),
        () -> assertTrue(Path.of(j.get("pid_file").getAsString()).isAbsolute(), j::toString),
        () -> assertEquals(pidFile().toString(), j.get("pid_file").getAsString()),
        () -> assertEquals(cleanedUp, j.get("cleaned_up").getAsBoolean(), j::toString));
  }

  // ---- not_running -------------------------------------------------------------------------

  @Test
  void no_pid_file_is_not_running_with_exit_3() throws IOException {
    Run human = status(root());
    assertEquals(3, human.code(), human::toString);
    assertTrue(human.line().startsWith("✗ not running"), human::toString);

    Run json = status(root(), "--json");
    assertEquals(3, json.code(), json::toString);
    assertStatusJson(json.json(), "not_running", null, false);
  }

  @Test
  void project_root_is_accepted_before_between_and_after_the_subcommands() throws IOException {
    String r = root().toString();
    List<String[]> spellings =
        List.of(
            new String[] {"--project-root", r, "worker", "status", "--json"},
            new String[] {"worker", "--project-root", r, "status", "--json"},
            new String[] {"worker", "status", "--project-root", r, "--json"},
            new String[] {"worker", "status", "--json", "--project-root=" + r});
    for (String[] args : spellings) {
      Run run = cli(args);
      assertEquals(3, run.code(), () -> String.join(" ", args) + " -> " + run);
      assertEquals(
          pidFile().toString(), run.json().get("pid_file").getAsString(), String.join(" ", args));
    }
  }

  @Test
  void a_relative_or_unnormalised_project_root_is_reported_as_an_absolute_real_path()
      throws IOException {
    Files.createDirectories(root().resolve("sub"));
    Run run = status(root().resolve("sub/.."), "--json");
    assertEquals(3, run.code(), run::toString);
    assertEquals(pidFile().toString(), run.json().get("pid_file").getAsString());
  }

  // ---- stale --------------------------------------------------------------------------------

  @Test
  void pid_of_a_dead_process_is_stale_removed_and_logged_with_exit_1() throws Exception {
    Process gone = Processes.sleep();
    int pid = (int) gone.pid();
    Processes.kill(gone);
    writePidFile(pid + "\n");

    Run json = status(root(), "--json");

    assertEquals(1, json.code(), json::toString);
    assertStatusJson(json.json(), "stale", pid, true);
    assertTrue(json.json().get("reason").getAsString().contains("gone"), json::toString);
    assertFalse(
        Files.exists(pidFile(), LinkOption.NOFOLLOW_LINKS), "stale PID file must be removed");
    String log = Files.readString(root().resolve(".code-query/worker.log"));
    assertTrue(log.contains("removed stale PID file (PID " + pid), log);
  }

  @Test
  void stale_human_output_is_one_line_saying_the_file_was_removed() throws Exception {
    Process gone = Processes.sleep();
    int pid = (int) gone.pid();
    Processes.kill(gone);
    writePidFile(pid + "\n");

    Run human = status(root());

    assertEquals(1, human.code(), human::toString);
    String line = human.line();
    assertTrue(line.startsWith("✗ not running — removed stale PID file (PID " + pid), line);
    assertFalse(Files.exists(pidFile(), LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void pid_reused_by_an_unrelated_process_is_stale_and_the_process_is_left_alone()
      throws Exception {
    Process stranger = Processes.sleep();
    try {
      writePidFile(stranger.pid() + "\n");

      Run json = status(root(), "--json");

      assertEquals(1, json.code(), json::toString);
      assertStatusJson(json.json(), "stale", (int) stranger.pid(), true);
      assertTrue(
          json.json().get("reason").getAsString().contains("another process"), json::toString);
      assertFalse(Files.exists(pidFile(), LinkOption.NOFOLLOW_LINKS));
      assertTrue(stranger.isAlive(), "status must never signal a process it has not verified");
    } finally {
      Processes.kill(stranger);
    }
  }

  @Test
  void pid_of_another_projects_worker_is_stale() throws Exception {
    Process other = Processes.forgedWorker("/some/other/project");
    try {
      writePidFile(other.pid() + "\n");

      Run json = status(root(), "--json");

      assertEquals(1, json.code(), json::toString);
      assertStatusJson(json.json(), "stale", (int) other.pid(), true);
      assertTrue(
          json.json().get("reason").getAsString().contains("another project"), json::toString);
      assertTrue(other.isAlive());
    } finally {
      Processes.kill(other);
    }
  }

  // ---- invalid ------------------------------------------------------------------------------

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(
      strings = {
        "",
        "\n",
        "abc\n",
        "0\n",
        "-1\n",
        "+42\n",
        "12 34\n",
        "4242\n4243\n",
        "99999999999999999999\n",
        "4194305\n",
        "\u0664\u0662\n",
        "12a\n"
      })
  void unparseable_pid_file_is_invalid_removed_with_exit_1(String content) throws IOException {
    writePidFile(content);

    Run json = status(root(), "--json");

    assertEquals(1, json.code(), json::toString);
    assertStatusJson(json.json(), "invalid", null, true);
    assertFalse(
        Files.exists(pidFile(), LinkOption.NOFOLLOW_LINKS), "invalid PID file must be removed");
    assertTrue(
        Files.readString(root().resolve(".code-query/worker.log"))
            .contains("removed invalid PID file"));
  }

  @Test
  void invalid_human_output_is_one_line() throws IOException {
    writePidFile("-1\n");

    Run human = status(root());

    assertEquals(1, human.code(), human::toString);
    assertTrue(
        human.line().startsWith("✗ not running — removed invalid PID file ("), human::toString);
  }

  // ---- unknown ------------------------------------------------------------------------------

  @Test
  void pid_file_that_is_a_directory_is_unknown_with_exit_4_and_kept() throws IOException {
    Files.createDirectories(pidFile());

    Run json = status(root(), "--json");

    assertEquals(4, json.code(), json::toString);
    assertStatusJson(json.json(), "unknown", null, false);
    assertTrue(json.json().get("reason").getAsString().contains("directory"), json::toString);
    assertTrue(Files.isDirectory(pidFile()), "nothing is removed for unknown");

    Run human = status(root());
    assertEquals(4, human.code());
    assertTrue(human.line().contains("unknown"), human::toString);
  }

  @Test
  void pid_file_that_is_a_fifo_is_unknown_without_blocking() throws Exception {
    Files.createDirectories(pidFile().getParent());
    Process mkfifo = new ProcessBuilder("mkfifo", pidFile().toString()).inheritIO().start();
    assertEquals(0, mkfifo.waitFor());

    // Opening a FIFO for reading blocks until a writer comes: the detector must never open it.
    Run json = assertTimeoutPreemptively(SLOW, () -> status(root(), "--json"));

    assertEquals(4, json.code(), json::toString);
    assertStatusJson(json.json(), "unknown", null, false);
    assertTrue(json.json().get("reason").getAsString().contains("FIFO"), json::toString);
    assertTrue(
        Files.exists(pidFile(), LinkOption.NOFOLLOW_LINKS), "nothing is removed for unknown");
  }

  @Test
  void live_process_with_worker_argv_but_no_identity_record_is_unknown_and_kept() throws Exception {
    Process forged = Processes.forgedWorker(root().toString());
    try {
      writePidFile(forged.pid() + "\n");

      Run json = status(root(), "--json");

      assertEquals(4, json.code(), json::toString);
      assertStatusJson(json.json(), "unknown", (int) forged.pid(), false);
      assertTrue(json.json().get("reason").getAsString().contains("identity"), json::toString);
      assertTrue(Files.exists(pidFile()), "nothing is removed for unknown");
      assertTrue(forged.isAlive());

      Run human = status(root());
      assertEquals(4, human.code());
      assertTrue(human.line().contains("unknown"), human::toString);
    } finally {
      Processes.kill(forged);
    }
  }

  // ---- init ---------------------------------------------------------------------------------

  @Test
  void init_creates_a_valid_default_config() throws IOException {
    Run run = cli("init", "--project-root", root().toString());

    assertEquals(0, run.code(), run::toString);
    Path config = root().resolve(".code-query/config.json");
    assertTrue(run.out().contains("created " + config), run::toString);
    JsonObject c = JsonParser.parseString(Files.readString(config)).getAsJsonObject();
    assertEquals(root().getFileName().toString(), c.get("dataset_name").getAsString());
    assertTrue(c.getAsJsonObject("processing").has("fallback"), c::toString);
  }

  @Test
  void init_is_idempotent_and_keeps_an_existing_config() throws IOException {
    Path config = root().resolve(".code-query/config.json");
    Files.createDirectories(config.getParent());
    String mine = "{\"dataset_name\": \"mine\", \"model\": \"opus\"}\n";
    Files.writeString(config, mine);

    Run first = cli("init", "--project-root", root().toString());
    Run second = cli("--project-root", root().toString(), "init");

    assertEquals(0, first.code(), first::toString);
    assertEquals(0, second.code(), second::toString);
    assertTrue(first.out().contains("already initialised"), first::toString);
    assertEquals(mine, Files.readString(config), "an existing config is kept byte for byte");
  }

  @Test
  void init_reports_a_broken_config_naming_the_file_with_exit_2() throws IOException {
    Path config = root().resolve(".code-query/config.json");
    Files.createDirectories(config.getParent());
    Files.writeString(config, "{\"dataset_name\": \"x\",,,\n");

    Run run = cli("init", "--project-root", root().toString());

    assertEquals(2, run.code(), run::toString);
    List<String> lines = run.err().lines().toList();
    assertEquals(1, lines.size(), () -> "one clear line, got:\n" + run.err());
    assertTrue(lines.get(0).startsWith("✗ " + config + ": not valid JSON"), run::toString);
    assertFalse(run.err().contains("Exception"), "no stack trace for a user error:\n" + run.err());
    assertFalse(
        run.err().contains("LENIENT"), "no library hints meant for programmers:\n" + run.err());
    assertEquals(
        "{\"dataset_name\": \"x\",,,\n",
        Files.readString(config),
        "a broken config is left for the user to fix");
  }

  @Test
  void init_reports_a_config_with_a_wrong_value_naming_file_and_key() throws IOException {
    Path config = root().resolve(".code-query/config.json");
    Files.createDirectories(config.getParent());
    Files.writeString(config, "{\"processing\": {\"fallback\": \"later\"}}");

    Run run = cli("init", "--project-root", root().toString());

    assertEquals(2, run.code(), run::toString);
    assertTrue(run.err().contains(config.toString()), run::toString);
    assertTrue(run.err().contains("processing.fallback"), run::toString);
  }

  // ---- health and info without a worker -----------------------------------------------------

  @Test
  void health_without_a_worker_is_unhealthy_with_exit_1() throws IOException {
    Run json = cli("worker", "health", "--json", "--project-root", root().toString());

    assertEquals(1, json.code(), json::toString);
    JsonObject j = json.json();
    assertEquals("unhealthy", j.get("status").getAsString());
    assertFalse(j.get("is_running").getAsBoolean());
    JsonObject checks = j.getAsJsonObject("checks");
    assertEquals(
        List.of(
            "pid_file_exists",
            "pid_file_readable",
            "process_exists",
            "process_is_worker",
            "process_responsive"),
        List.copyOf(checks.keySet()));
    checks.entrySet().forEach(e -> assertFalse(e.getValue().getAsBoolean(), e.getKey()));

    Run human = cli("worker", "health", "--project-root", root().toString());
    assertEquals(1, human.code());
    assertTrue(human.out().startsWith("✗ unhealthy"), human::toString);
    assertTrue(human.out().contains("✗ pid_file_exists"), human::toString);
  }

  @Test
  void info_without_a_worker_answers_as_status_does() throws IOException {
    Run json = cli("worker", "info", "--json", "--project-root", root().toString());

    assertEquals(3, json.code(), json::toString);
    assertStatusJson(json.json(), "not_running", null, false);
  }

  static void deleteTree(Path top) throws IOException {
    if (top == null || !Files.exists(top, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (var paths = Files.walk(top)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  // ---- against a real worker ----------------------------------------------------------------

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  @Tag("slow")
  class WithARealWorker {
    Path workerDir;
    RealWorker worker;
    Path wroot;

    @BeforeAll
    void startWorker() throws IOException {
      workerDir = Files.createTempDirectory("cli-worker-");
      worker = RealWorker.start(workerDir);
      wroot = worker.root();
    }

    @AfterAll
    void stopWorker() throws Exception {
      if (worker != null) {
        worker.close();
      }
      deleteTree(workerDir);
    }

    @Test
    void status_is_running_with_exit_0() {
      Run human = status(wroot);
      assertEquals(0, human.code(), human::toString);
      assertEquals("✓ running — PID " + worker.pid(), human.line());

      Run json = status(wroot, "--json");
      assertEquals(0, json.code(), json::toString);
      JsonObject j = json.json();
      assertEquals(Set.of("outcome", "pid", "reason", "pid_file", "cleaned_up"), j.keySet());
      assertEquals("running", j.get("outcome").getAsString());
      assertEquals(worker.pid(), j.get("pid").getAsInt());
      assertEquals(
          wroot.resolve(".code-query/worker.pid").toString(), j.get("pid_file").getAsString());
      assertFalse(j.get("cleaned_up").getAsBoolean());
      assertTrue(worker.process().isAlive());
    }

    @Test
    void health_is_healthy_with_exit_0_and_every_check_ticked() {
      // The worker writes its first heartbeat before it says ready; allow for a busy machine
      // anyway.
      Run json =
          await()
              .atMost(SLOW)
              .until(
                  () -> cli("worker", "health", "--json", "--project-root", wroot.toString()),
                  r -> r.code() == 0);
      JsonObject j = json.json();
      assertEquals("healthy", j.get("status").getAsString(), j::toString);
      assertTrue(j.get("is_running").getAsBoolean());
      assertEquals(worker.pid(), j.get("pid").getAsInt());
      JsonObject checks = j.getAsJsonObject("checks");
      assertEquals(
          List.of(
              "pid_file_exists",
              "pid_file_readable",
              "process_exists",
              "process_is_worker",
              "process_responsive"),
          List.copyOf(checks.keySet()));
      checks.entrySet().forEach(e -> assertTrue(e.getValue().getAsBoolean(), e.getKey()));
      assertTrue(j.get("heartbeat_age_seconds").getAsDouble() >= 0, j::toString);
      assertEquals(
          wroot.resolve(".code-query/worker.log").toString(), j.get("log_file").getAsString());

      Run human =
          await()
              .atMost(SLOW)
              .until(
                  () -> cli("worker", "health", "--project-root", wroot.toString()),
                  r -> r.code() == 0);
      assertTrue(human.out().startsWith("✓ healthy"), human::toString);
      for (String check : checks.keySet()) {
        assertTrue(human.out().contains("✓ " + check), human::toString);
      }
    }

    @Test
    void info_describes_the_worker_process() {
      Run json = cli("worker", "info", "--json", "--project-root", wroot.toString());

      assertEquals(0, json.code(), json::toString);
      JsonObject j = json.json();
      assertAll(
          () -> assertEquals(worker.pid(), j.get("pid").getAsInt()),
          () -> assertFalse(j.get("status").getAsString().isBlank(), j::toString),
          () -> {
            long createMillis = (long) (j.get("create_time").getAsDouble() * 1000);
            long actual = worker.process().info().startInstant().orElseThrow().toEpochMilli();
            assertTrue(Math.abs(createMillis - actual) < 5_000, j::toString);
          },
          () -> assertTrue(j.get("cpu_percent").getAsDouble() >= 0, j::toString),
          () -> {
            JsonObject mem = j.getAsJsonObject("memory_info");
            assertEquals(Set.of("rss", "vms", "percent"), mem.keySet());
            assertTrue(mem.get("rss").getAsLong() > 0, j::toString);
            assertTrue(mem.get("vms").getAsLong() >= mem.get("rss").getAsLong(), j::toString);
            double pct = mem.get("percent").getAsDouble();
            assertTrue(pct > 0 && pct <= 100, j::toString);
          },
          () -> assertTrue(j.get("num_threads").getAsInt() > 0, j::toString),
          () -> {
            List<String> cmd =
                j.getAsJsonArray("cmdline").asList().stream()
                    .map(JsonElement::getAsString)
                    .toList();
            assertTrue(cmd.contains("-Dcode-query.worker=" + wroot), cmd::toString);
            assertTrue(cmd.contains("io.codequery.cli.Main"), cmd::toString);
          });

      Run human = cli("worker", "info", "--project-root", wroot.toString());
      assertEquals(0, human.code(), human::toString);
      assertTrue(human.out().startsWith("✓ running — PID " + worker.pid()), human::toString);
      assertTrue(human.out().contains("threads: "), human::toString);
    }
  }
}
