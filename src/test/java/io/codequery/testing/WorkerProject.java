package io.codequery.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A project of a config alone (no repository), for tests that start its worker. Register it as an
 * instance field ({@code @RegisterExtension}) and {@link #create} it in the test's
 * {@code @TempDir}: after each test every worker process of the project still running is killed, so
 * that a failed test leaves none behind to outlive the run and hold files of its deleted directory.
 */
public final class WorkerProject implements AfterEachCallback {
  private final String processing;
  private Path root;

  private WorkerProject(String processing) {
    this.processing = processing;
  }

  /** A project whose worker beats every {@code seconds}. */
  public static WorkerProject heartbeat(int seconds) {
    return processing("\"heartbeat_seconds\": " + seconds);
  }

  /** A project whose config's {@code processing} object holds {@code members} (JSON). */
  public static WorkerProject processing(String members) {
    return new WorkerProject(members);
  }

  /** Writes {@code dir/.code-query/config.json} and returns {@code dir} as a real path. */
  public Path create(Path dir) throws IOException {
    root = dir.toRealPath();
    Files.createDirectories(root.resolve(".code-query"));
    Files.writeString(
        root.resolve(".code-query/config.json"), "{\"processing\": {" + processing + "}}");
    return root;
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (root != null) {
      Processes.workersOf(root).forEach(ProcessHandle::destroyForcibly);
    }
  }
}
