package io.codequery.hooks;

import io.codequery.CodeQueryException;
import io.codequery.project.RepoPath;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What a commit changed, as git lists it: {@code git diff-tree -r -z --raw -M} against the first
 * parent (a root commit: {@code --root}, everything added; a merge or fast-forward recorded by
 * post-merge: against where the branch was). One {@link Change} per path, names as bytes, with
 * modes and blob ids; {@code .code-query/} itself is never listed. This is the one definition of
 * "the files of a commit": the hook records only the commit id and the worker asks here.
 */
public final class CommitFiles {
  /** code-query's own files (config, ignore file) are never documented. */
  static final String EXCLUDE = ":(exclude).code-query";

  private CommitFiles() {}

  /** What happened to one path. */
  public enum Status {
    ADDED('A'),
    COPIED('C'),
    DELETED('D'),
    MODIFIED('M'),
    RENAMED('R'),
    TYPE_CHANGED('T'),
    UNMERGED('U'),
    UNKNOWN('X');

    private final char letter;

    Status(char letter) {
      this.letter = letter;
    }

    public char letter() {
      return letter;
    }

    static Status of(char letter) {
      for (Status s : values()) {
        if (s.letter == letter) {
          return s;
        }
      }
      throw new IllegalArgumentException("unknown diff status " + letter);
    }
  }

  /** The kind of object a mode names. */
  public enum Kind {
    /** No object (the old side of an addition, the new side of a deletion). */
    NONE,
    FILE,
    SYMLINK,
    /** A submodule's commit (mode 160000). */
    GITLINK;

    /** The kind of object an octal mode names. */
    public static Kind of(String mode) {
      return switch (mode) {
        case "000000" -> NONE;
        case "120000" -> SYMLINK;
        case "160000" -> GITLINK;
        default -> FILE; // 100644, 100755 (and the historical 100664)
      };
    }
  }

  /**
   * One entry of the listing.
   *
   * @param score similarity of a rename or copy in percent; 0 otherwise
   * @param oldPath the path before (the source of a rename or copy; else the path itself)
   * @param newPath the path after (for a deletion: the deleted path)
   * @param oldMode octal mode before, "000000" for an addition
   * @param newMode octal mode after, "000000" for a deletion
   * @param oldBlob object id before, all zeros for an addition
   * @param newBlob object id after, all zeros for a deletion
   */
  public record Change(
      Status status,
      int score,
      RepoPath oldPath,
      RepoPath newPath,
      String oldMode,
      String newMode,
      String oldBlob,
      String newBlob) {

    public Kind newKind() {
      return Kind.of(newMode);
    }

    public Kind oldKind() {
      return Kind.of(oldMode);
    }

    /**
     * Documented today: added, copied, modified, renamed or re-typed, and a file after the change
     * (a submodule's commit or a symbolic link's target text is not a file to document).
     */
    public boolean isDocumented() {
      return status != Status.DELETED
          && status != Status.UNMERGED
          && status != Status.UNKNOWN
          && newKind() == Kind.FILE;
    }
  }

  /**
   * A commit's listing.
   *
   * @param commit the full id of the commit listed
   * @param base what it was compared with (a commit id), or null for a root commit
   */
  public record Listing(String commit, String base, List<Change> changes) {
    public Listing {
      changes = List.copyOf(changes);
    }

    /** The entries documented today (see {@link Change#isDocumented()}). */
    public List<Change> documented() {
      return changes.stream().filter(Change::isDocumented).toList();
    }

    /** The paths documented today. */
    public List<RepoPath> documentedPaths() {
      return documented().stream().map(Change::newPath).toList();
    }

    /** How many entries are left out because they are of {@code kind} after the change. */
    public long skipped(Kind kind) {
      return changes.stream()
          .filter(c -> c.status() != Status.DELETED && c.newKind() == kind)
          .count();
    }
  }

  /** The changes of {@code revision} against its first parent (a root commit: all its files). */
  public static Listing of(Path root, String revision) {
    return between(root, null, revision);
  }

  /**
   * The changes from {@code base} to {@code revision} (a merge or fast-forward, as the post-merge
   * hook records it); with a null base, as {@link #of}.
   */
  public static Listing between(Path root, String base, String revision) {
    String commit = resolve(root, revision);
    String from = base == null ? null : resolve(root, base);
    if (from == null) {
      Git.Result parent = Git.run(root, "rev-parse", "-q", "--verify", commit + "^1");
      if (parent.status() == 0) {
        from = parent.out().strip();
      }
    }
    List<String> args =
        new ArrayList<>(
            List.of("diff-tree", "-r", "-z", "--raw", "-M", "--no-abbrev", "--no-commit-id"));
    if (from != null) {
      args.add(from);
    } else {
      args.add("--root");
    }
    args.addAll(List.of(commit, "--", ".", EXCLUDE));
    Git.Result diff = Git.run(root, args.toArray(String[]::new));
    if (diff.status() != 0) {
      throw new CodeQueryException(
          "git diff-tree failed for " + commit + " in " + root + ": " + diff.err().strip());
    }
    return new Listing(commit, from, parseRaw(diff.stdout()));
  }

  /**
   * Parses {@code git diff-tree -r -z --raw} output: for each entry {@code :<old mode> <new mode>
   * <old id> <new id> <status>[score] NUL <path> NUL}, with a second path (the destination) for
   * renames and copies. Names are kept as bytes.
   *
   * @throws IllegalArgumentException on output that does not follow the format
   */
  static List<Change> parseRaw(byte[] out) {
    List<Change> changes = new ArrayList<>();
    int i = 0;
    while (i < out.length) {
      int headerEnd = indexOf(out, (byte) 0, i);
      if (out[i] != ':' || headerEnd < 0) {
        throw new IllegalArgumentException("unexpected diff-tree output at byte " + i);
      }
      String[] f = new String(out, i + 1, headerEnd - i - 1, StandardCharsets.US_ASCII).split(" ");
      if (f.length != 5 || f[4].isEmpty()) {
        throw new IllegalArgumentException("unexpected diff-tree entry: " + Arrays.toString(f));
      }
      Status status = Status.of(f[4].charAt(0));
      int score = f[4].length() > 1 ? Integer.parseInt(f[4].substring(1)) : 0;
      i = headerEnd + 1;
      int end = indexOf(out, (byte) 0, i);
      if (end < 0) {
        throw new IllegalArgumentException("diff-tree output ends inside a path");
      }
      RepoPath first = RepoPath.ofBytes(Arrays.copyOfRange(out, i, end));
      i = end + 1;
      RepoPath second = first;
      if (status == Status.RENAMED || status == Status.COPIED) {
        end = indexOf(out, (byte) 0, i);
        if (end < 0) {
          throw new IllegalArgumentException("diff-tree output ends inside a path");
        }
        second = RepoPath.ofBytes(Arrays.copyOfRange(out, i, end));
        i = end + 1;
      }
      changes.add(new Change(status, score, first, second, f[0], f[1], f[2], f[3]));
    }
    return changes;
  }

  private static int indexOf(byte[] b, byte value, int from) {
    for (int i = from; i < b.length; i++) {
      if (b[i] == value) {
        return i;
      }
    }
    return -1;
  }

  /**
   * The full id of the commit {@code revision} names.
   *
   * @throws CodeQueryException naming the revision and what git said, where it is not a commit
   */
  public static String resolveCommit(Path root, String revision) {
    return resolve(root, revision);
  }

  private static String resolve(Path root, String revision) {
    if (revision.startsWith("-")) {
      throw new CodeQueryException("commit " + revision + ": a revision cannot start with '-'");
    }
    Git.Result r = Git.run(root, "rev-parse", "-q", "--verify", revision + "^{commit}");
    if (r.status() != 0) {
      // -q silences git only for a revision it cannot find; anything it still says (dubious
      // ownership of the repository, no repository at all) is the real reason: pass it on.
      String said = r.err().strip();
      throw new CodeQueryException(
          "commit "
              + revision
              + ": "
              + (said.isEmpty() ? "not a commit in " + root : "git says: " + said));
    }
    return r.out().strip();
  }
}
