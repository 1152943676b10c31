package io.codequery.pgstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.codequery.process.HostId;
import io.codequery.queue.EndOrphanedRuns;
import io.codequery.store.Job;
import io.codequery.store.JobState;
import io.codequery.store.RecordedRun;
import io.codequery.testing.TestPostgres;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Containers and namespaced hosts on one machine share its boot, not their PIDs. A run another such
 * host recorded on the shared store is not this host's to end: the orphan sweep a starting worker
 * makes leaves its job to its lease, even where its owner's PID names nothing here. (Runs were once
 * recorded under the boot id alone, and a sweep on a second container freed the first one's running
 * jobs.)
 */
@EnabledOnOs(OS.LINUX)
class PgRunsOfOtherHostsTest {
  @RegisterExtension static final TestPostgres PG = new TestPostgres();

  private static final Duration LEASE = Duration.ofMinutes(5);

  private static final Supplier<Duration> NO_SHIFT = () -> Duration.ZERO;

  /** A PID that names no process here: a child that has exited and been reaped. */
  private static long gonePid() throws Exception {
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    return p.pid();
  }

  private static PostgresStore store(String database) {
    return PgTestStores.open(PG.server().jdbcUrl(database), 2, Duration.ofSeconds(60), NO_SHIFT);
  }

  @Test
  void a_run_recorded_by_another_host_of_this_machine_is_left_to_its_lease() throws Exception {
    HostId here = HostId.thisHost();
    HostId neighbour = new HostId(here.machineId(), here.bootId(), "pid:[4026000001]");
    try (PostgresStore store = store(PG.createDatabase("neighbour"))) {
      store.enqueue("c1", List.of("a.txt"));
      long pid = gonePid();
      Job running = store.claim("pid-" + pid + "-neighbour-s1", LEASE).orElseThrow();
      assertTrue(store.recordRun(running, new RecordedRun(pid, 12345, neighbour.format())));

      assertEquals(0, store.endOrphanedRuns("pid-" + ProcessHandle.current().pid() + "-"));
      assertEquals(Optional.empty(), store.claim("pid-1-other-s1", LEASE), "its lease holds");
      Job still = store.list(Optional.empty(), 10).get(0);
      assertEquals(JobState.RUNNING, still.state());
      assertEquals(running.leaseOwner(), still.leaseOwner());
    }
  }

  @Test
  void a_run_this_host_recorded_under_a_gone_owner_is_freed_by_the_sweep() throws Exception {
    try (PostgresStore store = store(PG.createDatabase("here"))) {
      store.enqueue("c1", List.of("a.txt"));
      long pid = gonePid();
      Job running = store.claim("pid-" + pid + "-dead-s1", LEASE).orElseThrow();
      assertTrue(store.recordRun(running, new RecordedRun(pid, 12345, HostId.thisHost().format())));

      assertEquals(1, store.endOrphanedRuns("pid-" + ProcessHandle.current().pid() + "-"));
      Job again = store.claim("pid-1-other-s1", LEASE).orElseThrow();
      assertEquals(running.id(), again.id());
    }
  }

  @Test
  void where_a_run_means_something_here() {
    HostId here = HostId.thisHost();
    assertTrue(EndOrphanedRuns.ranOnThisHost(new RecordedRun(1, 1, here.format())));
    assertFalse(
        EndOrphanedRuns.ranOnThisHost(
            new RecordedRun(
                1, 1, new HostId(here.machineId(), here.bootId(), "pid:[4026000001]").format())),
        "another PID namespace of this boot");
    assertFalse(
        EndOrphanedRuns.ranOnThisHost(
            new RecordedRun(
                1, 1, new HostId(here.machineId(), "another-boot", here.pidNamespace()).format())),
        "an earlier boot");
    assertTrue(
        EndOrphanedRuns.ranOnThisHost(new RecordedRun(1, 1, here.bootId())),
        "a run recorded before host ids, under this boot");
    assertFalse(EndOrphanedRuns.ranOnThisHost(new RecordedRun(1, 1, "another-boot")));
  }
}
