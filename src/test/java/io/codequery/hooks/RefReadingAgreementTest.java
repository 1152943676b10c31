package io.codequery.hooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hook reads HEAD (and ORIG_HEAD) from the repository's files with shell builtins instead of
 * asking git: a second reading of one rule. On every layout it must give git's answer, or nothing
 * (then it asks git) — never another commit.
 */
class RefReadingAgreementTest {
  @TempDir Path tmp;
  GitRepo repo;
  Path root;
  Path script;
  final Map<String, String> wrong = new LinkedHashMap<>();
  int checked;

  /** A case: where the hook runs, its environment, the ref, and whether it must read it itself. */
  record Case(String name, Path cwd, Map<String, String> env, String ref, boolean mustRead) {}

  @Test
  void the_hooks_reading_of_refs_is_gits_or_nothing() throws Exception {
    script = tmp.resolve("post-commit.sh");
    try (InputStream in =
        RefReadingAgreementTest.class.getResourceAsStream("/io/codequery/hooks/post-commit.sh")) {
      Files.write(script, in.readAllBytes());
    }
    root = Files.createDirectory(tmp.resolve("repo")).toRealPath();
    repo = GitRepo.init(root);
    Files.writeString(root.resolve("a"), "a");
    repo.commitAll(root, "one");
    check(new Case("a branch as a loose ref", root, Map.of(), "HEAD", true));
    repo.git("checkout", "-q", "-b", "feature/deep/name");
    Files.writeString(root.resolve("b"), "b");
    repo.commitAll(root, "two");
    check(new Case("a branch with slashes", root, Map.of(), "HEAD", true));
    repo.git("pack-refs", "--all");
    check(new Case("a branch in packed-refs only", root, Map.of(), "HEAD", true));
    repo.git("checkout", "-q", "main");
    repo.git("merge", "-q", "--no-edit", "feature/deep/name");
    check(new Case("ORIG_HEAD after a merge", root, Map.of(), "ORIG_HEAD", true));
    repo.git("checkout", "-q", "--detach", "HEAD~1");
    check(new Case("a detached HEAD", root, Map.of(), "HEAD", true));
    repo.git("checkout", "-q", "main");

    Path wt = tmp.resolve("wt");
    repo.git("worktree", "add", "-q", wt.toString(), "-b", "side");
    Files.writeString(wt.resolve("c"), "c");
    repo.commitAll(wt, "three");
    String wtGitDir = repo.gitIn(wt, "rev-parse", "--absolute-git-dir").strip();
    check(new Case("a linked worktree", wt, Map.of(), "HEAD", true));
    check(
        new Case(
            "a linked worktree with GIT_DIR as git sets it for hooks",
            wt,
            Map.of("GIT_DIR", wtGitDir),
            "HEAD",
            true));

    // Beyond what the hook reads itself: it must say nothing, never something wrong.
    repo.git("symbolic-ref", "refs/heads/alias", "refs/heads/main");
    repo.git("symbolic-ref", "HEAD", "refs/heads/alias");
    check(new Case("HEAD through two symbolic refs", root, Map.of(), "HEAD", false));
    repo.git("symbolic-ref", "HEAD", "refs/heads/main");
    StringBuilder many = new StringBuilder();
    for (int i = 0; i < 150; i++) {
      many.append("update refs/heads/b").append(String.format("%03d", i)).append(" HEAD\n");
    }
    Path updates = Files.writeString(tmp.resolve("refs.txt"), many.toString());
    GitRepo.Run made =
        repo.run(root, List.of("sh", "-c", "git update-ref --stdin < " + updates), Map.of());
    assertEquals(0, made.status(), made.out());
    repo.git("checkout", "-q", "-b", "zzz-last");
    repo.git("pack-refs", "--all");
    check(new Case("a branch beyond 100 packed refs", root, Map.of(), "HEAD", false));
    repo.git("checkout", "-q", "--orphan", "unborn");
    check(new Case("an unborn branch", root, Map.of(), "HEAD", false));

    assertEquals(Map.of(), wrong);
    assertEquals(10, checked, "every case was checked");
  }

  /** Checks one case on the repository as it is now (later steps change it). */
  void check(Case c) throws Exception {
    checked++;
    String hook = hookRef(c);
    GitRepo.Run git =
        repo.run(c.cwd(), List.of("git", "rev-parse", "-q", "--verify", c.ref()), c.env());
    String truth = git.status() == 0 ? git.out().strip() : "";
    boolean ok = hook.equals(truth) || hook.isEmpty() && !c.mustRead();
    if (!ok) {
      wrong.put(c.name(), "hook read \"" + hook + "\", git says \"" + truth + "\"");
    }
  }

  String hookRef(Case c) throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder("sh", script.toString(), "--ref", c.ref())
            .directory(c.cwd().toFile())
            .redirectErrorStream(true);
    Map<String, String> env = new HashMap<>(c.env());
    pb.environment().remove("GIT_DIR");
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    return out;
  }
}
