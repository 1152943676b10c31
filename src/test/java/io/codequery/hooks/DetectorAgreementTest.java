package io.codequery.hooks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.codequery.Detection;
import io.codequery.MinimalWorkerDetector;
import io.codequery.testing.Processes;
import io.codequery.testing.RealWorker;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared table of cases: PID-file contents × process kinds. The hook's shell detector and
 * {@link MinimalWorkerDetector} must give the same outcome for every row.
 */
class DetectorAgreementTest {
  @TempDir static Path tmp;
  static Path script;
  static Path root;
  static Path other;
  static RealWorker ours;
  static RealWorker theirs;
  static Process sleep;
  static Process forged;
  static int deadPid;
  static byte[] ourIdentity;
  static byte[] theirIdentity;

  @BeforeAll
  static void world() throws Exception {
    script = tmp.resolve("post-commit.sh");
    try (InputStream in =
        DetectorAgreementTest.class.getResourceAsStream("/io/codequery/hooks/post-commit.sh")) {
      Files.write(script, in.readAllBytes());
    }
    root = Files.createDirectories(tmp.resolve("project/.code-query")).getParent().toRealPath();
    other = Files.createDirectories(tmp.resolve("other/.code-query")).getParent().toRealPath();
    // No self-check during the test: the worker must not rewrite the files each case lays out.
    Files.writeString(
        root.resolve(".code-query/config.json"), "{\"processing\": {\"heartbeat_seconds\": 3600}}");
    ours = RealWorker.start(root);
    theirs = RealWorker.start(other);
    ourIdentity = Files.readAllBytes(root.resolve(".code-query/worker.identity"));
    theirIdentity = Files.readAllBytes(other.resolve(".code-query/worker.identity"));
    sleep = Processes.sleep();
    forged = Processes.forgedWorker(root.toString());
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor(30, TimeUnit.SECONDS);
    deadPid = (int) gone.pid();
  }

  @AfterAll
  static void cleanUp() throws Exception {
    ours.close();
    theirs.close();
    Processes.kill(sleep);
    Processes.kill(forged);
  }

  /** One row: how to lay out the case, then the expected outcome. */
  record Case(String name, Setup setup, String expected) {}

  interface Setup {
    void apply(Path dir) throws Exception;
  }

  static Setup pidFile(String contents) {
    return d -> Files.write(d.resolve("worker.pid"), contents.getBytes(StandardCharsets.UTF_8));
  }

  static Setup pidFile(String contents, byte[] identity) {
    return d -> {
      Files.write(d.resolve("worker.pid"), contents.getBytes(StandardCharsets.UTF_8));
      Files.write(d.resolve("worker.identity"), identity);
    };
  }

  static byte[] withPid(byte[] identity, long pid) {
    return new String(identity, StandardCharsets.UTF_8)
        .replaceFirst("(?m)^pid=\\d+", "pid=" + pid)
        .getBytes(StandardCharsets.UTF_8);
  }

  static List<Case> table() {
    int pidMax = Integer.parseInt(read("/proc/sys/kernel/pid_max"));
    String oursPid = ours.pid() + "\n";
    List<Case> t = new ArrayList<>();
    t.add(new Case("no PID file", d -> {}, "not_running"));
    t.add(new Case("empty", pidFile(""), "invalid"));
    t.add(new Case("whitespace only", pidFile(" \n\t"), "invalid"));
    t.add(new Case("letters", pidFile("abc\n"), "invalid"));
    t.add(new Case("zero", pidFile("0\n"), "invalid"));
    t.add(new Case("minus one", pidFile("-1\n"), "invalid"));
    t.add(new Case("plus sign", pidFile("+" + oursPid), "invalid"));
    t.add(new Case("leading zeros", pidFile("00" + oursPid), "invalid"));
    t.add(new Case("two tokens", pidFile(ours.pid() + " " + ours.pid() + "\n"), "invalid"));
    t.add(new Case("overflow", pidFile("99999999999999999999\n"), "invalid"));
    t.add(new Case("beyond pid_max", pidFile(pidMax + "\n"), "invalid"));
    t.add(new Case("arabic-indic digits", pidFile("\u0661\u0662\u0663\n"), "invalid"));
    t.add(new Case("NUL byte", pidFile(ours.pid() + "\0\n"), "invalid"));
    t.add(new Case("huge file", pidFile("1".repeat(100)), "invalid"));
    t.add(new Case("CRLF is whitespace", pidFile(ours.pid() + "\r\n", ourIdentity), "running"));
    t.add(new Case("dead PID", pidFile(deadPid + "\n"), "stale"));
    t.add(
        new Case(
            "dead PID with our identity",
            pidFile(deadPid + "\n", withPid(ourIdentity, deadPid)),
            "stale"));
    t.add(new Case("live stranger", pidFile(sleep.pid() + "\n"), "stale"));
    t.add(
        new Case(
            "live stranger with a record naming it",
            pidFile(sleep.pid() + "\n", withPid(ourIdentity, sleep.pid())),
            "stale"));
    t.add(new Case("forged argv, no record", pidFile(forged.pid() + "\n"), "unknown"));
    t.add(
        new Case(
            "forged argv, record of a dead worker",
            pidFile(forged.pid() + "\n", withPid(ourIdentity, forged.pid())),
            "stale"));
    t.add(new Case("another project's worker", pidFile(theirs.pid() + "\n"), "stale"));
    t.add(
        new Case(
            "another project's worker with its record",
            pidFile(theirs.pid() + "\n", theirIdentity),
            "stale"));
    t.add(new Case("this project's worker", pidFile(oursPid, ourIdentity), "running"));
    t.add(new Case("this project's worker, no record", pidFile(oursPid), "unknown"));
    t.add(
        new Case(
            "this project's worker, record from another boot",
            pidFile(
                oursPid,
                new String(ourIdentity, StandardCharsets.UTF_8)
                    .replaceFirst(
                        "(?m)^boot_id=.*$", "boot_id=00000000-0000-0000-0000-000000000000")
                    .getBytes(StandardCharsets.UTF_8)),
            "stale"));
    t.add(
        new Case(
            "this project's worker, record with another start time",
            pidFile(
                oursPid,
                new String(ourIdentity, StandardCharsets.UTF_8)
                    .replaceFirst("(?m)^start_ticks=\\d+", "start_ticks=1")
                    .getBytes(StandardCharsets.UTF_8)),
            "stale"));
    t.add(
        new Case(
            "this project's worker, corrupted record",
            pidFile(oursPid, "garbage\n".getBytes(StandardCharsets.UTF_8)),
            "unknown"));
    t.add(
        new Case(
            "this project's worker, record naming another root",
            pidFile(
                oursPid,
                new String(ourIdentity, StandardCharsets.UTF_8)
                    .replaceFirst("(?m)^root=.*$", "root=/elsewhere")
                    .getBytes(StandardCharsets.UTF_8)),
            "unknown"));
    t.add(
        new Case(
            "this project's worker, record cut short",
            pidFile(oursPid, Arrays.copyOf(ourIdentity, ourIdentity.length - 3)),
            "unknown"));
    t.add(new Case("PID 1", pidFile("1\n"), "stale"));
    t.add(
        new Case(
            "symlink to the real PID file",
            d -> {
              Files.write(d.resolve("real.pid"), oursPid.getBytes(StandardCharsets.US_ASCII));
              Files.write(d.resolve("worker.identity"), ourIdentity);
              Files.createSymbolicLink(d.resolve("worker.pid"), d.resolve("real.pid"));
            },
            "unknown"));
    t.add(
        new Case(
            "dangling symlink",
            d -> Files.createSymbolicLink(d.resolve("worker.pid"), d.resolve("nowhere")),
            "unknown"));
    t.add(new Case("directory", d -> Files.createDirectory(d.resolve("worker.pid")), "unknown"));
    t.add(
        new Case(
            "FIFO",
            d -> {
              Process p = new ProcessBuilder("mkfifo", d.resolve("worker.pid").toString()).start();
              p.waitFor(30, TimeUnit.SECONDS);
            },
            "unknown"));
    return t;
  }

  @Test
  void the_shell_detector_and_the_minimal_detector_agree_on_every_case() throws Exception {
    Map<String, String> disagreements = new LinkedHashMap<>();
    Map<String, String> wrong = new LinkedHashMap<>();
    int i = 0;
    for (Case c : table()) {
      // Each case gets a fresh project directory whose root is this project's: a copy of the
      // layout.
      Path dir = root.resolve(".code-query");
      for (String f : List.of("worker.pid", "worker.identity", "real.pid")) {
        Files.deleteIfExists(dir.resolve(f));
      }
      c.setup().apply(dir);
      String shell = shell(root);
      Detection java = new MinimalWorkerDetector(root).detect();
      if (!shell.equals(java.outcome())) {
        disagreements.put(
            c.name(), "sh=" + shell + " java=" + java.outcome() + " (" + java.reason() + ")");
      }
      if (!java.outcome().equals(c.expected())) {
        wrong.put(
            c.name(),
            "expected " + c.expected() + ", java=" + java.outcome() + " (" + java.reason() + ")");
      }
      i++;
    }
    // Put the real worker's files back so the fixture ends as it began.
    Files.deleteIfExists(root.resolve(".code-query/worker.pid"));
    Files.write(root.resolve(".code-query/worker.identity"), ourIdentity);
    Files.writeString(root.resolve(".code-query/worker.pid"), ours.pid() + "\n");
    assertEquals(Map.of(), disagreements, "shell and Java detectors disagree");
    assertEquals(Map.of(), wrong, "outcomes differ from the table");
    assertEquals(table().size(), i);
  }

  static String shell(Path root) throws Exception {
    Process p =
        new ProcessBuilder("sh", script.toString(), "--detect", root.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return "timeout";
    }
    return out;
  }

  static String read(String file) {
    try (InputStream in = Files.newInputStream(Path.of(file))) {
      return new String(in.readNBytes(64), StandardCharsets.US_ASCII).strip();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
