package io.codequery.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.codequery.testing.CliProcess;
import io.codequery.testing.Processes;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * What a user meets before any worker runs: help at every level, {@code --version}, a {@code
 * --project-root} typo, options out of range, and {@code --json} on every command that reports —
 * its objects and its errors. In process ({@link Main#execute} with string writers), on real files
 * and real git repositories.
 */
@EnabledOnOs(OS.LINUX)
class CliSurfaceTest {
  @TempDir Path dir;

  record Run(int code, String out, String err) {
    JsonObject json() {
      JsonElement e = JsonParser.parseString(out);
      assertTrue(e.isJsonObject(), () -> "not one JSON object: " + this);
      assertEquals(1, out.strip().lines().count(), () -> "one line of JSON: " + this);
      return e.getAsJsonObject();
    }

    @Override
    public String toString() {
      return "exit " + code + "\nstdout: " + out + "\nstderr: " + err;
    }
  }

  static Run cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.execute(args, new PrintWriter(out), new PrintWriter(err));
    return new Run(code, out.toString(), err.toString());
  }

  static String[] with(String[] args, String... more) {
    String[] all = new String[args.length + more.length];
    System.arraycopy(args, 0, all, 0, args.length);
    System.arraycopy(more, 0, all, args.length, more.length);
    return all;
  }

  private Path root() throws IOException {
    return dir.toRealPath();
  }

  // ---- help at every level -------------------------------------------------------------------

  /** Every command of the tree, as the words that name it: [], [worker], [worker, start], … */
  static Stream<List<String>> commandPaths() {
    List<List<String>> paths = new ArrayList<>();
    collect(new CommandLine(new CodeQueryCommand()), new ArrayList<>(), paths);
    return paths.stream();
  }

  private static void collect(CommandLine cl, List<String> path, List<List<String>> into) {
    into.add(List.copyOf(path));
    cl.getSubcommands()
        .forEach(
            (name, sub) -> {
              path.add(name);
              collect(sub, path, into);
              path.remove(path.size() - 1);
            });
  }

  @ParameterizedTest(name = "code-query {0}")
  @MethodSource("commandPaths")
  void every_command_has_help_with_exit_0_and_its_exit_statuses(List<String> path) {
    String usage =
        "Usage: "
            + String.join(" ", with(new String[] {"code-query"}, path.toArray(String[]::new)));
    String[] words = path.toArray(String[]::new);
    List<Run> runs =
        List.of(
            cli(with(words, "--help")),
            cli(with(words, "-h")),
            cli(with(new String[] {"help"}, words)));
    for (Run r : runs) {
      assertEquals(0, r.code(), r::toString);
      assertTrue(r.out().startsWith(usage), r::toString);
      assertTrue(r.out().contains("Exit status"), () -> "help names the exit statuses: " + r);
      assertEquals("", r.err(), r::toString);
    }
    assertEquals(runs.get(0).out(), runs.get(2).out(), "`help X` is `X --help`");
  }

  @Test
  void help_shows_optional_arguments_as_optional_and_the_defaults() {
    Run add = cli("queue", "add", "--help");
    assertTrue(add.out().contains("[COMMIT]"), add::toString);
    assertTrue(add.out().contains("(default: HEAD)"), add::toString);
    Run start = cli("help", "worker", "start");
    assertTrue(start.out().contains("--wait-seconds=S"), start::toString);
    assertTrue(start.out().contains("(default: 30)"), start::toString);
    Run list = cli("queue", "list", "-h");
    assertTrue(list.out().contains("[--limit=N]"), list::toString);
    assertTrue(list.out().contains("(default: 50)"), list::toString);
    Run status = cli("worker", "status", "--help");
    for (String code : List.of("0", "1", "3", "4")) {
      assertTrue(status.out().contains("\n  " + code + "   "), () -> code + " in " + status);
    }
  }

  @Test
  void help_for_a_command_that_does_not_exist_says_which_there_are_with_exit_2() {
    Run r = cli("help", "worker", "strat");
    assertEquals(2, r.code(), r::toString);
    assertTrue(r.err().contains("`code-query worker` has no command strat"), r::toString);
    assertTrue(r.err().contains("start"), r::toString);
  }

  @Test
  void version_is_the_version_the_build_wrote() {
    Run r = cli("--version");
    assertEquals(0, r.code(), r::toString);
    assertTrue(r.out().matches("code-query worker \\d+\\.\\d+\\.\\d+\\S*\\n"), r::toString);
    assertEquals(r.out(), cli("worker", "status", "-V").out(), "-V works at every level");
  }

  @Test
  void a_command_without_its_subcommand_lists_them_with_exit_2() {
    Run r = cli("worker");
    assertEquals(2, r.code(), r::toString);
    assertTrue(
        r.err().startsWith("✗ `code-query worker` needs a command: start, stop"), r::toString);
    assertTrue(r.err().contains("Usage: code-query worker"), r::toString);
  }

  // ---- --project-root typos ----------------------------------------------------------------

  static Stream<Arguments> commandsThatTakeARoot() {
    return Stream.of(
        Arguments.of(List.of("worker", "status")),
        Arguments.of(List.of("worker", "start")),
        Arguments.of(List.of("worker", "stop")),
        Arguments.of(List.of("worker", "restart")),
        Arguments.of(List.of("worker", "health")),
        Arguments.of(List.of("worker", "info")),
        Arguments.of(List.of("worker", "run")),
        Arguments.of(List.of("init")),
        Arguments.of(List.of("queue", "status")),
        Arguments.of(List.of("queue", "process")),
        Arguments.of(List.of("queue", "add")),
        Arguments.of(List.of("hooks", "status")),
        Arguments.of(List.of("hooks", "install")),
        Arguments.of(List.of("trust")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("commandsThatTakeARoot")
  void a_missing_project_root_is_refused_in_one_line_and_never_created(List<String> command)
      throws IOException {
    Path typo = root().resolve("no-such-project");
    String[] args = with(command.toArray(String[]::new), "--project-root", typo.toString());

    Run r = cli(args);

    assertEquals(2, r.code(), r::toString);
    assertEquals("", r.out(), r::toString);
    assertEquals(
        List.of(
            "✗ --project-root "
                + typo
                + ": no such directory; give the project's root directory (the one holding"
                + " .code-query/ or .git), or leave the option out to find it from the current"
                + " directory"),
        r.err().lines().toList());
    assertFalse(Files.exists(typo, LinkOption.NOFOLLOW_LINKS), "the typo must not be created");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("commandsThatTakeARoot")
  void a_regular_file_as_project_root_is_refused_in_one_line(List<String> command)
      throws IOException {
    Path file = Files.writeString(root().resolve("notes.txt"), "x");

    Run r = cli(with(command.toArray(String[]::new), "--project-root", file.toString()));

    assertEquals(2, r.code(), r::toString);
    assertEquals(1, r.err().lines().count(), r::toString);
    assertTrue(r.err().startsWith("✗ --project-root " + file + ": not a directory"), r::toString);
    assertEquals("x", Files.readString(file));
  }

  @Test
  void a_missing_project_root_with_json_is_an_error_object_on_stdout() throws IOException {
    Path typo = root().resolve("typo");
    for (List<String> command :
        List.of(
            List.of("worker", "status"),
            List.of("worker", "start"),
            List.of("worker", "stop"),
            List.of("init"),
            List.of("queue", "add"),
            List.of("hooks", "status"))) {
      String[] args = with(command.toArray(String[]::new), "--json", "--project-root=" + typo);
      Run r = cli(args);
      assertEquals(2, r.code(), r::toString);
      JsonObject j = r.json();
      assertEquals(Set.of("error"), j.keySet(), r::toString);
      assertTrue(j.get("error").getAsString().contains("--project-root " + typo), r::toString);
      assertEquals("", r.err(), r::toString);
    }
  }

  @Test
  void an_empty_project_root_is_refused_rather_than_taken_as_the_current_directory() {
    Run r = cli("init", "--project-root", "");
    assertEquals(2, r.code(), r::toString);
    assertTrue(r.err().startsWith("✗ --project-root is empty"), r::toString);
  }

  @Test
  void init_and_start_name_the_project_that_discovery_chose() throws Exception {
    Path repo = root().resolve("repo");
    Path nested = Files.createDirectories(repo.resolve("src/deep"));
    git(repo, "init", "-q");

    CliProcess.Result init = CliProcess.in(nested).run("init");

    assertEquals(0, init.code(), init::toString);
    assertTrue(
        init.out().contains("✓ created " + repo.resolve(".code-query/config.json")),
        init::toString);
    assertTrue(
        init.out()
            .contains(
                "  project: "
                    + repo
                    + " (the root of the git repository you are in; --project-root chooses"
                    + " another)"),
        init::toString);

    Run given = cli("init", "--project-root", repo.toString());
    assertFalse(given.out().contains("project:"), "a root given is not announced: " + given);
  }

  // ---- options out of range ------------------------------------------------------------------

  static Stream<Arguments> optionsOutOfRange() {
    return Stream.of(
        Arguments.of(
            List.of("worker", "stop", "--timeout", "-1"), "--timeout -1: must be 0 or more"),
        Arguments.of(
            List.of("worker", "restart", "--timeout=-5"), "--timeout -5: must be 0 or more"),
        Arguments.of(
            List.of("worker", "start", "--wait-seconds", "0"),
            "--wait-seconds 0: must be 1 or more"),
        Arguments.of(
            List.of("worker", "restart", "--wait-seconds", "-3"),
            "--wait-seconds -3: must be 1 or more"),
        Arguments.of(List.of("queue", "list", "--limit", "0"), "--limit 0: must be 1 or more"),
        Arguments.of(List.of("queue", "list", "--limit", "-2"), "--limit -2: must be 1 or more"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("optionsOutOfRange")
  void a_number_out_of_range_is_refused_naming_the_option_and_nothing_runs(
      List<String> command, String message) throws IOException {
    Files.createDirectories(root().resolve(".code-query"));
    String[] args = with(command.toArray(String[]::new), "--project-root", root().toString());

    Run human = cli(args);
    Run json = cli(with(args, "--json"));

    assertEquals(2, human.code(), human::toString);
    assertTrue(human.err().startsWith("✗ " + message + " ("), human::toString);
    assertTrue(
        human
            .err()
            .contains("see `code-query " + command.get(0) + " " + command.get(1) + " --help`"),
        human::toString);
    assertEquals(2, json.code(), json::toString);
    assertTrue(json.json().get("error").getAsString().startsWith(message), json::toString);
    assertFalse(Files.exists(root().resolve(".code-query/worker.pid")), "nothing was started");
  }

  @Test
  void stop_timeout_0_is_accepted_it_means_sigkill_at_once() throws IOException {
    Run r = cli("worker", "stop", "--timeout", "0", "--project-root", root().toString());
    assertEquals(0, r.code(), r::toString);
    assertEquals("✓ not running", r.out().strip());
  }

  // ---- --json: objects ---------------------------------------------------------------------

  @Test
  void init_json_says_what_it_created_and_the_project() throws IOException {
    Run first = cli("init", "--json", "--project-root", root().toString());
    Run second = cli("init", "--json", "--project-root", root().toString());

    assertEquals(0, first.code(), first::toString);
    JsonObject j = first.json();
    assertEquals(
        List.of("project_root", "config_file", "created", "warnings"), List.copyOf(j.keySet()));
    assertEquals(root().toString(), j.get("project_root").getAsString());
    assertEquals(
        root().resolve(".code-query/config.json").toString(), j.get("config_file").getAsString());
    assertTrue(j.get("created").getAsBoolean());
    assertEquals(0, j.getAsJsonArray("warnings").size());
    assertFalse(second.json().get("created").getAsBoolean(), second::toString);
  }

  @Test
  void a_broken_config_with_json_is_an_error_object_naming_the_file() throws IOException {
    Path config = root().resolve(".code-query/config.json");
    Files.createDirectories(config.getParent());
    Files.writeString(config, "{\"processing\": {\"heartbeat_seconds\": 0}}");
    for (List<String> command :
        List.of(
            List.of("init"),
            List.of("worker", "start"),
            List.of("worker", "stop"),
            List.of("worker", "restart"),
            List.of("hooks", "settings"))) {
      Run r =
          cli(with(command.toArray(String[]::new), "--json", "--project-root", root().toString()));
      if (command.equals(List.of("hooks", "settings"))) {
        // settings prints key=value lines for the hook; it has no --json
        assertEquals(2, r.code(), r::toString);
        continue;
      }
      assertEquals(2, r.code(), command + ": " + r);
      String error = r.json().get("error").getAsString();
      assertTrue(error.contains(config.toString()), command + ": " + r);
      assertTrue(error.contains("processing.heartbeat_seconds"), command + ": " + r);
    }
  }

  @Test
  void stop_json_without_a_worker_is_not_running_and_says_what_it_cleaned_up() throws Exception {
    Path pid = root().resolve(".code-query/worker.pid");
    Files.createDirectories(pid.getParent());
    Process gone = Processes.sleep();
    Processes.kill(gone);
    Files.writeString(pid, gone.pid() + "\n");

    Run stale = cli("worker", "stop", "--json", "--project-root", root().toString());
    Run none = cli("worker", "stop", "--json", "--project-root", root().toString());

    assertEquals(0, stale.code(), stale::toString);
    JsonObject j = stale.json();
    assertEquals(
        List.of("outcome", "pid", "reason", "signalled", "killed", "seconds", "cleaned_up"),
        List.copyOf(j.keySet()));
    assertEquals("not_running", j.get("outcome").getAsString());
    assertEquals(gone.pid(), j.get("pid").getAsLong());
    assertTrue(j.get("cleaned_up").getAsBoolean(), j::toString);
    assertFalse(j.get("signalled").getAsBoolean(), j::toString);
    assertTrue(j.get("seconds").isJsonNull(), j::toString);
    JsonObject n = none.json();
    assertEquals("not_running", n.get("outcome").getAsString());
    assertTrue(n.get("pid").isJsonNull(), n::toString);
    assertFalse(n.get("cleaned_up").getAsBoolean(), n::toString);
  }

  @Test
  void stop_json_on_an_unverifiable_pid_file_is_unknown_with_exit_4() throws IOException {
    Path pid = root().resolve(".code-query/worker.pid");
    Files.createDirectories(pid);

    Run r = cli("worker", "stop", "--json", "--project-root", root().toString());

    assertEquals(4, r.code(), r::toString);
    assertEquals("unknown", r.json().get("outcome").getAsString(), r::toString);
    assertFalse(r.json().get("signalled").getAsBoolean(), r::toString);
    assertTrue(Files.isDirectory(pid));
  }

  @Test
  void queue_retry_and_add_report_in_json() throws Exception {
    git(root(), "init", "-q");
    Files.writeString(root().resolve("a.txt"), "a\n");
    Files.writeString(root().resolve("b.txt"), "b\n");
    git(root(), "add", "a.txt", "b.txt");
    git(root(), "-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-qm", "ab");
    assertEquals(0, cli("init", "--project-root", root().toString()).code());

    Run add = cli("queue", "add", "--json", "--project-root", root().toString());
    Run again = cli("queue", "add", "HEAD", "--json", "--project-root", root().toString());
    Run retry = cli("queue", "retry", "--json", "--project-root", root().toString());

    assertEquals(0, add.code(), add::toString);
    JsonObject a = add.json();
    assertEquals(
        List.of(
            "commit",
            "files",
            "queued",
            "removed",
            "moved",
            "skipped_submodules",
            "skipped_symlinks"),
        List.copyOf(a.keySet()));
    assertTrue(a.get("commit").getAsString().matches("[0-9a-f]{40}"), a::toString);
    assertEquals(2, a.get("files").getAsInt());
    assertEquals(2, a.get("queued").getAsInt());
    assertEquals(0, again.json().get("queued").getAsInt(), "queued once: " + again);
    assertEquals(0, retry.code(), retry::toString);
    assertEquals(Set.of("retried"), retry.json().keySet());
    assertEquals(0, retry.json().get("retried").getAsInt());
  }

  @Test
  void hooks_install_status_and_uninstall_report_in_json() throws Exception {
    git(root(), "init", "-q");
    String r = root().toString();

    Run before = cli("hooks", "status", "--json", "--project-root", r);
    Run install = cli("hooks", "install", "--json", "--project-root", r);
    Run after = cli("hooks", "status", "--json", "--project-root", r);
    Run uninstall = cli("hooks", "uninstall", "--json", "--project-root", r);

    assertEquals(3, before.code(), before::toString);
    assertFalse(before.json().get("installed").getAsBoolean());
    assertEquals(0, install.code(), install::toString);
    assertEquals(0, after.code(), after::toString);
    JsonObject j = after.json();
    assertEquals(List.of("hooks_dir", "installed", "hooks"), List.copyOf(j.keySet()));
    assertEquals(root().resolve(".git/hooks").toString(), j.get("hooks_dir").getAsString());
    assertTrue(j.get("installed").getAsBoolean());
    List<String> names =
        j.getAsJsonArray("hooks").asList().stream()
            .map(h -> h.getAsJsonObject().get("name").getAsString())
            .toList();
    assertEquals(List.of("post-commit", "post-merge", "post-rewrite", "post-applypatch"), names);
    assertEquals(install.json(), after.json(), "install reports what status then says");
    assertEquals(0, uninstall.code(), uninstall::toString);
    assertEquals(4, uninstall.json().getAsJsonArray("removed").size(), uninstall::toString);
    assertFalse(uninstall.json().get("installed").getAsBoolean(), uninstall::toString);
  }

  @Test
  void completion_prints_a_bash_script_that_completes_the_commands() {
    Run r = cli("completion");
    assertEquals(0, r.code(), r::toString);
    assertTrue(r.out().contains("complete -F"), "registers a completion function");
    for (String word : List.of("worker", "queue", "hooks", "restart", "--project-root", "--json")) {
      assertTrue(r.out().contains(word), word);
    }
    assertNotEquals("", r.out().strip());
  }

  static void git(Path cwd, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("git"));
    cmd.addAll(List.of(args));
    Process p =
        new ProcessBuilder(cmd)
            .directory(cwd.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "git " + String.join(" ", args));
    assertEquals(0, p.exitValue(), "git " + String.join(" ", args));
  }
}
