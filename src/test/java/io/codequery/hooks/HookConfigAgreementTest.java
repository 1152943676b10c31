package io.codequery.hooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.codequery.CodeQueryException;
import io.codequery.config.Config;
import io.codequery.config.ConfigLoader;
import io.codequery.config.HookSettings;
import io.codequery.testing.TestLauncher;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hook and {@link ConfigLoader} must read {@code config.json} alike. The hook reads no JSON: it
 * acts on the words Java derives ({@link HookSettings}). This table of awkward configs — keys
 * nested elsewhere, keys given twice, odd whitespace, comments, a FIFO, a link, none — commits in a
 * real repository with the real hook (no worker running) and checks that what the hook does is what
 * Java's reading of the same file says it must do.
 */
class HookConfigAgreementTest {
  @TempDir static Path tmp;
  static Path launcher;
  static Path script;

  /** What the hook does after a commit without a worker, as Java's reading implies. */
  enum Behaviour {
    /** manual: silent, nothing kept. */
    SILENT,
    /** auto + queue: the commit waits, and the user is told. */
    WAITS,
    /** Java refuses the config: the commit is kept and the user told why. */
    CONFIG_ERROR
  }

  record Case(String name, Setup setup, Behaviour expected) {}

  interface Setup {
    void apply(Path config) throws Exception;
  }

  static Setup text(String json) {
    return f -> Files.writeString(f, json);
  }

  static List<Case> table() {
    List<Case> t = new ArrayList<>();
    t.add(new Case("the default config", text(ConfigLoader.defaultText("p")), Behaviour.WAITS));
    t.add(
        new Case(
            "manual mode", text("{\"processing\": {\"mode\": \"manual\"}}"), Behaviour.SILENT));
    t.add(
        new Case(
            "a mode nested elsewhere, before processing",
            text("{\"notes\": {\"mode\": \"manual\"}, \"processing\": {\"mode\": \"auto\"}}"),
            Behaviour.WAITS));
    t.add(
        new Case(
            "a mode at the top level (unknown key)",
            text("{\"mode\": \"manual\", \"processing\": {}}"),
            Behaviour.WAITS));
    t.add(
        new Case(
            "a mode inside a string",
            text("{\"dataset_name\": \"\\\"mode\\\": \\\"manual\\\"\"}"),
            Behaviour.WAITS));
    t.add(
        new Case(
            "the mode key given twice",
            text("{\"processing\": {\"mode\": \"manual\", \"mode\": \"auto\"}}"),
            Behaviour.CONFIG_ERROR));
    t.add(
        new Case(
            "odd whitespace around the mode",
            text("{\"processing\"\n :\n{ \"mode\"\n\t:\n  \"manual\"\n}\n}\n"),
            Behaviour.SILENT));
    t.add(
        new Case(
            "one long line",
            text("{\"model\":\"x\",\"processing\":{\"fallback\":\"queue\",\"mode\":\"manual\"}}"),
            Behaviour.SILENT));
    t.add(
        new Case(
            "a comment",
            text("// {\"processing\": {\"mode\": \"manual\"}}\n{}\n"),
            Behaviour.CONFIG_ERROR));
    t.add(new Case("not JSON", text("{ this is not json"), Behaviour.CONFIG_ERROR));
    t.add(
        new Case(
            "a fallback nested elsewhere",
            text("{\"x\": {\"fallback\": \"sync\"}}"),
            Behaviour.WAITS));
    t.add(new Case("no config.json", f -> {}, Behaviour.WAITS));
    t.add(
        new Case(
            "config.json a FIFO",
            f -> {
              Process p = new ProcessBuilder("mkfifo", f.toString()).start();
              assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0);
            },
            Behaviour.CONFIG_ERROR));
    t.add(
        new Case(
            "config.json a link to a manual config",
            f -> {
              Path target = f.resolveSibling("real-config.json");
              Files.writeString(target, "{\"processing\": {\"mode\": \"manual\"}}");
              Files.createSymbolicLink(f, target);
            },
            Behaviour.CONFIG_ERROR));
    return t;
  }

  @BeforeAll
  static void tools() throws Exception {
    launcher = TestLauncher.write(tmp.resolve("code-query"));
    script = tmp.resolve("post-commit.sh");
    try (InputStream in =
        HookConfigAgreementTest.class.getResourceAsStream("/io/codequery/hooks/post-commit.sh")) {
      Files.write(script, in.readAllBytes());
    }
  }

  /** Java's reading, as the behaviour it implies for the hook. */
  static Behaviour javaSays(Path config) {
    try {
      Config c = HookSettings.load(config, "p").config();
      return c.mode().equals("manual") ? Behaviour.SILENT : Behaviour.WAITS;
    } catch (CodeQueryException e) {
      return Behaviour.CONFIG_ERROR;
    }
  }

  @Test
  void the_hook_acts_on_every_config_as_the_config_loader_reads_it() throws Exception {
    Map<String, String> wrong = new LinkedHashMap<>();
    int i = 0;
    for (Case c : table()) {
      Path root = Files.createDirectories(tmp.resolve("p" + i++)).toRealPath();
      GitRepo repo = GitRepo.init(root);
      Files.createDirectories(root.resolve(".code-query"));
      Files.writeString(root.resolve(".code-query/.gitignore"), "*\n");
      new HooksInstaller(root, launcher).install();
      Path config = root.resolve(".code-query/config.json");
      c.setup().apply(config);
      Files.writeString(root.resolve("f.txt"), "x");
      GitRepo.Run commit = repo.commitAll(root, "one");
      Behaviour hook = observed(commit);
      String words = settingsWords(root);
      Behaviour java = javaSays(config);
      String javaWords =
          java == Behaviour.CONFIG_ERROR
              ? "untrusted"
              : ConfigLoader.load(config, "p").config().mode()
                  + " "
                  + ConfigLoader.load(config, "p").config().fallback();
      if (hook != java || hook != c.expected() || !words.equals(javaWords)) {
        wrong.put(
            c.name(),
            "expected "
                + c.expected()
                + ", java "
                + java
                + " ("
                + javaWords
                + "), hook "
                + hook
                + " ("
                + words
                + "): "
                + commit.out().strip());
      }
      if (hook == Behaviour.SILENT) {
        assertEquals(List.of(), HooksTest.spooledCommits(root), c.name() + ": manual keeps none");
      } else {
        assertEquals(1, HooksTest.spooledCommits(root).size(), c.name() + ": the commit is kept");
      }
    }
    assertEquals(Map.of(), wrong);
  }

  static Behaviour observed(GitRepo.Run commit) {
    assertEquals(0, commit.status(), commit.out());
    String out = commit.out().strip();
    if (out.isEmpty()) {
      return Behaviour.SILENT;
    }
    if (out.contains("1 commit(s) wait for the worker")) {
      return Behaviour.WAITS;
    }
    if (out.contains("the config cannot be read: ") && out.contains("config.json")) {
      return Behaviour.CONFIG_ERROR;
    }
    throw new AssertionError("unexpected hook output: " + out);
  }

  /** The words the hook trusts after the commit, or "untrusted". */
  static String settingsWords(Path root) throws Exception {
    Process p =
        new ProcessBuilder("sh", script.toString(), "--settings", root.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    return out;
  }
}
