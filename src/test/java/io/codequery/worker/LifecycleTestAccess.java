package io.codequery.worker;

import java.nio.file.Path;
import java.util.List;

/** {@link LifecycleTest}'s search for a project's worker processes, for tests of other packages. */
public final class LifecycleTestAccess {
  private LifecycleTestAccess() {}

  public static List<ProcessHandle> workersOf(Path root) {
    return LifecycleTest.workersOf(root);
  }
}
