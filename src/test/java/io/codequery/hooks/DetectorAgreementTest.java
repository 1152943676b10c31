package io.codequery.hooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.codequery.Detection;
import io.codequery.MinimalWorkerDetector;
import io.codequery.os.ProcessTable;
import io.codequery.process.WorkerIdentity;
import io.codequery.testing.Processes;
import io.codequery.testing.ProjectFiles;
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
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared table of cases: PID-file contents × identity records × who holds {@code worker.lock} ×
 * process kinds. The hook's shell detector and {@link MinimalWorkerDetector} must give the same
 * outcome for every row, and the outcome the table expects.
 *
 * <p>Run on the portable {@link ProcessTable} (no {@code /proc}: {@code -Dcode-query.process-table
 * =portable}), the Java detector is held to the table's portable column, where it differs: it
 * cannot see lock holders. The shell detector has its own way without {@code /proc} (liveness
 * only), so it is compared on the {@code /proc} run.
 */
class DetectorAgreementTest {
  @TempDir static Path tmp;
  static Path script;
  static Path root;
  static Path other;
  static Path locks;
  static RealWorker ours;
  static RealWorker theirs;
  static Process sleep;
  static Process forged;
  static Process strangerLock;
  static Process flockLock;
  static int deadPid;
  static byte[] ourIdentity;
  static byte[] theirIdentity;
  static Lock inPlace = Lock.OURS;

  static final boolean PORTABLE = ProcessTable.system().name().equals("portable");

  /** Who holds the file at {@code worker.lock} for a case. */
  enum Lock {
    /** No {@code worker.lock}: nobody holds it. */
    NONE,
    /** This project's worker holds it, as it does for its whole life. */
    OURS,
    /** A process that is not a worker holds an {@code fcntl} lock on it. */
    STRANGER,
    /** A process holds a {@code flock(2)} lock on it: not the worker's kind of lock. */
    FLOCK
  }

  @BeforeAll
  static void world() throws Exception {
    script = tmp.resolve("post-commit.sh");
    try (InputStream in =
        DetectorAgreementTest.class.getResourceAsStream("/io/codequery/hooks/post-commit.sh")) {
      Files.write(script, in.readAllBytes());
    }
    root = Files.createDirectories(tmp.resolve("project/.code-query")).getParent().toRealPath();
    other = Files.createDirectories(tmp.resolve("other/.code-query")).getParent().toRealPath();
    locks = Files.createDirectories(tmp.resolve("locks"));
    // No self-check during the test: the worker must not rewrite the files each case lays out.
    ProjectFiles.writeConfig(root, 3600);
    ours = RealWorker.start(root);
    theirs = RealWorker.start(other);
    ourIdentity = Files.readAllBytes(root.resolve(".code-query/worker.identity"));
    theirIdentity = Files.readAllBytes(other.resolve(".code-query/worker.identity"));
    sleep = Processes.sleep();
    forged = Processes.forgedWorker(root.toString());
    // The locks live on the same file system as worker.lock: a case moves one into place. A lock
    // belongs to the file (its inode), not to its name, so moving it keeps it held.
    strangerLock = Processes.lockHolder(home(Lock.STRANGER), false);
    flockLock = Processes.lockHolder(home(Lock.FLOCK), true);
    deadPid = ProjectFiles.deadPid();
  }

  @AfterAll
  static void cleanUp() throws Exception {
    place(Lock.OURS);
    ours.close();
    theirs.close();
    Processes.kill(sleep);
    Processes.kill(forged);
    Processes.kill(strangerLock);
    Processes.kill(flockLock);
  }

  static Path home(Lock lock) {
    return locks.resolve(lock.name().toLowerCase() + ".lock");
  }

  /**
   * Moves the lock file of {@code lock} to {@code worker.lock}, the one there back home. While its
   * own lock file is away, our worker is frozen (SIGSTOP): a live worker notices at once that
   * {@code worker.lock} no longer names the file it locked and takes the path again, so a case
   * without its lock can only be laid out while it cannot look. Back in place, it resumes and finds
   * the very file it locked.
   */
  static void place(Lock lock) throws Exception {
    Path at = root.resolve(".code-query/worker.lock");
    if (inPlace == lock) {
      return;
    }
    if (inPlace == Lock.OURS) {
      Processes.freeze(ours.pid());
    }
    if (inPlace != Lock.NONE) {
      Files.move(at, home(inPlace));
    }
    if (lock != Lock.NONE) {
      Files.move(home(lock), at);
    }
    if (lock == Lock.OURS) {
      Processes.signal(ours.pid(), "CONT");
    }
    inPlace = lock;
  }

  /**
   * One row: how to lay out the case, who holds the lock, the outcome on {@code /proc}, and the
   * outcome on the portable implementation (the same, except where only the lock decides).
   */
  record Case(String name, Lock lock, Setup setup, String expected, String portable) {
    Case(String name, Setup setup, String expected) {
      this(name, Lock.NONE, setup, expected, expected);
    }

    String expectedHere() {
      return PORTABLE ? portable : expected;
    }
  }

  interface Setup {
    void apply(Path dir) throws Exception;
  }

  static Setup pidFile(String contents) {
    return d -> Files.write(d.resolve("worker.pid"), contents.getBytes(StandardCharsets.UTF_8));
  }

  static Setup pidFile(byte[] contents) {
    return d -> Files.write(d.resolve("worker.pid"), contents);
  }

  static Setup pidFile(String contents, byte[] identity) {
    return d -> {
      Files.write(d.resolve("worker.pid"), contents.getBytes(StandardCharsets.UTF_8));
      Files.write(d.resolve("worker.identity"), identity);
    };
  }

  static Setup recordOnly(byte[] identity) {
    return d -> Files.write(d.resolve("worker.identity"), identity);
  }

  /**
   * A record of a dead worker whose PID was handed to {@code pid}: the worker's start time, so the
   * start tells them apart (ticks on {@code /proc}, the instant, an hour earlier, elsewhere).
   */
  static byte[] withPid(byte[] identity, long pid) {
    return replace(
        replace(identity, "pid=\\d+", "pid=" + pid),
        "start_millis=(\\d+)",
        "start_millis=" + (startMillis(identity) - 3_600_000));
  }

  static long startMillis(byte[] identity) {
    return WorkerIdentity.parse(new String(identity, StandardCharsets.UTF_8))
        .orElseThrow()
        .startMillis();
  }

  static byte[] replace(byte[] identity, String regex, String with) {
    return new String(identity, StandardCharsets.UTF_8)
        .replaceFirst("(?m)^" + regex + "$", with)
        .getBytes(StandardCharsets.UTF_8);
  }

  /** A record that pins a live process by its real PID, boot and start, for {@code root}. */
  static byte[] pinning(long pid, String root) {
    return new WorkerIdentity(
            (int) pid,
            ProjectFiles.startTicks(pid),
            ProcessHandle.of(pid).orElseThrow().info().startInstant().orElseThrow().toEpochMilli(),
            ProcessTable.system().bootId(),
            root)
        .format();
  }

  static List<Case> table() {
    int pidMax = (int) ProcessTable.system().pidLimit();
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
    t.add(new Case("two lines", pidFile(ours.pid() + "\n" + ours.pid() + "\n"), "invalid"));
    t.add(new Case("overflow", pidFile("99999999999999999999\n"), "invalid"));
    if (!PORTABLE) {
      t.add(new Case("beyond pid_max", pidFile(pidMax + "\n"), "invalid"));
    }
    t.add(new Case("arabic-indic digits", pidFile("\u0661\u0662\u0663\n"), "invalid"));
    t.add(new Case("NUL byte", pidFile(ours.pid() + "\0\n"), "invalid"));
    t.add(new Case("NUL bytes only around the PID", pidFile("\0" + ours.pid() + "\0"), "invalid"));
    t.add(
        new Case(
            "NUL byte with the worker's record",
            pidFile(ours.pid() + "\0\n", ourIdentity),
            "invalid"));
    t.add(new Case("huge file", pidFile("1".repeat(100)), "invalid"));
    t.add(
        new Case(
            "65 bytes of spaces around a PID",
            // exactly 65 whatever the PID's digits (a 3-digit PID once made it 64, a valid file)
            pidFile(" ".repeat(65 - oursPid.length()) + oursPid),
            "invalid"));
    t.add(new Case("CRLF is whitespace", pidFile(ours.pid() + "\r\n", ourIdentity), "running"));
    t.add(
        new Case(
            "vertical tab, form feed and tab are whitespace",
            pidFile("\u000b\f\t" + ours.pid() + "\t\f\u000b", ourIdentity),
            "running"));
    t.add(new Case("no newline", pidFile(Integer.toString(ours.pid()), ourIdentity), "running"));
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
    // Identity is the record: it pins one process, and only a worker writes one about itself. Who
    // can forge it can write .code-query/; stop still refuses to signal a process without the
    // worker marker (WorkerDetectorTest).
    t.add(
        new Case(
            "live stranger with a record pinning it",
            pidFile(sleep.pid() + "\n", pinning(sleep.pid(), root.toString())),
            "running"));
    t.add(
        new Case(
            "live stranger with a record pinning it to another root",
            pidFile(sleep.pid() + "\n", pinning(sleep.pid(), other.toString())),
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
    byte[] otherBoot =
        replace(ourIdentity, "boot_id=.*", "boot_id=00000000-0000-0000-0000-000000000000");
    t.add(
        new Case(
            "this project's worker, record from another boot",
            pidFile(oursPid, otherBoot),
            "stale"));
    byte[] otherStart =
        replace(
            replace(ourIdentity, "start_ticks=\\d+", "start_ticks=1"),
            "start_millis=\\d+",
            "start_millis=1");
    t.add(
        new Case(
            "this project's worker, record with another start time",
            pidFile(oursPid, otherStart),
            "stale"));
    t.add(
        new Case(
            "this project's worker, corrupted record",
            pidFile(oursPid, "garbage\n".getBytes(StandardCharsets.UTF_8)),
            "unknown"));
    t.add(
        new Case(
            "this project's worker, record naming another root",
            pidFile(oursPid, replace(ourIdentity, "root=.*", "root=/elsewhere")),
            "unknown"));
    t.add(
        new Case(
            "this project's worker, record cut short",
            pidFile(oursPid, Arrays.copyOf(ourIdentity, ourIdentity.length - 3)),
            "unknown"));
    t.add(
        new Case(
            "this project's worker, record without its last newline",
            pidFile(oursPid, Arrays.copyOf(ourIdentity, ourIdentity.length - 1)),
            "unknown"));
    t.add(
        new Case(
            "this project's worker, record with a line that is not key=value",
            pidFile(oursPid, concat(ourIdentity, "stray line\n")),
            "unknown"));
    t.add(
        new Case(
            "this project's worker, record with a NUL byte",
            pidFile(oursPid, concat(ourIdentity, "x=\0\n")),
            "unknown"));
    t.add(
        new Case(
            "this project's worker, record with an unknown key",
            pidFile(oursPid, concat(ourIdentity, "comment=hello\n")),
            "running"));
    t.add(
        new Case(
            "this project's worker, record with a zero-padded PID",
            pidFile(oursPid, replace(ourIdentity, "pid=(\\d+)", "pid=0" + ours.pid())),
            "unknown"));
    t.add(
        new Case(
            "this project's worker, record with an escape that is not \\\\ or \\n",
            pidFile(oursPid, replace(ourIdentity, "root=(.*)", "root=" + root + "\\\\t")),
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

    // The lock is the proof of life: a live holder is never not_running or stale. The portable
    // implementation cannot list lock holders: there the PID file alone decides.
    t.add(
        new Case(
            "no PID file, the worker holds the lock and its record names it",
            Lock.OURS,
            recordOnly(ourIdentity),
            "running",
            "not_running"));
    t.add(
        new Case(
            "no PID file, the worker holds the lock, no record",
            Lock.OURS,
            d -> {},
            "unknown",
            "not_running"));
    t.add(
        new Case(
            "no PID file, the worker holds the lock, the record names another PID",
            Lock.OURS,
            recordOnly(withPid(ourIdentity, deadPid)),
            "unknown",
            "not_running"));
    t.add(
        new Case(
            "dead PID, the worker holds the lock with its record",
            Lock.OURS,
            pidFile(deadPid + "\n", ourIdentity),
            "running",
            "stale"));
    t.add(
        new Case(
            "live stranger, the worker holds the lock with its record",
            Lock.OURS,
            pidFile(sleep.pid() + "\n", ourIdentity),
            "running",
            "stale"));
    t.add(
        new Case(
            "another project's worker, this one holds the lock with its record",
            Lock.OURS,
            pidFile(theirs.pid() + "\n", ourIdentity),
            "running",
            "stale"));
    t.add(
        new Case(
            "garbage PID file, the worker holds the lock with its record",
            Lock.OURS,
            pidFile("abc\n", ourIdentity),
            "running",
            "invalid"));
    t.add(
        new Case(
            "this project's worker holding the lock, record from another boot",
            Lock.OURS,
            pidFile(oursPid, otherBoot),
            "unknown",
            "stale"));
    t.add(
        new Case(
            "this project's worker holding the lock, record with another start time",
            Lock.OURS,
            pidFile(oursPid, otherStart),
            "unknown",
            "stale"));
    t.add(
        new Case(
            "this project's worker holding the lock, with its record",
            Lock.OURS,
            pidFile(oursPid, ourIdentity),
            "running",
            "running"));
    t.add(
        new Case(
            "no PID file, a stranger holds the lock",
            Lock.STRANGER,
            recordOnly(ourIdentity),
            "unknown",
            "not_running"));
    t.add(
        new Case(
            "dead PID, a stranger holds the lock",
            Lock.STRANGER,
            pidFile(deadPid + "\n"),
            "unknown",
            "stale"));
    t.add(
        new Case(
            "no PID file, a flock holder (not an fcntl lock)",
            Lock.FLOCK,
            recordOnly(ourIdentity),
            "not_running",
            "not_running"));
    t.add(
        new Case(
            "dead PID, a flock holder (not an fcntl lock)",
            Lock.FLOCK,
            pidFile(deadPid + "\n"),
            "stale",
            "stale"));
    return t;
  }

  static byte[] concat(byte[] a, String b) {
    byte[] tail = b.getBytes(StandardCharsets.UTF_8);
    byte[] all = Arrays.copyOf(a, a.length + tail.length);
    System.arraycopy(tail, 0, all, a.length, tail.length);
    return all;
  }

  @Test
  void the_shell_detector_and_the_minimal_detector_agree_on_every_case() throws Exception {
    Map<String, String> disagreements = new LinkedHashMap<>();
    Map<String, String> wrong = new LinkedHashMap<>();
    List<Case> table = table();
    for (Case c : table) {
      // Each case starts from an empty layout in this project's directory.
      Path dir = root.resolve(".code-query");
      for (String f : List.of("worker.pid", "worker.identity", "real.pid")) {
        Files.deleteIfExists(dir.resolve(f));
      }
      place(c.lock());
      c.setup().apply(dir);
      judge(c.name(), root, c.expectedHere(), disagreements, wrong);
    }
    // Put the real worker's files back so the fixture ends as it began.
    place(Lock.OURS);
    Files.deleteIfExists(root.resolve(".code-query/worker.pid"));
    Files.write(root.resolve(".code-query/worker.identity"), ourIdentity);
    Files.writeString(root.resolve(".code-query/worker.pid"), ours.pid() + "\n");
    assertEquals(Map.of(), disagreements, "shell and Java detectors disagree");
    assertEquals(Map.of(), wrong, "outcomes differ from the table");
    assertTrue(table.size() > 60, "the table lost rows: " + table.size());
  }

  /**
   * Roots whose names a shell and a JVM could read apart: a newline (split into two arguments by a
   * line-by-line reader), backslashes (the record's escape character, and "\n" spelled out), spaces
   * at either end. Each gets a real worker of its own.
   */
  @Test
  void roots_with_newlines_backslashes_and_spaces_are_seen_alike() throws Exception {
    Map<String, String> disagreements = new LinkedHashMap<>();
    Map<String, String> wrong = new LinkedHashMap<>();
    for (String name : List.of("new\nline", "back\\slash", "back\\nslash", " spaced ", "two\n\n")) {
      Path odd =
          Files.createDirectories(tmp.resolve(name).resolve(".code-query"))
              .getParent()
              .toRealPath();
      ProjectFiles.writeConfig(odd, 3600);
      try (RealWorker w = RealWorker.start(odd)) {
        Path dir = odd.resolve(".code-query");
        byte[] identity = Files.readAllBytes(dir.resolve("worker.identity"));
        String label = name.replace("\n", "<NL>");
        judge(label + ": its worker", odd, "running", disagreements, wrong);
        Files.delete(dir.resolve("worker.identity"));
        judge(label + ": its worker, no record", odd, "unknown", disagreements, wrong);
        Files.write(dir.resolve("worker.identity"), identity);
        Files.delete(dir.resolve("worker.pid"));
        judge(
            label + ": no PID file, its worker holds the lock",
            odd,
            PORTABLE ? "not_running" : "running",
            disagreements,
            wrong);
        Files.writeString(dir.resolve("worker.pid"), sleep.pid() + "\n");
        judge(
            label + ": a live stranger's PID",
            odd,
            PORTABLE ? "stale" : "running",
            disagreements,
            wrong);
        // Frozen while its lock file is away, or it would take the path again at once.
        Processes.freeze(w.pid());
        Files.move(dir.resolve("worker.lock"), odd.resolve("lock.aside"));
        judge(label + ": a live stranger's PID, no lock", odd, "stale", disagreements, wrong);
        Files.move(odd.resolve("lock.aside"), dir.resolve("worker.lock"));
        Processes.signal(w.pid(), "CONT");
      }
    }
    assertEquals(Map.of(), disagreements, "shell and Java detectors disagree");
    assertEquals(Map.of(), wrong, "outcomes differ from the table");
  }

  /**
   * A root that is not valid UTF-8: the JVM reads its name with U+FFFD where the bytes are, so no
   * worker can be started for it (its command line names another directory). A record written as a
   * worker would write it names another root byte for byte: both detectors say so.
   */
  @Test
  void a_root_that_is_not_utf8_is_never_taken_for_a_root_a_jvm_wrote() throws Exception {
    // A Java string cannot hold the byte 0xFF: printf writes it.
    Process mkdir =
        new ProcessBuilder("sh", "-c", "mkdir -p \"$(printf 'bad\\377name')/.code-query\"")
            .directory(tmp.toFile())
            .start();
    assertEquals(0, mkdir.waitFor());
    Path bad;
    try (Stream<Path> s = Files.list(tmp)) {
      bad = s.filter(p -> p.getFileName().toString().startsWith("bad")).findFirst().orElseThrow();
    }
    assertTrue(bad.toString().contains("\uFFFD"), "the name is not valid UTF-8: " + bad);
    Map<String, String> disagreements = new LinkedHashMap<>();
    Map<String, String> wrong = new LinkedHashMap<>();
    Path dir = bad.resolve(".code-query");
    Files.writeString(dir.resolve("worker.pid"), sleep.pid() + "\n");
    judge("non-UTF-8 root: a live stranger", bad, "stale", disagreements, wrong);
    Files.write(dir.resolve("worker.identity"), pinning(sleep.pid(), bad.toString()));
    judge("non-UTF-8 root: a record as a JVM writes it", bad, "stale", disagreements, wrong);
    Process forgedHere = Processes.forgedWorker(bad.toString());
    try {
      Files.writeString(dir.resolve("worker.pid"), forgedHere.pid() + "\n");
      Files.delete(dir.resolve("worker.identity"));
      judge("non-UTF-8 root: a marker as a JVM writes it", bad, "stale", disagreements, wrong);
    } finally {
      Processes.kill(forgedHere);
    }
    assertEquals(Map.of(), disagreements, "shell and Java detectors disagree");
    assertEquals(Map.of(), wrong, "outcomes differ from the table");
  }

  private static void judge(
      String name,
      Path project,
      String expected,
      Map<String, String> disagreements,
      Map<String, String> wrong)
      throws Exception {
    Detection java = new MinimalWorkerDetector(project).detect();
    if (!PORTABLE) {
      String shell = shell(project);
      if (!shell.equals(java.outcome())) {
        disagreements.put(
            name, "sh=" + shell + " java=" + java.outcome() + " (" + java.reason() + ")");
      }
    }
    if (!java.outcome().equals(expected)) {
      wrong.put(
          name, "expected " + expected + ", java=" + java.outcome() + " (" + java.reason() + ")");
    }
  }

  static String shell(Path root) throws Exception {
    List<String> cmd =
        new ArrayList<>(List.of("sh", script.toString(), "--detect", root.toString()));
    String name = root.getFileName().toString();
    if (name.indexOf('\uFFFD') >= 0) {
      // Its text is not its bytes: let the shell find it by a pattern, bytes and all.
      String pattern = name.replaceAll("\uFFFD+", "*");
      cmd =
          List.of(
              "sh",
              "-c",
              "for d in \"$1\"/" + pattern + "; do exec sh \"$0\" --detect \"$d\"; done",
              script.toString(),
              root.getParent().toString());
    }
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return "timeout";
    }
    return out;
  }
}
