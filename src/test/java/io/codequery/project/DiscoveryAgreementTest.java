package io.codequery.project;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * Project discovery exists three times: {@link ProjectRoots} (every CLI command), the launcher (the
 * root it gives {@code worker run} as its marker) and the git hook (where it records a commit). One
 * table of real directory layouts — repositories, nested repositories, linked worktrees, a
 * submodule — holds all three to the same answer.
 */
class DiscoveryAgreementTest {
  @TempDir static Path tmp;
  static Path hook;
  static Path base;

  /** One row: where to start, and the project root all three must find. */
  record Case(String name, Path start, Path expected) {}

  static final List<Case> TABLE = new ArrayList<>();

  @BeforeAll
  static void layouts() throws Exception {
    hook = tmp.resolve("post-commit.sh");
    try (InputStream in =
        DiscoveryAgreementTest.class.getResourceAsStream("/io/codequery/hooks/post-commit.sh")) {
      Files.write(hook, in.readAllBytes());
    }
    base = Files.createDirectories(tmp.resolve("layouts")).toRealPath();

    // A project with a .code-query/ at its repository's root, and directories below it.
    Path project = repo(base.resolve("project"));
    mkdirs(project.resolve(".code-query"));
    Path deep = mkdirs(project.resolve("src/main/with space/new\nline"));
    TABLE.add(new Case("the project root itself", project, project));
    TABLE.add(new Case("a directory deep inside the project", deep, project));

    // A repository nested inside the project (a clone placed there): its own .git decides.
    Path nested = repo(project.resolve("vendor/nested"));
    Path nestedDeep = mkdirs(nested.resolve("lib"));
    TABLE.add(new Case("a repository nested in a project", nested, nested));
    TABLE.add(new Case("inside a nested repository", nestedDeep, nested));
    Path nestedWithProject = repo(project.resolve("vendor/own"));
    mkdirs(nestedWithProject.resolve(".code-query"));
    TABLE.add(
        new Case("a nested repository with its own project", nestedWithProject, nestedWithProject));

    // A plain directory with .code-query/ and no git at all; and one with neither.
    Path plain = mkdirs(base.resolve("plain/sub"));
    mkdirs(base.resolve("plain/.code-query"));
    TABLE.add(new Case("no git, a .code-query/ above", plain, base.resolve("plain")));
    Path nothing = mkdirs(base.resolve("nothing/here"));
    TABLE.add(new Case("neither .git nor .code-query/ anywhere", nothing, nothing));

    // A repository without a project; a .code-query that is a file does not count.
    Path bare = repo(base.resolve("no-project"));
    Files.writeString(bare.resolve(".code-query"), "not a directory");
    TABLE.add(new Case("a repository without a project", mkdirs(bare.resolve("a/b")), bare));

    // Linked worktrees of the project: inside or outside the main checkout, relative or absolute.
    commit(project);
    Path wtOut = base.resolve("wt-outside");
    git(project, "worktree", "add", "-q", wtOut.toString(), "-b", "outside");
    TABLE.add(new Case("a linked worktree", wtOut, project));
    TABLE.add(new Case("inside a linked worktree", mkdirs(wtOut.resolve("sub/dir")), project));
    Path wtIn = project.resolve("worktrees/inside");
    git(project, "worktree", "add", "-q", wtIn.toString(), "-b", "inside");
    TABLE.add(new Case("a linked worktree inside the main checkout", wtIn, project));
    Path wtRel = base.resolve("wt-relative");
    git(project, "worktree", "add", "-q", wtRel.toString(), "-b", "relative");
    // Point the worktree's .git at its git dir with a relative path, as some tools write it.
    Path gitDir = Path.of(Files.readString(wtRel.resolve(".git")).strip().substring(8));
    Files.writeString(wtRel.resolve(".git"), "gitdir: " + wtRel.relativize(gitDir) + "\n");
    TABLE.add(new Case("a linked worktree with a relative gitdir", wtRel, project));
    Path wtOwn = base.resolve("wt-own");
    git(project, "worktree", "add", "-q", wtOwn.toString(), "-b", "own");
    mkdirs(wtOwn.resolve(".code-query"));
    TABLE.add(new Case("a linked worktree with its own project", wtOwn, wtOwn));

    // A worktree of a repository without a project: the worktree is its own root.
    commit(bare);
    Path wtNoProject = base.resolve("wt-no-project");
    git(bare, "worktree", "add", "-q", wtNoProject.toString(), "-b", "side");
    TABLE.add(
        new Case("a linked worktree of a repository without a project", wtNoProject, wtNoProject));

    // A submodule: .git is a file, its git dir has no commondir; the parent's project is not it.
    Path library = repo(base.resolve("library"));
    commit(library);
    git(
        project,
        "-c",
        "protocol.file.allow=always",
        "submodule",
        "add",
        "-q",
        library.toString(),
        "modules/library");
    Path sub = project.resolve("modules/library");
    assertTrue(Files.isRegularFile(sub.resolve(".git")), "a submodule has a .git file");
    TABLE.add(new Case("a submodule", sub, sub));

    // Garbage in a .git file: that directory is a repository root all the same.
    Path broken = mkdirs(base.resolve("broken"));
    Files.writeString(broken.resolve(".git"), "not a pointer\n");
    TABLE.add(new Case("a .git file that names no git dir", mkdirs(broken.resolve("x")), broken));
  }

  @Test
  void java_the_launcher_and_the_hook_find_the_same_project_everywhere() throws Exception {
    Map<String, String> wrong = new LinkedHashMap<>();
    Path launcher = Path.of("code-query").toAbsolutePath();
    assertTrue(Files.isExecutable(launcher), launcher.toString());
    for (Case c : TABLE) {
      String expected = c.expected().toString();
      String java = ProjectRoots.discover(c.start()).toString();
      String sh = run(c.start(), "sh", launcher.toString(), "--print-worker-root");
      String hooked = run(base, "sh", hook.toString(), "--root", c.start().toString());
      if (!(java.equals(expected) && sh.equals(expected) && hooked.equals(expected))) {
        wrong.put(
            c.name(),
            "expected " + expected + ", java " + java + ", launcher " + sh + ", hook " + hooked);
      }
    }
    assertEquals(Map.of(), wrong);
    assertEquals(16, TABLE.size(), "the table is all there");
  }

  static String run(Path cwd, String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    return out.endsWith("\n") ? out.substring(0, out.length() - 1) : out;
  }

  static Path mkdirs(Path dir) throws Exception {
    return Files.createDirectories(dir).toRealPath();
  }

  static Path repo(Path dir) throws Exception {
    mkdirs(dir);
    git(dir, "init", "-q", "-b", "main", ".");
    return dir.toRealPath();
  }

  static void commit(Path dir) throws Exception {
    Files.writeString(dir.resolve("README"), "x\n");
    git(dir, "add", "README");
    git(dir, "commit", "-qm", "first");
  }

  static void git(Path dir, String... args) throws Exception {
    List<String> cmd =
        new ArrayList<>(List.of("git", "-c", "user.name=t", "-c", "user.email=t@example.invalid"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), String.join(" ", cmd) + ": " + out);
  }
}
