package io.codequery.faults;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * {@link FaultKind#DISK_FULL_PID}: with the worker stopped and {@code .code-query/} full, {@code
 * worker start} must fail and say the disk is full; no worker runs, and the failed write leaves
 * neither a half-written PID file nor a temp file.
 */
final class FillDiskBeforeStart implements Fault {
  @Override
  public void apply(FaultFixture fx, FaultKind kind) throws Exception {
    Path cq = fx.project.cq;
    fx.workers.stop();
    // The worker opens its queue before it publishes its files. A connection held open here keeps
    // the database's -wal and -shm files in place, so that the worker's open needs no new space
    // and the full disk bites at the identity and PID file writes instead.
    Connection holder = null;
    if (fx.rnd.nextBoolean() && Files.exists(cq.resolve("queue.db"))) {
      holder = DriverManager.getConnection("jdbc:sqlite:" + cq.resolve("queue.db"));
      try (Statement st = holder.createStatement()) {
        st.execute("PRAGMA user_version");
        fx.figures.note("disk-full-pid with the queue's files kept open");
      } catch (SQLException e) {
        holder.close();
        holder = null;
      }
    }
    fx.disk.fill();
    try (Connection ignored = holder) {
      Bounded.Result s =
          fx.commands.cli(
              "worker",
              "start",
              "--wait-seconds",
              "30",
              "--project-root",
              fx.project.root.toString());
      fx.violations.check(
          s.code() == 1 && s.err().toLowerCase(Locale.ROOT).contains("space"),
          Invariant.CLEAR_REFUSAL,
          "worker start on a full disk must fail and say the disk is full: " + s.oneLine());
      if (s.code() == 0) {
        fx.workers.stop();
      }
      Poll.until(Duration.ofSeconds(30), () -> fx.workers.live().isEmpty());
      fx.violations.check(
          fx.workers.live().isEmpty(),
          Invariant.FULL_DISK,
          "a worker runs without a PID file on a full disk");
      Path pid = fx.project.pidFile();
      if (Files.exists(pid)) {
        String text = Files.readString(pid, StandardCharsets.ISO_8859_1);
        fx.violations.check(
            text.matches("[1-9][0-9]*\n"),
            Invariant.ATOMIC_PID_FILE,
            "half-written PID file on a full disk: "
                + Violations.printable(text.getBytes(StandardCharsets.ISO_8859_1)));
      }
      try (Stream<Path> files = Files.list(cq)) {
        List<String> litter =
            files
                .map(p -> p.getFileName().toString())
                .filter(n -> Invariants.WRITER_TEMP_FILE.matcher(n).find())
                .toList();
        fx.violations.check(
            litter.isEmpty(),
            Invariant.ATOMIC_PID_FILE,
            "a failed write left its temp file(s): " + litter);
      }
    } finally {
      fx.disk.free();
    }
  }
}
