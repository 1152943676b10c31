package io.codequery.hooks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.codequery.CodeQueryException;
import io.codequery.testing.TestLauncher;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
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

  HooksInstaller installer() throws Exception {
    Path launcher = tmp.resolve("code-query");
    if (!Files.exists(launcher)) {
      TestLauncher.write(launcher);
    }
    return new HooksInstaller(root, launcher);
  }

  /**
   * The spooled commits, each as [commit, files…]: the hook records the commit (and a base for
   * merges), and the worker lists the files with git, as IngestSpool does.
   */
  static List<List<String>> spool(Path root) throws Exception {
    List<List<String>> records = new ArrayList<>();
    for (String[] words : spooledCommits(root)) {
      CommitFiles.Listing listed =
          CommitFiles.between(root, words.length > 1 ? words[1] : null, words[0]);
      List<String> record = new ArrayList<>();
      record.add(listed.commit());
      listed.documentedPaths().forEach(p -> record.add(p.text().orElseThrow()));
      records.add(record);
    }
    return records;
  }

  /** The "commit <id>[ <base>]" lines of every complete record, as [id] or [id, base]. */
  static List<String[]> spooledCommits(Path root) throws Exception {
    List<String[]> commits = new ArrayList<>();
    Path dir = root.resolve(".code-query/spool");
    if (!Files.isDirectory(dir)) {
      return commits;
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f :
          files.filter(p -> p.getFileName().toString().endsWith(".rec")).sorted().toList()) {
        List<String> lines = Files.readAllLines(f, StandardCharsets.US_ASCII);
        assertEquals("end", lines.get(lines.size() - 1), f + " is complete");
        String first = lines.get(0).split(" ")[1];
        assertTrue(
            f.getFileName().toString().matches(first + "\\.\\d+\\.rec"),
            "named after its first commit: " + f);
        for (String line : lines.subList(0, lines.size() - 1)) {
          assertTrue(line.startsWith("commit "), line);
          commits.add(line.substring("commit ".length()).split(" "));
        }
      }
    }
    return commits;
  }

  @Test
  void install_is_idempotent_and_status_names_every_hook() throws Exception {
    List<HookStatus> first = installer().install();
    byte[] script = Files.readAllBytes(first.get(0).hook());
    List<HookStatus> second = installer().install();
    assertEquals(first, second);
    assertEquals(
        List.of("post-commit", "post-merge", "post-rewrite", "post-applypatch"),
        second.stream().map(HookStatus::name).toList());
    for (HookStatus s : second) {
      assertEquals(root.resolve(".git/hooks/" + s.name()), s.hook());
      assertArrayEquals(script, Files.readAllBytes(s.hook()));
      assertTrue(s.installed() && s.current(), s.toString());
      assertNull(s.chained());
      assertTrue(Files.isExecutable(s.hook()));
    }
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
  void a_squash_merge_makes_no_commit_and_records_none() throws Exception {
    Files.writeString(root.resolve("base.txt"), "base");
    repo.commitAll(root, "base");
    repo.git("checkout", "-q", "-b", "feature");
    Files.writeString(root.resolve("feature.txt"), "feature");
    repo.commitAll(root, "feature");
    repo.git("checkout", "-q", "main");
    installer().install();
    repo.git("merge", "-q", "--squash", "feature");
    assertEquals(List.of(), spooledCommits(root));
    assertEquals(0, repo.commitAll(root, "squashed").status());
    assertEquals(
        List.of(List.of(repo.git("rev-parse", "HEAD").strip(), "feature.txt")), spool(root));
  }

  @Test
  void the_users_own_hook_keeps_running_and_uninstall_restores_it_exactly() throws Exception {
    Path hook = root.resolve(".git/hooks/post-commit");
    String mine = "#!/bin/sh\necho ran >> \"$(git rev-parse --show-toplevel)/user-hook.log\"\n";
    Files.writeString(hook, mine);
    Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-x---"));
    HookStatus s = installer().install().get(0);
    assertEquals(hook.resolveSibling("post-commit.code-query-chained"), s.chained());
    installer().install();
    Files.writeString(root.resolve("f.txt"), "x");
    assertEquals(0, repo.commitAll(root, "one").status());
    assertEquals("ran\n", Files.readString(root.resolve("user-hook.log")));
    assertEquals(1, spool(root).size());

    HookStatus after = installer().uninstall().get(0);
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
    HookStatus s = installer().uninstall().get(0);
    assertTrue(s.foreign());
    assertEquals("#!/bin/sh\nexit 0\n", Files.readString(hook));
  }

  @Test
  void core_hooks_path_is_honoured() throws Exception {
    repo.git("config", "core.hooksPath", "my-hooks");
    HookStatus s = installer().install().get(0);
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
                "code-query: 1 commit(s) wait for the worker; start it with: code-query worker"
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
    assertTrue(c.out().contains("could not record commit"), c.out());
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

  /** Runs a shell line in {@code cwd} with the test's git identity. */
  GitRepo.Run sh(Path cwd, String script) throws Exception {
    return repo.run(cwd, List.of("sh", "-c", script), Map.of());
  }

  @Test
  void commits_applied_by_git_am_and_rebase_apply_are_recorded() throws Exception {
    Files.writeString(root.resolve("base.txt"), "base");
    repo.commitAll(root, "base");
    repo.git("checkout", "-q", "-b", "topic");
    Files.writeString(root.resolve("one.txt"), "1");
    repo.commitAll(root, "one");
    Files.writeString(root.resolve("two.txt"), "2");
    repo.commitAll(root, "two");
    repo.git("format-patch", "-q", "-o", tmp.resolve("patches").toString(), "main");
    repo.git("checkout", "-q", "main");
    Files.writeString(root.resolve("main.txt"), "m");
    repo.commitAll(root, "main moves on");
    installer().install();

    // git am: one post-applypatch per commit (no post-commit runs).
    repo.git("checkout", "-q", "-b", "applied", "main");
    GitRepo.Run am = sh(root, "git am -q " + tmp.resolve("patches") + "/*.patch");
    assertEquals(0, am.status(), am.out());
    List<String> amCommits =
        Stream.of(repo.git("rev-parse", "HEAD~1", "HEAD").strip().split("\n")).sorted().toList();
    assertEquals(amCommits, ids(spooledCommits(root)));
    deleteRecursively(root.resolve(".code-query/spool"));

    // git rebase --apply: post-applypatch per commit, then post-rewrite (already recorded).
    repo.git("checkout", "-q", "topic");
    GitRepo.Run rebase = sh(root, "git rebase -q --apply main");
    assertEquals(0, rebase.status(), rebase.out());
    String top = repo.git("rev-parse", "HEAD").strip();
    List<String> rebased =
        Stream.of(repo.git("rev-parse", "HEAD~1", "HEAD").strip().split("\n")).sorted().toList();
    assertEquals(rebased, ids(spooledCommits(root)).stream().distinct().toList());
    assertEquals(
        List.of(top, "two.txt"),
        spool(root).stream().filter(r -> r.get(0).equals(top)).findFirst().orElseThrow());
  }

  /** The commit ids of the records, sorted. */
  static List<String> ids(List<String[]> commits) {
    return commits.stream().map(c -> c[0]).sorted().toList();
  }

  @Test
  void post_rewrite_records_the_rebased_commits_and_hands_its_input_to_a_chained_hook()
      throws Exception {
    Files.writeString(root.resolve("a.txt"), "a");
    repo.commitAll(root, "a");
    Files.writeString(root.resolve("b.txt"), "b");
    repo.commitAll(root, "b");
    String[] ids = repo.git("rev-parse", "HEAD~1", "HEAD").strip().split("\n");
    Path mine = root.resolve(".git/hooks/post-rewrite");
    Files.writeString(mine, "#!/bin/sh\ncat > \"$(git rev-parse --git-dir)/seen-$1\"\n");
    Files.setPosixFilePermissions(mine, PosixFilePermissions.fromString("rwxr-xr-x"));
    installer().install();
    String input = "1111111 " + ids[0] + "\n2222222 " + ids[1] + " extra\n";
    Path pairs = Files.writeString(tmp.resolve("pairs"), input);
    // After an amend, post-commit has recorded the new commit: post-rewrite adds nothing.
    assertEquals(0, sh(root, ".git/hooks/post-rewrite amend < " + pairs).status());
    assertEquals(List.of(), spooledCommits(root));
    assertEquals(0, sh(root, ".git/hooks/post-rewrite rebase < " + pairs).status());
    assertEquals(Stream.of(ids).sorted().toList(), ids(spooledCommits(root)));
    assertEquals(input, Files.readString(root.resolve(".git/seen-rebase")));
    assertEquals(input, Files.readString(root.resolve(".git/seen-amend")));
    // A commit whose record still waits is not recorded a second time.
    assertEquals(0, sh(root, ".git/hooks/post-rewrite rebase < " + pairs).status());
    assertEquals(2, spooledCommits(root).size());
  }

  @Test
  void whatever_the_umask_the_hook_creates_nothing_group_or_other_writable() throws Exception {
    installer().install();
    Files.writeString(root.resolve("f.txt"), "x");
    repo.git("add", "-A");
    GitRepo.Run c = sh(root, "umask 000 && git commit -q -m one");
    assertEquals(0, c.status(), c.out());
    Path spoolDir = root.resolve(".code-query/spool");
    assertEquals(
        "rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(spoolDir)));
    try (Stream<Path> records = Files.list(spoolDir)) {
      for (Path r : records.toList()) {
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(r)));
      }
    }
  }

  @Test
  void a_link_planted_where_the_record_goes_is_never_written_through() throws Exception {
    installer().install();
    Files.writeString(root.resolve("f.txt"), "x");
    repo.commitAll(root, "one");
    deleteRecursively(root.resolve(".code-query/spool"));
    Files.createDirectories(root.resolve(".code-query/spool"));
    Path victim = Files.writeString(tmp.resolve("victim"), "precious\n");
    String head = repo.git("rev-parse", "HEAD").strip();
    // The record is spool/<commit>.<pid>.rec; exec keeps the PID, so the link is where it writes.
    GitRepo.Run r =
        sh(
            root,
            "ln -s "
                + victim
                + " .code-query/spool/"
                + head
                + ".$$.rec && exec .git/hooks/post-commit");
    assertEquals(0, r.status(), r.out());
    assertTrue(r.out().contains("could not record commit " + head), r.out());
    assertEquals("precious\n", Files.readString(victim));
  }

  @Test
  void status_names_every_hook_and_an_older_version_of_ours() throws Exception {
    installer().install();
    Path postMerge = root.resolve(".git/hooks/post-merge");
    Files.writeString(postMerge, "#!/bin/sh\n# code-query-hook-version: 1\nexit 0\n");
    Files.delete(root.resolve(".git/hooks/post-applypatch"));
    List<HookStatus> s = installer().statuses();
    assertEquals(List.of(true, true, true, false), s.stream().map(HookStatus::installed).toList());
    assertEquals(List.of(true, false, true, false), s.stream().map(HookStatus::current).toList());
    installer().install();
    assertTrue(installer().statuses().stream().allMatch(h -> h.installed() && h.current()));
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
