package io.codequery.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.codequery.testing.Processes;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end through the real {@code ./code-query} launcher script, in real git repositories: what
 * a user types, with the exit codes a script would see.
 */
@EnabledOnOs(OS.LINUX)
@Tag("slow")
class LauncherIT {
  private static final Duration SLOW = Duration.ofSeconds(60);

  @TempDir Path tmp;
  private Path root;
  private final List<Process> started = new ArrayList<>();

  record Run(int code, String out, String err) {
    JsonObject json() {
      return JsonParser.parseString(out).getAsJsonObject();
    }
  }

  @BeforeEach
  void freshGitRepository() throws Exception {
    root = tmp.toRealPath().resolve("project");
    Files.createDirectories(root);
    Process git = new ProcessBuilder("git", "init", "-q", root.toString()).inheritIO().start();
    assertTrue(git.waitFor(60, TimeUnit.SECONDS) && git.exitValue() == 0, "git init failed");
  }

  @AfterEach
  void killWorkers() throws InterruptedException {
    for (Process p : started) {
      Processes.kill(p);
    }
  }

  static String launcher() {
    String l = System.getProperty("codequery.launcher");
    assertTrue(
        l != null && Files.isExecutable(Path.of(l)), "system property codequery.launcher: " + l);
    return l;
  }

  /** Runs the launcher to completion in {@code cwd}. */
  private Run codeQuery(Path cwd, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(launcher()));
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile(tmp, "out-", ".txt");
    Path err = Files.createTempFile(tmp, "err-", ".txt");
    Process p =
        new ProcessBuilder(cmd)
            .directory(cwd.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    if (!p.waitFor(SLOW.toSeconds(), TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(
          "code-query " + String.join(" ", args) + " did not finish within " + SLOW);
    }
    return new Run(
        p.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  /** A worker in the background, as a user would with {@code code-query worker run &}. */
  private Process workerInBackground(Path cwd, Path output, String... extra) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(launcher(), "worker", "run"));
    cmd.addAll(List.of(extra));
    Process p =
        new ProcessBuilder(cmd)
            .directory(cwd.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
    started.add(p);
    return p;
  }

  private void awaitReady(Process worker, Path output) {
    await()
        .atMost(SLOW)
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              String text = Files.readString(output, StandardCharsets.UTF_8);
              if (!worker.isAlive() && !text.contains("ready pid=")) {
                throw new AssertionError(
                    "worker exited with " + worker.exitValue() + " before ready:\n" + text);
              }
              return text.contains("ready pid=" + worker.pid());
            });
  }

  private Path pidFile() {
    return root.resolve(".code-query/worker.pid");
  }

  @Test
  void quick_start_init_run_status_in_a_fresh_project() throws Exception {
    Run init = codeQuery(root, "init");
    assertEquals(0, init.code(), init::toString);
    assertTrue(
        init.out().contains("created " + root.resolve(".code-query/config.json")), init::toString);

    Path out = tmp.resolve("worker.out");
    Process worker = workerInBackground(root, out);
    awaitReady(worker, out);

    Run status = codeQuery(root, "worker", "status");
    assertEquals(0, status.code(), status::toString);
    assertEquals("✓ running — PID " + worker.pid(), status.out().strip());
    assertTrue(worker.isAlive());
  }

  @Test
  void status_from_a_nested_directory_finds_the_project_root() throws Exception {
    assertEquals(0, codeQuery(root, "init").code());
    Path nested = Files.createDirectories(root.resolve("sub/dir"));

    // The worker itself, started from deep inside the project, must work for the project root.
    Path out = tmp.resolve("worker.out");
    Process worker = workerInBackground(nested, out);
    awaitReady(worker, out);
    assertTrue(Files.exists(pidFile()), "PID file written under the discovered root");

    Run status = codeQuery(nested, "worker", "status", "--json");
    assertEquals(0, status.code(), status::toString);
    JsonObject j = status.json();
    assertEquals("running", j.get("outcome").getAsString(), j::toString);
    assertEquals(worker.pid(), j.get("pid").getAsLong());
    assertEquals(pidFile().toString(), j.get("pid_file").getAsString());
  }

  @Test
  void the_nearest_code_query_directory_wins_over_the_git_top_level_in_launcher_and_cli_alike()
      throws Exception {
    Path sub = Files.createDirectories(root.resolve("services/api"));
    assertEquals(0, codeQuery(root, "init", "--project-root", sub.toString()).code());
    Path deep = Files.createDirectories(sub.resolve("src/x"));

    // The launcher finds the root for the worker marker in sh, the CLI in Java: they must agree,
    // or the worker would refuse to start (its marker would name another root).
    Path out = tmp.resolve("worker.out");
    Process worker = workerInBackground(deep, out);
    awaitReady(worker, out);

    Run status = codeQuery(deep, "worker", "status", "--json");
    assertEquals(0, status.code(), status::toString);
    assertEquals(
        sub.resolve(".code-query/worker.pid").toString(),
        status.json().get("pid_file").getAsString());
    assertFalse(Files.exists(pidFile()), "nothing written at the git top level");
  }

  @Test
  void without_init_the_git_top_level_is_the_project_root() throws Exception {
    Path nested = Files.createDirectories(root.resolve("a/b/c"));

    Run status = codeQuery(nested, "worker", "status", "--json");

    assertEquals(3, status.code(), status::toString);
    assertEquals(pidFile().toString(), status.json().get("pid_file").getAsString());
  }

  @Test
  void init_from_a_nested_directory_initialises_the_git_top_level() throws Exception {
    Path nested = Files.createDirectories(root.resolve("src/main"));

    Run init = codeQuery(nested, "init");

    assertEquals(0, init.code(), init::toString);
    assertTrue(Files.isRegularFile(root.resolve(".code-query/config.json")));
    assertFalse(Files.exists(nested.resolve(".code-query")));
  }

  @Test
  void outcome_table_through_the_launcher_with_its_exit_codes() throws Exception {
    assertEquals(0, codeQuery(root, "init").code());

    Run none = codeQuery(root, "worker", "status", "--json");
    assertEquals(3, none.code(), none::toString);
    assertEquals("not_running", none.json().get("outcome").getAsString());

    Process gone = Processes.sleep();
    long deadPid = gone.pid();
    Processes.kill(gone);
    Files.writeString(pidFile(), deadPid + "\n");
    Run stale = codeQuery(root, "worker", "status", "--json");
    assertEquals(1, stale.code(), stale::toString);
    assertEquals("stale", stale.json().get("outcome").getAsString());
    assertEquals(deadPid, stale.json().get("pid").getAsLong());
    assertTrue(stale.json().get("cleaned_up").getAsBoolean());
    assertFalse(Files.exists(pidFile(), LinkOption.NOFOLLOW_LINKS));

    Files.writeString(pidFile(), "-1\n");
    Run invalid = codeQuery(root, "worker", "status");
    assertEquals(1, invalid.code(), invalid::toString);
    assertTrue(
        invalid.out().startsWith("✗ not running — removed invalid PID file"), invalid::toString);
    assertFalse(Files.exists(pidFile(), LinkOption.NOFOLLOW_LINKS));

    Files.createDirectory(pidFile());
    Run unknown = codeQuery(root, "worker", "status", "--json");
    assertEquals(4, unknown.code(), unknown::toString);
    assertEquals("unknown", unknown.json().get("outcome").getAsString());
    assertFalse(unknown.json().get("cleaned_up").getAsBoolean());
    assertTrue(Files.isDirectory(pidFile()), "nothing removed for unknown");
    Files.delete(pidFile());

    Path out = tmp.resolve("worker.out");
    Process worker = workerInBackground(root, out);
    awaitReady(worker, out);
    Run running = codeQuery(root, "worker", "status", "--json");
    assertEquals(0, running.code(), running::toString);
    assertEquals("running", running.json().get("outcome").getAsString());
    assertEquals(worker.pid(), running.json().get("pid").getAsLong());
  }

  @Test
  void a_second_worker_run_exits_75_and_the_first_keeps_running() throws Exception {
    assertEquals(0, codeQuery(root, "init").code());
    Path out = tmp.resolve("worker.out");
    Process first = workerInBackground(root, out);
    awaitReady(first, out);

    Run second = codeQuery(root, "worker", "run");

    assertEquals(75, second.code(), second::toString);
    assertTrue(second.err().contains("another worker already runs for " + root), second::toString);
    assertTrue(first.isAlive(), "the first worker keeps running");
    Run status = codeQuery(root, "worker", "status", "--json");
    assertEquals(0, status.code(), status::toString);
    assertEquals(first.pid(), status.json().get("pid").getAsLong());
    assertEquals(
        first.pid() + "\n", Files.readString(pidFile()), "PID file still names the first worker");
  }

  @Test
  void sigterm_stops_the_worker_with_exit_0_removes_its_pid_file_and_logs() throws Exception {
    assertEquals(0, codeQuery(root, "init").code());
    Path out = tmp.resolve("worker.out");
    Process worker = workerInBackground(root, out);
    awaitReady(worker, out);
    long pid = worker.pid();

    worker.destroy(); // SIGTERM

    assertTrue(
        worker.waitFor(SLOW.toSeconds(), TimeUnit.SECONDS), "worker did not exit after SIGTERM");
    assertEquals(0, worker.exitValue(), () -> "exit status after SIGTERM; output:\n" + read(out));
    assertFalse(
        Files.exists(pidFile(), LinkOption.NOFOLLOW_LINKS), "the worker removes its own PID file");
    String log = Files.readString(root.resolve(".code-query/worker.log"));
    assertTrue(log.contains("started pid=" + pid), log);
    assertTrue(log.contains("stopped pid=" + pid), log);

    Run status = codeQuery(root, "worker", "status");
    assertEquals(3, status.code(), status::toString);
  }

  @Test
  void the_launcher_runs_the_worker_niced_with_its_marker_still_first() throws Exception {
    assertEquals(0, codeQuery(root, "init").code());
    Path out = tmp.resolve("worker.out");
    Process worker = workerInBackground(root, out);
    awaitReady(worker, out);
    assertEquals(niceness(ProcessHandle.current().pid()) + 10, niceness(worker.pid()));
    List<String> argv =
        List.of(
            Files.readString(Path.of("/proc/" + worker.pid() + "/cmdline"), StandardCharsets.UTF_8)
                .split("\0"));
    assertTrue(argv.get(0).endsWith("java"), argv.toString());
    assertEquals("-Dcode-query.worker=" + root, argv.get(1));
  }

  @Test
  void help_and_version_work_at_every_level_through_the_launcher() throws Exception {
    for (String[] args :
        List.of(
            new String[] {"help"},
            new String[] {"--help"},
            new String[] {"help", "worker"},
            new String[] {"worker", "status", "--help"},
            new String[] {"worker", "status", "-h"},
            new String[] {"queue", "add", "--help"})) {
      Run r = codeQuery(root, args);
      assertEquals(0, r.code(), () -> String.join(" ", args) + " -> " + r);
      assertTrue(r.out().startsWith("Usage: code-query"), () -> String.join(" ", args) + r);
      assertEquals("", r.err(), () -> String.join(" ", args) + " -> " + r);
    }
    Run version = codeQuery(root, "--version");
    assertEquals(0, version.code(), version::toString);
    assertTrue(version.out().startsWith("code-query worker "), version::toString);
  }

  @Test
  void a_project_root_typo_is_exit_2_in_one_line_on_the_fast_path_and_off_it() throws Exception {
    Path typo = tmp.toRealPath().resolve("typo");
    Path file = Files.writeString(tmp.resolve("file.txt"), "x");
    for (String[] args :
        List.of(
            new String[] {"worker", "status", "--project-root", typo.toString()},
            new String[] {"worker", "status", "--project-root=" + file},
            new String[] {"worker", "start", "--project-root", typo.toString()},
            new String[] {"worker", "run", "--project-root", typo.toString()},
            new String[] {"worker", "run", "--project-root", file.toString()})) {
      Run r = codeQuery(root, args);
      assertEquals(2, r.code(), () -> String.join(" ", args) + " -> " + r);
      assertEquals("", r.out(), () -> String.join(" ", args) + " -> " + r);
      assertEquals(1, r.err().lines().count(), () -> String.join(" ", args) + " -> " + r);
      assertTrue(
          r.err().contains(": no such directory") || r.err().contains(": not a directory"),
          () -> String.join(" ", args) + " -> " + r);
    }
    assertFalse(Files.exists(typo, LinkOption.NOFOLLOW_LINKS), "the typo must not be created");
  }

  @Test
  void the_completion_script_installs_with_one_command_in_bash() throws Exception {
    String script =
        "source <(\"$1\" completion) && complete -p code-query && "
            + "COMP_WORDS=(code-query wor) COMP_CWORD=1 && _complete_code-query && "
            + "printf '%s\\n' \"${COMPREPLY[@]}\"";
    Process p =
        new ProcessBuilder("bash", "-c", script, "bash", launcher())
            .directory(root.toFile())
            .redirectErrorStream(true)
            .start();
    assertTrue(p.waitFor(SLOW.toSeconds(), TimeUnit.SECONDS), "bash did not finish");
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.contains("-F _complete_code-query code-query"), out);
    assertTrue(out.lines().anyMatch("worker"::equals), "completes `wor` to worker: " + out);
  }

  /**
   * A checkout of its own with the launcher and a stand-in for {@code mvn} that writes colour codes
   * as Maven 3.8 does (even with -B), builds by copying the real jars, or fails.
   */
  private Path checkoutWithNoisyMaven(boolean buildFails) throws IOException {
    Path checkout = Files.createDirectories(tmp.resolve("checkout"));
    Files.copy(Path.of(launcher()), checkout.resolve("code-query"));
    Path bin = Files.createDirectories(tmp.resolve("bin"));
    Path jar = Path.of(System.getProperty("codequery.jar"));
    String fakeMaven =
        "#!/bin/sh\n"
            + "printf '\\033[0m\\033[0m'\n"
            + "printf '\\033[1;31m[ERROR]\\033[m noisy maven\\n\\033[0m' >&2\n"
            + (buildFails
                ? "exit 1\n"
                : "mkdir -p target && cp '"
                    + jar
                    + "' target/code-query.jar && cp '"
                    + jar.resolveSibling("code-query-classes.jar")
                    + "' target/code-query-classes.jar\n");
    Path mvn = Files.writeString(bin.resolve("mvn"), fakeMaven);
    assertTrue(mvn.toFile().setExecutable(true));
    return checkout;
  }

  private Run firstUse(Path checkout, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(checkout.resolve("code-query").toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(root.toFile());
    pb.environment().put("PATH", tmp.resolve("bin") + File.pathSeparator + System.getenv("PATH"));
    pb.environment().put("TERM", "dumb");
    Process p = pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(SLOW.toSeconds(), TimeUnit.SECONDS), "the launcher did not finish");
    return new Run(p.exitValue(), out, err);
  }

  @Test
  void the_first_use_build_prints_no_ansi_escape_codes() throws Exception {
    Path checkout = checkoutWithNoisyMaven(false);

    Run r = firstUse(checkout, "--version");

    assertEquals(0, r.code(), r::toString);
    assertFalse((r.out() + r.err()).contains("\u001b"), "no escape codes: " + r);
    assertEquals(
        "code-query: building "
            + checkout.resolve("target/code-query.jar")
            + " (first use; takes a minute)...\n",
        r.err());
    assertTrue(r.out().startsWith("code-query worker "), r::toString);
    assertTrue(
        Files.readString(checkout.resolve("target/build.log")).contains("noisy maven"),
        "Maven's output is kept in target/build.log");
  }

  @Test
  void a_failed_first_use_build_shows_mavens_last_lines_without_escape_codes() throws Exception {
    Path checkout = checkoutWithNoisyMaven(true);

    Run r = firstUse(checkout, "worker", "status");

    assertEquals(2, r.code(), r::toString);
    assertFalse((r.out() + r.err()).contains("\u001b"), "no escape codes: " + r);
    assertTrue(r.err().contains("[ERROR] noisy maven"), r::toString);
    assertTrue(r.err().contains(checkout.resolve("target/build.log").toString()), r::toString);
  }

  @Test
  void a_jar_the_launcher_built_is_built_again_once_the_checkout_is_at_another_commit()
      throws Exception {
    Path checkout = checkoutWithNoisyMaven(false);
    git(checkout, "init", "-q");
    git(checkout, "add", "code-query");
    git(checkout, "commit", "-q", "-m", "one");

    Run first = firstUse(checkout, "--version");
    assertEquals(0, first.code(), first::toString);
    assertTrue(first.err().contains("(first use; takes a minute)"), first::toString);
    assertEquals("", firstUse(checkout, "--version").err(), "built once, then straight to the JVM");

    git(checkout, "commit", "-q", "--allow-empty", "-m", "two"); // as a `git pull` moves it
    String two = git(checkout, "rev-parse", "HEAD");
    Run moved = firstUse(checkout, "--version");
    assertEquals(0, moved.code(), moved::toString);
    assertTrue(
        moved.err().startsWith("code-query: rebuilding ") && moved.err().contains(two),
        moved::toString);
    assertEquals("", firstUse(checkout, "--version").err(), "built again once, not at every call");

    // A jar built by hand after the launcher's own build is taken as it is.
    git(checkout, "commit", "-q", "--allow-empty", "-m", "three");
    Files.setLastModifiedTime(
        checkout.resolve("target/code-query.jar"), FileTime.from(Instant.now().plusSeconds(5)));
    assertEquals("", firstUse(checkout, "--version").err());
  }

  private static String git(Path dir, String... args) throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of("git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", "-C"));
    cmd.add(dir.toString());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, () -> "git failed: " + out);
    return out;
  }

  /** Field 19 of /proc/<pid>/stat. */
  private static int niceness(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"), StandardCharsets.US_ASCII);
    return Integer.parseInt(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[16]);
  }

  private static String read(Path p) {
    try {
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "<" + e + ">";
    }
  }
}
