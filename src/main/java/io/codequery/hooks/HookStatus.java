package io.codequery.hooks;

import java.nio.file.Path;

/**
 * Where one of code-query's git hooks lives and what is there.
 *
 * @param name the hook's name (post-commit, post-merge, post-rewrite, post-applypatch)
 * @param hook its path (honouring core.hooksPath and worktrees)
 * @param installed true if the hook there is code-query's
 * @param current true if it is code-query's and of the version this code-query installs (an older
 *     one keeps working as it did; `hooks install` refreshes it)
 * @param chained the user's own hook that code-query's runs first, if any
 * @param foreign true if a hook that is not code-query's occupies the path
 */
public record HookStatus(
    String name, Path hook, boolean installed, boolean current, Path chained, boolean foreign) {}
