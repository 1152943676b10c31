package io.codequery.hooks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A real git repository in a temp dir, driven through the git CLI. */
final class GitRepo {
  final Path dir;

  GitRepo(Path dir) {
    this.dir = dir;
  }

  static GitRepo init(Path dir) throws Exception {
    GitRepo r = new GitRepo(dir);
    r.git("init", "-q", "-b", "main", ".");
    return r;
  }

  record Run(int status, String out) {}

  Run run(Path cwd, List<String> cmd, Map<String, String> env)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true);
    pb.environment().put("GIT_AUTHOR_NAME", "Test");
    pb.environment().put("GIT_AUTHOR_EMAIL", "test@example.invalid");
    pb.environment().put("GIT_COMMITTER_NAME", "Test");
    pb.environment().put("GIT_COMMITTER_EMAIL", "test@example.invalid");
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("timed out: " + cmd);
    }
    return new Run(p.exitValue(), out);
  }

  String git(String... args) throws Exception {
    return gitIn(dir, args);
  }

  String gitIn(Path cwd, String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add("git");
    cmd.addAll(List.of(args));
    Run r = run(cwd, cmd, Map.of());
    assertEquals(0, r.status(), "git " + String.join(" ", args) + ": " + r.out());
    return r.out();
  }

  /** Commits everything; returns git's output, hook messages included. */
  Run commitAll(Path cwd, String message) throws Exception {
    gitIn(cwd, "add", "-A");
    return run(cwd, List.of("git", "commit", "-q", "-m", message), Map.of());
  }
}
