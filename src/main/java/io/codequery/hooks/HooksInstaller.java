package io.codequery.hooks;

import io.codequery.CodeQueryException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Installs, removes and describes code-query's git hooks ({@link #HOOKS}: one script under four
 * names). Honours {@code core.hooksPath} and linked worktrees (git itself says where hooks live);
 * refuses bare repositories. A hook the user already has is chained — moved aside and run first by
 * ours — and {@code uninstall} puts it back exactly (a rename: same bytes, same mode).
 */
public final class HooksInstaller {
  /** Marks a hook file as ours. */
  static final String MARK = "code-query-hook-version:";

  static final String CHAINED_SUFFIX = ".code-query-chained";

  /**
   * The hooks installed, all running the same script: post-commit for commits (rebases with the
   * merge backend included), post-merge for merges that need no commit of their own (no conflicts)
   * and fast-forwards, post-applypatch for {@code git am} and {@code git rebase --apply}, and
   * post-rewrite for the commits a rebase made (a safety net: a commit recorded twice is queued
   * once).
   */
  public static final List<String> HOOKS =
      List.of("post-commit", "post-merge", "post-rewrite", "post-applypatch");

  /** The version the template carries after {@link #MARK}. */
  static final int VERSION = 2;

  private static final String TEMPLATE = "/io/codequery/hooks/post-commit.sh";
  private static final Pattern VERSION_NUMBER = Pattern.compile(" *(\\d{1,6})");

  private final Path projectRoot;
  private final Path launcher;
  private volatile Path hooksDir;

  /**
   * @param projectRoot the project (a git working tree)
   * @param launcher the {@code code-query} launcher the hook calls for its fallbacks (may be null)
   */
  public HooksInstaller(Path projectRoot, Path launcher) {
    this.projectRoot = projectRoot;
    this.launcher = launcher;
  }

  /** The post-commit hook's status. */
  public HookStatus status() {
    return status("post-commit");
  }

  /** The status of every hook of {@link #HOOKS}, in that order. */
  public List<HookStatus> statuses() {
    return HOOKS.stream().map(this::status).toList();
  }

  public HookStatus status(String name) {
    Path hook = hookPath(name);
    Path chained = hook.resolveSibling(hook.getFileName() + CHAINED_SUFFIX);
    int version = versionOf(hook);
    boolean ours = version > 0;
    boolean foreign = !ours && Files.exists(hook, LinkOption.NOFOLLOW_LINKS);
    return new HookStatus(
        name,
        hook,
        ours,
        version == VERSION,
        ours && Files.exists(chained, LinkOption.NOFOLLOW_LINKS) ? chained : null,
        foreign);
  }

  /** Installs (or refreshes) every hook; idempotent. Returns what is installed now. */
  public List<HookStatus> install() throws IOException {
    for (String name : HOOKS) {
      install(name);
    }
    return statuses();
  }

  /** Removes our hooks and restores chained ones. Returns what is there afterwards. */
  public List<HookStatus> uninstall() throws IOException {
    for (String name : HOOKS) {
      uninstall(name);
    }
    return statuses();
  }

  private void install(String name) throws IOException {
    Path hook = hookPath(name);
    Files.createDirectories(hook.getParent());
    Path chained = hook.resolveSibling(hook.getFileName() + CHAINED_SUFFIX);
    if (!isOurs(hook) && Files.exists(hook, LinkOption.NOFOLLOW_LINKS)) {
      if (Files.exists(chained, LinkOption.NOFOLLOW_LINKS)) {
        throw new CodeQueryException(
            hook
                + " is not code-query's hook, and "
                + chained
                + " (a hook chained earlier) exists too. Merge them by hand into one of the two,"
                + " remove the other, and run `hooks install` again.");
      }
      Files.move(hook, chained, StandardCopyOption.ATOMIC_MOVE);
    }
    String script = render(Files.exists(chained, LinkOption.NOFOLLOW_LINKS) ? chained : null);
    Path tmp = hook.resolveSibling("." + hook.getFileName() + ".code-query-tmp");
    Files.writeString(tmp, script, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.move(tmp, hook, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private void uninstall(String name) throws IOException {
    Path hook = hookPath(name);
    if (!isOurs(hook)) {
      return;
    }
    Path chained = hook.resolveSibling(hook.getFileName() + CHAINED_SUFFIX);
    if (Files.exists(chained, LinkOption.NOFOLLOW_LINKS)) {
      Files.move(
          chained, hook, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } else {
      Files.delete(hook);
    }
  }

  /** {@code <hooks dir>/post-commit}, as git resolves it for this working tree. */
  public Path hookPath() {
    return hookPath("post-commit");
  }

  /** {@code <hooks dir>/<name>}, as git resolves it for this working tree. */
  public Path hookPath(String name) {
    return hooksDir().resolve(name);
  }

  /** The hooks directory, as git resolves it for this working tree (asked once per installer). */
  public Path hooksDir() {
    Path dir = hooksDir;
    if (dir == null) {
      dir = askGitForHooksDir();
      hooksDir = dir;
    }
    return dir;
  }

  private Path askGitForHooksDir() {
    Git.Result top = Git.run(projectRoot, "rev-parse", "--is-bare-repository");
    if (top.status() != 0) {
      throw new CodeQueryException(
          projectRoot
              + " is not in a git repository ("
              + top.err().strip()
              + "). Run `git init` there first, or pass --project-root.");
    }
    if (top.out().strip().equals("true")) {
      throw new CodeQueryException(
          projectRoot
              + " is a bare git repository: it has no working tree and no commits"
              + " are made in it. Install the hook in a clone with a working tree.");
    }
    String path = Git.query(projectRoot, "rev-parse", "--git-path", "hooks");
    Path p = Path.of(path);
    return (p.isAbsolute() ? p : projectRoot.resolve(p)).normalize();
  }

  static boolean isOurs(Path hook) {
    return versionOf(hook) > 0;
  }

  /** The version of code-query's hook at {@code hook}: 0 if it is not ours (or not a file). */
  static int versionOf(Path hook) {
    if (!Files.isRegularFile(hook, LinkOption.NOFOLLOW_LINKS)) {
      return 0;
    }
    try (InputStream in = Files.newInputStream(hook, LinkOption.NOFOLLOW_LINKS)) {
      String head = new String(in.readNBytes(4096), StandardCharsets.UTF_8);
      int at = head.indexOf(MARK);
      if (at < 0) {
        return 0;
      }
      Matcher m = VERSION_NUMBER.matcher(head.substring(at + MARK.length()));
      return m.lookingAt() ? Integer.parseInt(m.group(1)) : 1;
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
  }

  String render(Path chained) throws IOException {
    String template;
    try (InputStream in = HooksInstaller.class.getResourceAsStream(TEMPLATE)) {
      if (in == null) {
        throw new IllegalStateException("hook template " + TEMPLATE + " missing from the jar");
      }
      template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    return withoutComments(template)
        .replace("@ROOT@", shellQuote(projectRoot.toString()))
        .replace("@LAUNCHER@", shellQuote(launcher == null ? "" : launcher.toString()))
        .replace("@CHAINED@", shellQuote(chained == null ? "" : chained.toString()));
  }

  /**
   * The template without its comment lines, but for the header (what the file is, its version): a
   * shell parses every line of a function it defines, comments included, and the hook runs on every
   * commit (an eighth of what the shell does on the running path). The template itself, commented,
   * is the one to read. No line of the template's here-documents starts with '#'.
   */
  static String withoutComments(String template) {
    StringBuilder out = new StringBuilder(template.length());
    boolean header = true;
    for (String line : template.split("\n", -1)) {
      boolean comment = line.stripLeading().startsWith("#");
      header &= comment;
      if (header || !comment) {
        out.append(line).append('\n');
      }
    }
    out.setLength(out.length() - 1); // split(-1) gave one more piece than there were newlines
    return out.toString();
  }

  /** One single-quoted sh word: safe for any string. */
  static String shellQuote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }
}
