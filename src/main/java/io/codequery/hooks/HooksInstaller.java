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

/**
 * Installs, removes and describes code-query's {@code post-commit} hook. Honours {@code
 * core.hooksPath} and linked worktrees (git itself says where hooks live); refuses bare
 * repositories. A hook the user already has is chained — moved aside and run first by ours — and
 * {@code uninstall} puts it back exactly (a rename: same bytes, same mode).
 */
public final class HooksInstaller {
  /** Marks a hook file as ours. */
  static final String MARK = "code-query-hook-version:";

  static final String CHAINED_SUFFIX = ".code-query-chained";

  /**
   * The hooks installed: post-commit for commits, post-merge for merges that need no commit of
   * their own (no conflicts) and fast-forwards. Both run the same script.
   */
  public static final List<String> HOOKS = List.of("post-commit", "post-merge");

  private static final String TEMPLATE = "/io/codequery/hooks/post-commit.sh";

  private final Path projectRoot;
  private final Path launcher;

  /**
   * @param projectRoot the project (a git working tree)
   * @param launcher the {@code code-query} launcher the hook calls for its fallbacks (may be null)
   */
  public HooksInstaller(Path projectRoot, Path launcher) {
    this.projectRoot = projectRoot;
    this.launcher = launcher;
  }

  /** The post-commit hook's status (post-merge is installed and removed with it). */
  public HookStatus status() {
    return status("post-commit");
  }

  public HookStatus status(String name) {
    Path hook = hookPath(name);
    Path chained = hook.resolveSibling(hook.getFileName() + CHAINED_SUFFIX);
    boolean ours = isOurs(hook);
    boolean foreign = !ours && Files.exists(hook, LinkOption.NOFOLLOW_LINKS);
    return new HookStatus(
        hook,
        ours,
        ours && Files.exists(chained, LinkOption.NOFOLLOW_LINKS) ? chained : null,
        foreign);
  }

  /** Installs (or refreshes) the hooks; idempotent. Returns what is installed now. */
  public HookStatus install() throws IOException {
    for (String name : HOOKS) {
      install(name);
    }
    return status();
  }

  /** Removes our hooks and restores chained ones. Returns what is there afterwards. */
  public HookStatus uninstall() throws IOException {
    for (String name : HOOKS) {
      uninstall(name);
    }
    return status();
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
    String path = Git.query(projectRoot, "rev-parse", "--git-path", "hooks/" + name);
    Path p = Path.of(path);
    return (p.isAbsolute() ? p : projectRoot.resolve(p)).normalize();
  }

  static boolean isOurs(Path hook) {
    if (!Files.isRegularFile(hook, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    try (InputStream in = Files.newInputStream(hook, LinkOption.NOFOLLOW_LINKS)) {
      return new String(in.readNBytes(4096), StandardCharsets.UTF_8).contains(MARK);
    } catch (IOException e) {
      return false;
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
    return template
        .replace("@ROOT@", shellQuote(projectRoot.toString()))
        .replace("@LAUNCHER@", shellQuote(launcher == null ? "" : launcher.toString()))
        .replace("@CHAINED@", shellQuote(chained == null ? "" : chained.toString()));
  }

  /** One single-quoted sh word: safe for any string. */
  static String shellQuote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }
}
