package io.codequery.hooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.codequery.CodeQueryException;
import io.codequery.hooks.CommitFiles.Change;
import io.codequery.hooks.CommitFiles.Kind;
import io.codequery.hooks.CommitFiles.Listing;
import io.codequery.hooks.CommitFiles.Status;
import io.codequery.project.RepoPath;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The listing of a commit's changes, from real repositories: names as bytes, modes, blob ids. */
class CommitFilesTest {
  static final String Z = "0".repeat(40);
  static final String B1 = "1".repeat(40);
  static final String B2 = "2".repeat(40);

  @TempDir Path tmp;
  Path root;
  GitRepo repo;

  @BeforeEach
  void repo() throws Exception {
    root = Files.createDirectory(tmp.resolve("project")).toRealPath();
    repo = GitRepo.init(root);
  }

  /**
   * Runs a shell line in the repository (for names Java cannot spell: bytes that are not UTF-8).
   */
  void sh(String script) throws Exception {
    GitRepo.Run r = repo.run(root, List.of("sh", "-c", script), Map.of());
    assertEquals(0, r.status(), r.out());
  }

  static RepoPath bytes(String ascii, int... tail) {
    byte[] head = ascii.getBytes(StandardCharsets.US_ASCII);
    byte[] all = new byte[head.length + tail.length];
    System.arraycopy(head, 0, all, 0, head.length);
    for (int i = 0; i < tail.length; i++) {
      all[head.length + i] = (byte) tail[i];
    }
    return RepoPath.ofBytes(all);
  }

  static Map<RepoPath, Change> byPath(Listing l) {
    return l.changes().stream().collect(Collectors.toMap(Change::newPath, c -> c));
  }

  @Test
  void raw_output_is_parsed_with_renames_deletions_and_names_as_bytes() {
    byte[] out =
        (":000000 100644 "
                + Z
                + " "
                + B1
                + " A\0new\u00ff.txt\0"
                + ":100644 100755 "
                + B1
                + " "
                + B2
                + " R087\0old name\0new\nname\0"
                + ":100644 000000 "
                + B2
                + " "
                + Z
                + " D\0gone\0")
            .getBytes(StandardCharsets.ISO_8859_1);
    List<Change> changes = CommitFiles.parseRaw(out);
    assertEquals(3, changes.size());
    assertEquals(
        new Change(
            Status.ADDED,
            0,
            bytes("new", 0xff, '.', 't', 'x', 't'),
            bytes("new", 0xff, '.', 't', 'x', 't'),
            "000000",
            "100644",
            Z,
            B1),
        changes.get(0));
    assertEquals(
        new Change(
            Status.RENAMED,
            87,
            RepoPath.of("old name"),
            RepoPath.of("new\nname"),
            "100644",
            "100755",
            B1,
            B2),
        changes.get(1));
    assertEquals(Status.DELETED, changes.get(2).status());
    assertEquals(Kind.NONE, changes.get(2).newKind());
    assertEquals(List.of(true, true, false), changes.stream().map(Change::isDocumented).toList());
  }

  @Test
  void output_that_breaks_the_format_is_an_error_not_a_guess() {
    for (String bad : List.of("M\0a\0", ":100644 100644 a b\0x\0", ":1 2 3 4 R100\0only-one\0")) {
      assertThrows(
          IllegalArgumentException.class,
          () -> CommitFiles.parseRaw(bad.getBytes(StandardCharsets.ISO_8859_1)),
          bad);
    }
  }

  @Test
  void a_root_commit_lists_everything_skipping_submodules_and_symbolic_links() throws Exception {
    Files.writeString(root.resolve("a.txt"), "a\n");
    Files.createDirectories(root.resolve(".code-query"));
    Files.writeString(root.resolve(".code-query/config.json"), "{}");
    Files.createSymbolicLink(root.resolve("link"), Path.of("a.txt"));
    // x\xff.txt and x\xef\xbf\xbd.txt: two files whose names differ only in bytes a decoder hides.
    sh(
        "printf one > \"$(printf 'x\\377.txt')\"; printf two > \"$(printf"
            + " 'x\\357\\277\\275.txt')\"");
    repo.git("add", "-A");
    repo.git("update-index", "--add", "--cacheinfo", "160000," + "a".repeat(40) + ",sub");
    repo.git("commit", "-qm", "root");
    Listing l = CommitFiles.of(root, "HEAD");
    assertEquals(null, l.base());
    assertEquals(repo.git("rev-parse", "HEAD").strip(), l.commit());
    assertEquals(
        List.of(
            RepoPath.of("a.txt"),
            bytes("x", 0xef, 0xbf, 0xbd, '.', 't', 'x', 't'),
            bytes("x", 0xff, '.', 't', 'x', 't')),
        l.documentedPaths().stream().sorted(Comparator.naturalOrder()).toList());
    assertEquals(1, l.skipped(Kind.GITLINK));
    assertEquals(1, l.skipped(Kind.SYMLINK));
    Map<RepoPath, Change> by = byPath(l);
    assertEquals(
        repo.git("rev-parse", "HEAD:a.txt").strip(), by.get(RepoPath.of("a.txt")).newBlob());
    assertTrue(by.values().stream().allMatch(c -> c.status() == Status.ADDED));
    assertTrue(
        by.keySet().stream().noneMatch(p -> p.display().startsWith(".code-query")),
        "code-query's own files are never listed");
  }

  @Test
  void a_later_commit_lists_modifications_renames_deletions_and_type_changes() throws Exception {
    Files.writeString(root.resolve("a.txt"), "a\n");
    Files.writeString(root.resolve("b.txt"), "b\n".repeat(50));
    Files.writeString(root.resolve("c.txt"), "c\n");
    Files.writeString(root.resolve("d.txt"), "d\n");
    Files.createSymbolicLink(root.resolve("e"), Path.of("a.txt"));
    repo.git("add", "-A");
    repo.git("commit", "-qm", "one");
    String parent = repo.git("rev-parse", "HEAD").strip();
    Files.writeString(root.resolve("a.txt"), "changed\n");
    Files.move(root.resolve("b.txt"), root.resolve("b-renamed.txt"));
    Files.delete(root.resolve("c.txt"));
    Files.delete(root.resolve("d.txt"));
    Files.createSymbolicLink(root.resolve("d.txt"), Path.of("a.txt"));
    Files.delete(root.resolve("e"));
    Files.writeString(root.resolve("e"), "now a file\n");
    repo.git("add", "-A");
    repo.git("commit", "-qm", "two");
    Listing l = CommitFiles.of(root, "HEAD");
    assertEquals(parent, l.base());
    Map<RepoPath, Change> by = byPath(l);
    assertEquals(Status.MODIFIED, by.get(RepoPath.of("a.txt")).status());
    Change renamed = by.get(RepoPath.of("b-renamed.txt"));
    assertEquals(Status.RENAMED, renamed.status());
    assertEquals(RepoPath.of("b.txt"), renamed.oldPath());
    assertEquals(renamed.oldBlob(), renamed.newBlob());
    assertEquals(Status.DELETED, by.get(RepoPath.of("c.txt")).status());
    assertEquals(Status.TYPE_CHANGED, by.get(RepoPath.of("d.txt")).status());
    assertEquals(Status.TYPE_CHANGED, by.get(RepoPath.of("e")).status());
    assertEquals(
        List.of(RepoPath.of("a.txt"), RepoPath.of("b-renamed.txt"), RepoPath.of("e")),
        l.documentedPaths().stream().sorted().toList(),
        "a file that became a link is not documented; a link that became a file is");
  }

  @Test
  void an_unknown_revision_says_so_and_names_the_root() throws Exception {
    Files.writeString(root.resolve("a.txt"), "a\n");
    repo.commitAll(root, "one");
    CodeQueryException e =
        assertThrows(CodeQueryException.class, () -> CommitFiles.of(root, "no-such-branch"));
    assertTrue(e.getMessage().contains("not a commit in " + root), e.getMessage());
  }
}
