package io.codequery.hooks;

import java.nio.file.Path;

/**
 * Where the post-commit hook lives and what is there.
 *
 * @param hook the post-commit hook path (honouring core.hooksPath and worktrees)
 * @param installed true if the hook there is code-query's
 * @param chained the user's own hook that code-query's runs first, if any
 * @param foreign true if a hook that is not code-query's occupies the path
 */
public record HookStatus(Path hook, boolean installed, Path chained, boolean foreign) {}
