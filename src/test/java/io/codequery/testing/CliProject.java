package io.codequery.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.codequery.cli.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A project for CLI tests: a real git repository (branch {@code main}) in a directory a test owns,
 * usually below its {@code @TempDir}, its {@code .code-query/config.json}, and {@code code-query}
 * run on it in this JVM ({@code Main.execute} with {@code --project-root}, output in strings).
 */
public final class CliProject {
  /** One CLI call: its exit code and what it wrote to stdout and stderr. */
  public record Run(int code, String out, String err) {
    /** Stdout as the one JSON object a {@code --json} call prints. */
    public JsonObject json() {
      return JsonParser.parseString(out).getAsJsonObject();
    }
  }

  /**
   * The documentation command {@code sh -c 'echo "# $1"; cat "$2"' sh {path} {file}}, as a JSON
   * array for {@code processing.command}: each file's path as a heading, then the file.
   */
  public static final String HEADING_THEN_FILE = headingThenFile("");

  /** {@code git} with the identity of every test commit (an address that cannot be mailed). */
  private static final String GIT = "git -c user.name=t -c user.email=t@example.invalid";

  private final Path root;

  private CliProject(Path root) {
    this.root = root;
  }

  /** The directory {@code dir}, which exists, as it is: no repository, no config made. */
  public static CliProject at(Path dir) throws IOException {
    return new CliProject(dir.toRealPath());
  }

  /** An empty git repository in {@code dir} (made with its parents), with no commit yet. */
  public static CliProject init(Path dir) throws Exception {
    CliProject p = new CliProject(Files.createDirectories(dir).toRealPath());
    p.sh("git init -q -b main .");
    return p;
  }

  /**
   * A git repository in {@code dir} whose one commit, "first", holds {@code files} (path relative
   * to the root, text), and an empty {@code .code-query/} made after it (so it is not committed).
   */
  public static CliProject committed(Path dir, Map<String, String> files) throws Exception {
    CliProject p = init(dir);
    for (Map.Entry<String, String> f : files.entrySet()) {
      p.write(f.getKey(), f.getValue());
    }
    p.commitAll("first");
    Files.createDirectories(p.root.resolve(".code-query"));
    return p;
  }

  /**
   * {@link #HEADING_THEN_FILE} with {@code firstStep} (shell, ending in {@code "; "}, with no
   * character JSON would have to escape) run before it on each file.
   */
  public static String headingThenFile(String firstStep) {
    return "[\"sh\", \"-c\", \""
        + firstStep
        + "echo \\\"# $1\\\"; cat \\\"$2\\\"\", \"sh\", \"{path}\", \"{file}\"]";
  }

  /** The project's root: a real path (no link in it). */
  public Path root() {
    return root;
  }

  /** {@code code-query ARGS --project-root ROOT}, in this JVM. */
  public Run cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    // The root first: a call may end with `-- QUERY`, after which nothing is an option.
    List<String> all = new ArrayList<>(List.of("--project-root", root.toString()));
    all.addAll(List.of(args));
    int code = Main.execute(all.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
    return new Run(code, out.toString(), err.toString());
  }

  /** {@code sh -c script} in the root; fails the test unless it exits 0 within 120 s. */
  public void sh(String script) throws Exception {
    Process p =
        new ProcessBuilder("sh", "-c", script)
            .directory(root.toFile())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), script);
    assertEquals(0, p.exitValue(), script + ": " + out);
  }

  /** Writes {@code text} to {@code path} (relative to the root), making its directories. */
  public Path write(String path, String text) throws IOException {
    Path file = root.resolve(path);
    Files.createDirectories(file.getParent());
    return Files.writeString(file, text);
  }

  /** A commit of everything in the work tree that git does not ignore ({@code git add -A}). */
  public void commitAll(String message) throws Exception {
    sh("git add -A && " + GIT + " commit -qm '" + message + "'");
  }

  /** A commit of {@code paths} (relative to the root) as they are in the work tree. */
  public void commit(String message, String... paths) throws Exception {
    sh("git add -- " + String.join(" ", paths) + " && " + GIT + " commit -qm '" + message + "'");
  }

  /** A commit of the tracked files' changes alone ({@code commit -a}: no new file). */
  public void commitTracked(String message) throws Exception {
    sh(GIT + " commit -qam '" + message + "'");
  }

  /** {@code .code-query/config.json}, whether it exists or not. */
  public Path configFile() {
    return root.resolve(".code-query/config.json");
  }

  /** Writes {@code json} as the project's config, making {@code .code-query/} if need be. */
  public void config(String json) throws IOException {
    Files.createDirectories(configFile().getParent());
    Files.writeString(configFile(), json);
  }

  /**
   * A config naming the store at {@code storeUrl}, with {@code processing} the members of its
   * {@code processing} object (JSON, without the braces).
   */
  public void storeConfig(String storeUrl, String processing) throws IOException {
    config("{\"store\": {\"url\": \"" + storeUrl + "\"}, \"processing\": {" + processing + "}}");
  }

  /** The commit HEAD names. */
  public String head() throws Exception {
    Process p = new ProcessBuilder("git", "rev-parse", "HEAD").directory(root.toFile()).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    return out;
  }
}
