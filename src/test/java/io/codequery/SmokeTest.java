package io.codequery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.codequery.testing.Processes;
import io.codequery.testing.RealWorker;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SmokeTest {
  @TempDir Path root;

  @Test
  void real_worker_is_running_and_forged_argv_is_stale() throws Exception {
    try (RealWorker w = RealWorker.start(root)) {
      Detection d = new WorkerDetector(root).detect();
      assertInstanceOf(Detection.Running.class, d, d.reason());
      assertEquals(w.pid(), d.pid().getAsInt());
      assertEquals(0, w.terminate());
    }
    Process forged = Processes.forgedWorker(root.toRealPath().toString());
    try {
      Files.writeString(root.resolve(".code-query/worker.pid"), forged.pid() + "\n");
      Detection d = new MinimalWorkerDetector(root).detect();
      assertEquals("unknown", d.outcome(), d.reason());
    } finally {
      Processes.kill(forged);
    }
  }
}
