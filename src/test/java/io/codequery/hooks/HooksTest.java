package io.codequery.hooks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.codequery.CodeQueryException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** hooks install/uninstall/status and the hook itself, in real git repositories. */
class HooksTest {
  @TempDir Path tmp;
  Path root;
  GitRepo repo;

  @BeforeEach
  void repo() throws Exception {
    root = Files.createDirectory(tmp.resolve("project")).toRealPath();
    repo = GitRepo.init(root);
    Files.createDirectories(root.resolve(".code-query"));
    Files.writeString(root.resolve(".code-query/.gitignore"), "*\n");
  }

  HooksInstaller installer() {
    return new HooksInstaller(root, null);
  }

  /**
   * The spooled commits, each as [commit, files…]: the hook records the commit (and a base for
   * merges), and the worker lists the files with git, as IngestSpool does.
   */
  static List<List<String>> spool(Path root) throws Exception {
    List<List<String>> records = new ArrayList<>();
    Path dir = root.resolve(".code-query/spool");
    if (!Files.isDirectory(dir)) {
      return records;
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f :
          files.filter(p -> p.getFileName().toString().endsWith(".commit")).sorted().toList()) {
        String[] words = Files.readString(f, StandardCharsets.US_ASCII).strip().split(" ");
        assertEquals(words[0] + ".commit", f.getFileName().toString());
        CommitFiles.Listing listed =
            CommitFiles.between(root, words.length > 1 ? words[1] : null, words[0]);
        List<String> record = new ArrayList<>();
        record.add(listed.commit());
        listed.documentedPaths().forEach(p -> record.add(p.text().orElseThrow()));
        records.add(record);
      }
    }
    return records;
  }

  @Test
  void install_is_idempotent_and_status_says_where() throws Exception {
    HookStatus first = installer().install();
    byte[] script = Files.readAllBytes(first.hook());
    HookStatus second = installer().install();
    assertEquals(first, second);
    assertArrayEquals(script, Files.readAllBytes(second.hook()));
    assertEquals(root.resolve(".git/hooks/post-commit"), second.hook());
    assertTrue(second.installed());
    assertNull(second.chained());
    assertTrue(Files.isExecutable(second.hook()));
  }

  @Test
  void a_commit_is_spooled_and_its_files_listed_nul_safe_whatever_their_names() throws Exception {
    installer().install();
    List<String> names =
        List.of(
            "plain.txt",
            "with space.md",
            "semi;colon.sh",
            "new\nline.txt",
            "ünïcødé.py",
            "-dash.txt",
            "dir/sub/nested.java");
    for (String n : names) {
      Path p = root.resolve(n);
      Files.createDirectories(p.getParent());
      Files.writeString(p, "content of " + n);
    }
    GitRepo.Run c = repo.commitAll(root, "root commit");
    assertEquals(0, c.status(), c.out());
    String head = repo.git("rev-parse", "HEAD").strip();
    List<List<String>> spooled = spool(root);
    assertEquals(1, spooled.size());
    assertEquals(head, spooled.get(0).get(0));
    assertEquals(
        names.stream().sorted().toList(),
        spooled.get(0).subList(1, spooled.get(0).size()).stream().sorted().toList());
  }

  @Test
  void modified_and_renamed_files_are_spooled_and_deleted_ones_are_not() throws Exception {
    Files.writeString(root.resolve("a.txt"), "a\n".repeat(50));
    Files.writeString(root.resolve("b.txt"), "b\n".repeat(50));
    Files.writeString(root.resolve("c.txt"), "c\n".repeat(50));
    repo.commitAll(root, "first");
    installer().install();
    Files.writeString(root.resolve("a.txt"), "changed\n");
    Files.move(root.resolve("b.txt"), root.resolve("b-renamed.txt"));
    Files.delete(root.resolve("c.txt"));
    assertEquals(0, repo.commitAll(root, "second").status());
    List<List<String>> spooled = spool(root);
    assertEquals(1, spooled.size());
    assertEquals(
        List.of("a.txt", "b-renamed.txt"),
        spooled.get(0).subList(1, spooled.get(0).size()).stream().sorted().toList());
  }

  @Test
  void a_merge_commit_spools_what_the_merge_brought_to_the_branch() throws Exception {
    Files.writeString(root.resolve("base.txt"), "base");
    repo.commitAll(root, "base");
    repo.git("checkout", "-q", "-b", "feature");
    Files.writeString(root.resolve("feature.txt"), "feature");
    repo.commitAll(root, "feature");
    repo.git("checkout", "-q", "main");
    Files.writeString(root.resolve("main.txt"), "main");
    repo.commitAll(root, "main work");
    installer().install();
    repo.git("merge", "-q", "--no-ff", "-m", "merge feature", "feature");
    List<List<String>> spooled = spool(root);
    assertEquals(1, spooled.size(), spooled.toString());
    assertEquals(List.of("feature.txt"), spooled.get(0).subList(1, spooled.get(0).size()));
  }

  @Test
  void the_users_own_hook_keeps_running_and_uninstall_restores_it_exactly() throws Exception {
    Path hook = root.resolve(".git/hooks/post-commit");
    String mine = "#!/bin/sh\necho ran >> \"$(git rev-parse --show-toplevel)/user-hook.log\"\n";
    Files.writeString(hook, mine);
    Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-x---"));
    HookStatus s = installer().install();
    assertEquals(hook.resolveSibling("post-commit.code-query-chained"), s.chained());
    installer().install();
    Files.writeString(root.resolve("f.txt"), "x");
    assertEquals(0, repo.commitAll(root, "one").status());
    assertEquals("ran\n", Files.readString(root.resolve("user-hook.log")));
    assertEquals(1, spool(root).size());

    HookStatus after = installer().uninstall();
    assertFalse(after.installed());
    assertTrue(after.foreign());
    assertEquals(mine, Files.readString(hook));
    assertEquals(PosixFilePermissions.fromString("rwxr-x---"), Files.getPosixFilePermissions(hook));
    assertFalse(Files.exists(hook.resolveSibling("post-commit.code-query-chained")));
  }

  @Test
  void uninstall_without_a_chained_hook_removes_ours_and_leaves_foreign_hooks_alone()
      throws Exception {
    installer().install();
    installer().uninstall();
    Path hook = root.resolve(".git/hooks/post-commit");
    assertFalse(Files.exists(hook));
    Files.writeString(hook, "#!/bin/sh\nexit 0\n");
    HookStatus s = installer().uninstall();
    assertTrue(s.foreign());
    assertEquals("#!/bin/sh\nexit 0\n", Files.readString(hook));
  }

  @Test
  void core_hooks_path_is_honoured() throws Exception {
    repo.git("config", "core.hooksPath", "my-hooks");
    HookStatus s = installer().install();
    assertEquals(root.resolve("my-hooks/post-commit"), s.hook());
    Files.writeString(root.resolve("f.txt"), "x");
    assertEquals(0, repo.commitAll(root, "one").status());
    assertEquals(1, spool(root).size());
  }

  @Test
  void a_linked_worktree_shares_the_hook_and_its_commits_are_spooled() throws Exception {
    Files.writeString(root.resolve("f.txt"), "x");
    repo.commitAll(root, "first");
    installer().install();
    Path wt = tmp.resolve("wt");
    repo.git("worktree", "add", "-q", wt.toString(), "-b", "side");
    assertTrue(Files.isRegularFile(wt.resolve(".git")), "a linked worktree has a .git file");
    assertEquals(
        root.resolve(".git/hooks/post-commit"),
        new HooksInstaller(wt.toRealPath(), null).hookPath());
    Files.writeString(wt.resolve("side.txt"), "side");
    assertEquals(0, repo.commitAll(wt, "on the side").status());
    List<List<String>> spooled = spool(root);
    assertEquals(1, spooled.size());
    assertEquals(List.of("side.txt"), spooled.get(0).subList(1, 2));
  }

  @Test
  void a_bare_repository_is_refused_with_a_clear_message() throws Exception {
    Path bare = Files.createDirectory(tmp.resolve("bare.git"));
    GitRepo.init(bare).git("config", "core.bare", "true");
    CodeQueryException e =
        assertThrows(
            CodeQueryException.class, () -> new HooksInstaller(bare.toRealPath(), null).install());
    assertTrue(e.getMessage().contains("bare"), e.getMessage());
  }

  @Test
  void outside_a_git_repository_install_says_so() throws Exception {
    Path plain = Files.createDirectory(tmp.resolve("plain"));
    CodeQueryException e =
        assertThrows(CodeQueryException.class, () -> new HooksInstaller(plain, null).install());
    assertTrue(e.getMessage().contains("not in a git repository"), e.getMessage());
  }

  @Test
  void without_a_worker_the_queue_fallback_keeps_the_files_and_says_how_to_start()
      throws Exception {
    installer().install();
    Files.writeString(root.resolve("f.txt"), "x");
    Files.writeString(root.resolve("g.txt"), "y");
    GitRepo.Run c = repo.commitAll(root, "one");
    assertEquals(0, c.status());
    assertTrue(
        c.out()
            .contains(
                "code-query: 2 file(s) wait for the worker; start it with: code-query worker"
                    + " start"),
        c.out());
    assertEquals(1, spool(root).size());
  }

  @Test
  void a_broken_config_or_a_broken_code_query_dir_never_fails_the_commit() throws Exception {
    installer().install();
    Files.writeString(root.resolve(".code-query/config.json"), "{ this is not json");
    Files.writeString(root.resolve("f.txt"), "x");
    assertEquals(0, repo.commitAll(root, "one").status());
    // The spool cannot be created (a file is in its way): the commit still succeeds, with one line.
    Files.writeString(root.resolve(".code-query/spool-blocker"), "");
    deleteRecursively(root.resolve(".code-query/spool"));
    Files.writeString(root.resolve(".code-query/spool"), "not a directory");
    Files.writeString(root.resolve("g.txt"), "y");
    GitRepo.Run c = repo.commitAll(root, "two");
    assertEquals(0, c.status(), c.out());
    assertTrue(c.out().contains("could not record this commit"), c.out());
    // No .code-query at all: silent success.
    deleteRecursively(root.resolve(".code-query"));
    Files.writeString(root.resolve("h.txt"), "z");
    GitRepo.Run quiet = repo.commitAll(root, "three");
    assertEquals(0, quiet.status());
    assertEquals("", quiet.out().strip());
  }

  @Test
  void manual_mode_records_nothing() throws Exception {
    installer().install();
    Files.writeString(
        root.resolve(".code-query/config.json"), "{\"processing\": {\"mode\": \"manual\"}}");
    Files.writeString(root.resolve("f.txt"), "x");
    GitRepo.Run c = repo.commitAll(root, "one");
    assertEquals(0, c.status());
    assertEquals("", c.out().strip());
    assertTrue(spool(root).isEmpty());
  }

  static void deleteRecursively(Path p) throws Exception {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(x);
      }
    }
  }
}
