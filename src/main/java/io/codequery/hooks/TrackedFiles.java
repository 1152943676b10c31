package io.codequery.hooks;

import io.codequery.CodeQueryException;
import io.codequery.project.RepoPath;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Every file git tracks at a commit: {@code git ls-tree -r -z --full-tree}, names as bytes, with
 * modes and blob ids; {@code .code-query/} itself is left out, as {@link CommitFiles} leaves it.
 */
public final class TrackedFiles {
  private static final byte[] OWN_DIR = ".code-query/".getBytes(StandardCharsets.US_ASCII);

  private TrackedFiles() {}

  /** One entry of the tree. */
  public record Entry(RepoPath path, String mode, String blob) {
    public CommitFiles.Kind kind() {
      return CommitFiles.Kind.of(mode);
    }
  }

  /**
   * The tree of one commit.
   *
   * @param commit the full id of the commit listed
   */
  public record Tree(String commit, List<Entry> entries) {
    public Tree {
      entries = List.copyOf(entries);
    }

    /** The regular files (not links, not submodules): what is documented. */
    public List<Entry> files() {
      return entries.stream().filter(e -> e.kind() == CommitFiles.Kind.FILE).toList();
    }

    /** How many entries are of {@code kind}. */
    public long count(CommitFiles.Kind kind) {
      return entries.stream().filter(e -> e.kind() == kind).count();
    }
  }

  /**
   * The tree of HEAD; empty where the repository has no commit yet.
   *
   * @throws CodeQueryException with git's own message where {@code root} is no git repository (or
   *     git cannot read it)
   */
  public static Optional<Tree> atHead(Path root) {
    Git.Result head = Git.run(root, "rev-parse", "-q", "--verify", "HEAD^{commit}");
    if (head.status() != 0) {
      String said = head.err().strip();
      if (said.isEmpty()) {
        return Optional.empty(); // -q: HEAD names no commit yet
      }
      throw new CodeQueryException("cannot read HEAD in " + root + ": git says: " + said);
    }
    return Optional.of(at(root, head.out().strip()));
  }

  /**
   * The tree of {@code revision} in the repository at {@code root}.
   *
   * @throws CodeQueryException naming the revision and what git said, where it is not a commit
   */
  public static Tree at(Path root, String revision) {
    String commit = CommitFiles.resolveCommit(root, revision);
    Git.Result r = Git.run(root, "ls-tree", "-r", "-z", "--full-tree", commit);
    if (r.status() != 0) {
      throw new CodeQueryException(
          "git ls-tree failed for " + commit + " in " + root + ": " + r.err().strip());
    }
    return new Tree(commit, parse(r.stdout()));
  }

  /**
   * Parses {@code ls-tree -z} output: {@code <mode> SP <type> SP <id> TAB <path> NUL} per entry.
   *
   * @throws IllegalArgumentException on output that does not follow the format
   */
  static List<Entry> parse(byte[] out) {
    List<Entry> entries = new ArrayList<>();
    int i = 0;
    while (i < out.length) {
      int tab = indexOf(out, (byte) '\t', i);
      int end = indexOf(out, (byte) 0, i);
      if (tab < 0 || end < 0 || tab > end) {
        throw new IllegalArgumentException("unexpected ls-tree output at byte " + i);
      }
      String[] f = new String(out, i, tab - i, StandardCharsets.US_ASCII).split(" ");
      if (f.length != 3) {
        throw new IllegalArgumentException("unexpected ls-tree entry: " + Arrays.toString(f));
      }
      byte[] name = Arrays.copyOfRange(out, tab + 1, end);
      i = end + 1;
      if (startsWith(name, OWN_DIR)) {
        continue;
      }
      entries.add(new Entry(RepoPath.ofBytes(name), f[0], f[2]));
    }
    return entries;
  }

  private static boolean startsWith(byte[] b, byte[] prefix) {
    return b.length >= prefix.length
        && Arrays.equals(b, 0, prefix.length, prefix, 0, prefix.length);
  }

  private static int indexOf(byte[] b, byte value, int from) {
    for (int i = from; i < b.length; i++) {
      if (b[i] == value) {
        return i;
      }
    }
    return -1;
  }
}
