package io.codequery.faults;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.codequery.MinimalWorkerDetector;
import io.codequery.cli.Main;
import io.codequery.hooks.HooksInstaller;
import io.codequery.log.WorkerLog;
import io.codequery.process.WorkerIdentity;
import io.codequery.queue.Job;
import io.codequery.queue.JobQueue;
import io.codequery.queue.JobState;
import io.codequery.testing.ClassDirs;
import io.codequery.testing.Processes;
import io.codequery.testing.RealWorker;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The fault-injection suite: a seeded, repeatable randomized run against real worker JVMs, real
 * stranger processes, real SQLite and real git. Each iteration draws one fault from {@link
 * FaultKind}, applies it, restores what a user would, and checks every invariant (see
 * docs/RELIABILITY.md). The no-lost-job invariant is eventual (a killed worker's lease must run out
 * first) and is checked at the end of the run.
 *
 * <p>{@code -Dfaults.seed=N} replays a run's sequence of faults and their parameters (timing on a
 * busy machine still varies); {@code -Dfaults.iterations=N} sets its length (short profile: the
 * default; long profile: 2000). The summary goes to stdout and {@code target/faults-summary.txt}.
 */
@EnabledOnOs(OS.LINUX)
@Tag("slow")
class FaultInjectionTest {
  private static final String MAIN = Main.class.getName();
  static final long SEED = Long.getLong("faults.seed", 20261128L);
  static final int ITERATIONS = Integer.getInteger("faults.iterations", 120);
  static final int RECYCLES = Integer.getInteger("faults.recycles", 1);
  static final Duration RECYCLE_BOUND =
      Duration.ofSeconds(Long.getLong("faults.recycle.seconds", 90));

  /** Stop drawing faults after this many minutes (0: no limit); the summary says how many ran. */
  static final long DEADLINE_MINUTES = Long.getLong("faults.deadline.minutes", 0);

  /**
   * Only these kinds (comma-separated names), e.g. to hammer one fault; empty: the whole catalogue.
   */
  static final Set<String> ONLY =
      Set.of(System.getProperty("faults.only", "").split(",")).stream()
          .filter(x -> !x.isBlank())
          .collect(Collectors.toSet());

  private static final Pattern PID_IN_TEXT = Pattern.compile("PID (\\d+)");
  private static final Pattern NOT_ALLOWED_IN_DIR = Pattern.compile("^\\.worker\\.[a-z]+\\.tmp-");

  final Violations violations = new Violations();
  final Bounded run = new Bounded(violations);
  final Random rnd = new Random(SEED);
  final Map<FaultKind, Integer> counts = new EnumMap<>(FaultKind.class);
  final Map<FaultKind, Long> millis = new EnumMap<>(FaultKind.class);
  final Map<String, Integer> notes = new TreeMap<>();
  final Set<Long> forged = ConcurrentHashMap.newKeySet();

  /** Processes that must never be signalled: checked alive and not stopped after each iteration. */
  final List<Process> bystanders = new ArrayList<>();

  /** This iteration's strangers: checked like bystanders, then killed. */
  final List<Process> strangers = new ArrayList<>();

  /** commit → files, as committed through the hook. */
  final Map<String, List<String>> committed = new LinkedHashMap<>();

  final List<String> refusedByHook = new ArrayList<>();

  Path base;
  Path root;
  Path cq;
  Path other;
  Path victim;
  Path victimDir;
  String victimText;
  Path launcher;
  RealWorker otherWorker;
  boolean diskMounted;
  String diskHow = "none";
  boolean canSetpriv;
  String nobodyClassPath;
  int fileCounter;
  boolean tamperedPid;
  long logOffset;
  int iteration = -1;

  @Test
  void every_invariant_holds_under_a_seeded_run_of_faults() throws Exception {
    Instant started = Instant.now();
    System.out.println(
        "[faults] seed=" + SEED + " iterations=" + ITERATIONS + " recycles=" + RECYCLES);
    try {
      setUp();
      List<Integer> recycleAt = new ArrayList<>();
      for (int r = 0; r < RECYCLES; r++) {
        recycleAt.add((int) ((long) (r + 1) * ITERATIONS / (RECYCLES + 1)));
      }
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(DEADLINE_MINUTES);
      for (iteration = 0; iteration < ITERATIONS; iteration++) {
        if (DEADLINE_MINUTES > 0 && System.nanoTime() > deadline) {
          System.err.println(
              "[faults] deadline of "
                  + DEADLINE_MINUTES
                  + " min reached after "
                  + iteration
                  + " iterations");
          break;
        }
        FaultKind kind = recycleAt.contains(iteration) ? FaultKind.PID_RECYCLED : draw();
        oneIteration(kind);
        if ((iteration + 1) % 25 == 0) {
          System.err.println(
              "[faults] "
                  + (iteration + 1)
                  + "/"
                  + ITERATIONS
                  + " after "
                  + Duration.between(started, Instant.now()).toSeconds()
                  + " s, violations "
                  + violations.all().size());
        }
      }
      violations.at(iteration, FaultKind.SETUP);
      finalDrain();
    } finally {
      String summary = summary(started);
      System.out.println(summary);
      Files.createDirectories(Path.of("target"));
      Files.writeString(Path.of("target", "faults-summary.txt"), summary);
      tearDown();
    }
    assertTrue(
        violations.all().isEmpty(),
        violations.all().size()
            + " invariant violation(s) with seed "
            + SEED
            + "; replay with -Dfaults.seed="
            + SEED
            + " -Dfaults.iterations="
            + ITERATIONS
            + ":\n"
            + String.join("\n", violations.all().stream().map(Object::toString).toList()));
  }

  // ------------------------------------------------------------------------------------ the loop

  FaultKind draw() {
    List<FaultKind> kinds = new ArrayList<>();
    int total = 0;
    for (FaultKind k : FaultKind.values()) {
      if (k.weight > 0
          && (ONLY.isEmpty() || ONLY.contains(k.name()))
          && (!k.needsDisk() || diskMounted)
          && (k != FaultKind.UNPRIVILEGED || canSetpriv)) {
        kinds.add(k);
        total += k.weight;
      }
    }
    int x = rnd.nextInt(total);
    for (FaultKind k : kinds) {
      x -= k.weight;
      if (x < 0) {
        return k;
      }
    }
    throw new IllegalStateException("unreachable");
  }

  void oneIteration(FaultKind kind) throws Exception {
    violations.at(iteration, kind);
    counts.merge(kind, 1, Integer::sum);
    tamperedPid = false;
    logOffset = logSize();
    long t0 = System.nanoTime();
    try {
      apply(kind);
    } catch (Exception | AssertionError e) {
      harness("the fault could not be applied", e);
    }
    try {
      restore();
      checkInvariants();
    } catch (Exception | AssertionError e) {
      harness("the invariants could not be checked", e);
    }
    for (Process p : strangers) {
      Processes.kill(p);
      forged.remove(p.pid());
    }
    strangers.clear();
    millis.merge(kind, (System.nanoTime() - t0) / 1_000_000, Long::sum);
  }

  void harness(String what, Throwable e) {
    StringWriter w = new StringWriter();
    e.printStackTrace(new PrintWriter(w));
    violations.add("harness", what + ": " + w);
  }

  void apply(FaultKind kind) throws Exception {
    switch (kind) {
      case KILL9_STARTUP -> kill9Startup();
      case KILL9_MID_JOB -> kill9MidJob();
      case KILL9_SHUTDOWN -> kill9Shutdown();
      case SIGSTOP_SIGCONT -> sigstop();
      case PID_RECYCLED -> pidRecycled();
      case STALE_PID_GONE,
          PID_REUSED_UNRELATED,
          PID_REUSED_FORGED,
          PID_REUSED_OTHER_PROJECT,
          OTHER_BOOT ->
          stranger(kind);
      case CONCURRENT_CLI -> concurrentCli();
      case PID_TRUNCATED, PID_GARBAGE, PID_NUL_BYTES, PID_HUGE -> badContent(kind);
      case PID_SYMLINK_VICTIM, PID_SYMLINK_DIR, PID_SYMLINK_DANGLING, PID_FIFO, PID_DIRECTORY ->
          notRegular(kind);
      case UNPRIVILEGED -> unprivileged();
      case IDENTITY_CORRUPT -> identityCorrupt();
      case HEARTBEAT_CORRUPT -> heartbeatCorrupt();
      case SPOOL_CORRUPT -> spoolCorrupt();
      case DB_CORRUPT -> dbCorrupt();
      case DB_LOCKED -> dbLocked();
      case DISK_FULL_PID -> diskFullPid();
      case DISK_FULL_LOG -> diskFullLog();
      case DISK_FULL_ENQUEUE -> diskFullEnqueue();
      case COMMIT -> commit(1 + rnd.nextInt(3));
      case SETUP -> throw new IllegalStateException("not a fault");
    }
  }

  // ----------------------------------------------------------------------------------- the faults

  void kill9Startup() throws Exception {
    Optional<Long> before = liveWorker();
    String[] strategies = {"delay", "on-lock", "on-pid-file", "on-ready"};
    String strategy = strategies[rnd.nextInt(strategies.length)];
    int delay = rnd.nextInt(2500);
    RealWorker w = RealWorker.launch(root);
    long pid = w.pid();
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (System.nanoTime() < deadline && w.process().isAlive()) {
      boolean hit =
          switch (strategy) {
            case "delay" -> w.process().waitFor(delay, TimeUnit.MILLISECONDS) || true;
            case "on-lock" -> Os.lockHeldBy(cq.resolve("worker.lock"), pid);
            case "on-pid-file" -> pidFileNames(pid);
            default -> w.output().contains("ready pid=");
          };
      if (hit) {
        break;
      }
    }
    boolean locked = Os.lockHeldBy(cq.resolve("worker.lock"), pid);
    boolean published = pidFileNames(pid);
    boolean alive = w.process().isAlive();
    w.kill9();
    w.close();
    String phase =
        !alive
            ? "exited-before-kill"
            : published
                ? "after-pid-write"
                : locked ? "after-lock-before-pid-write" : "before-lock";
    note("kill9-startup " + phase + (before.isPresent() ? " (another worker running)" : ""));
    Detection d = status();
    violations.check(
        !(d.running() && d.pid() == pid),
        "never running for a dead process",
        "status says running for the killed PID " + pid);
    if (before.isPresent()) {
      violations.check(
          Os.aliveNotZombie(before.get()),
          "never a signal to a process that is not our worker",
          "the running worker " + before.get() + " died when a second, starting worker was killed");
    }
  }

  void kill9MidJob() throws Exception {
    long w = ensureWorker();
    commit(2 + rnd.nextInt(2));
    boolean midJob = await(Duration.ofSeconds(20), () -> counts(JobState.RUNNING) > 0);
    note(
        "kill9-mid-job "
            + (midJob ? "while a job ran" : "no job seen running (queue drained first)"));
    kill9(w);
    Detection d = status();
    violations.check(
        !d.running(), "never running for a dead process", "status after kill -9 mid-job: " + d);
  }

  void kill9Shutdown() throws Exception {
    long w = ensureWorker();
    ProcessHandle h = ProcessHandle.of(w).orElseThrow();
    h.destroy();
    Thread.sleep(rnd.nextInt(400));
    boolean stillHadPidFile = pidFileNames(w);
    h.destroyForcibly();
    awaitGone(w);
    note(
        "kill9-shutdown "
            + (stillHadPidFile
                ? "before the PID file was withdrawn"
                : "after the PID file was withdrawn"));
    Detection d = status();
    violations.check(
        !d.running(), "never running for a dead process", "status after kill -9 in shutdown: " + d);
  }

  void sigstop() throws Exception {
    long w = ensureWorker();
    Os.signal(w, "STOP");
    try {
      Detection d = status();
      violations.check(
          d.running() && d.pid() == w,
          "never not running/stale for a live, verified worker",
          "a stopped (SIGSTOP) worker " + w + " detected as " + d);
      var m = new MinimalWorkerDetector(root).detect();
      violations.check(
          m.isRunning(),
          "never not running/stale for a live, verified worker",
          "minimal detector on a stopped worker: " + m);
      int choice = rnd.nextInt(10);
      if (choice < 3) {
        Thread.sleep(2600); // two heartbeat intervals
        Bounded.Result h = run.cli("worker", "health", "--json", "--project-root", root.toString());
        violations.check(
            h.code() == 1 && h.out().matches("(?s).*\"process_responsive\":\\s*false.*"),
            "health",
            "a worker stopped for two heartbeats must be reported unresponsive: " + h.oneLine());
        note("sigstop health after 2 intervals");
      } else if (choice < 5) {
        Bounded.Result s =
            run.cli("worker", "stop", "--timeout", "1", "--project-root", root.toString());
        violations.check(
            s.code() == 0 && s.out().contains("SIGKILL"),
            "stop",
            "stop of a stopped worker escalates to SIGKILL: " + s.oneLine());
        note("sigstop then stop (SIGKILL)");
      } else {
        note("sigstop detect, sigcont");
      }
    } finally {
      Os.signal(w, "CONT");
    }
  }

  void pidRecycled() throws Exception {
    if (!PidRecycler.supported()) {
      note("pid-recycle skipped: no /proc/sys/kernel/ns_last_pid");
      return;
    }
    long w = ensureWorker();
    kill9(w);
    boolean forge = rnd.nextBoolean();
    PidRecycler.Outcome o =
        PidRecycler.recycle(
            (int) w,
            RECYCLE_BOUND,
            () -> forge ? forgedProcess() : new ProcessBuilder("sleep", "1000000").start());
    if (o.process().isEmpty()) {
      note("pid-recycle not achieved within " + RECYCLE_BOUND.toSeconds() + " s");
      System.err.println("[faults] PID " + w + " not recycled within the bound: " + o);
      return;
    }
    Process p = o.process().get();
    strangers.add(p);
    if (forge) {
      forged.add(p.pid());
      Processes.awaitArgv0(p, "java");
    } else {
      Processes.awaitArgv0(p, "sleep");
    }
    note("pid-recycle achieved (" + (forge ? "forged argv" : "sleep") + ")");
    System.err.println(
        "[faults] recycled PID "
            + w
            + " to a fresh "
            + (forge ? "forged-argv" : "sleep")
            + " process in "
            + o.millis()
            + " ms ("
            + o.threads()
            + " threads, "
            + o.spawns()
            + " spawns, "
            + o.rounds()
            + " wraps)");
    notes.merge("pid-recycle max ms", (int) o.millis(), Math::max);
    Detection m = new Detection(new MinimalWorkerDetector(root).detect());
    violations.check(
        m.outcome().equals("stale"), "recycled PID is stale", "minimal detector: " + m);
    Detection d = status();
    violations.check(
        d.outcome().equals("stale") && d.pid() == w, "recycled PID is stale", "status: " + d);
    stop();
  }

  void stranger(FaultKind kind) throws Exception {
    Optional<Long> live = rnd.nextBoolean() ? Optional.of(ensureWorker()) : liveWorker();
    long pid;
    String expected = "stale";
    switch (kind) {
      case STALE_PID_GONE -> {
        Process p = new ProcessBuilder("true").start();
        p.waitFor(30, TimeUnit.SECONDS);
        pid = p.pid();
      }
      case PID_REUSED_UNRELATED -> {
        Process p = Processes.sleep();
        strangers.add(p);
        pid = p.pid();
      }
      case PID_REUSED_FORGED -> {
        Process p = forgedProcess();
        forged.add(p.pid());
        strangers.add(p);
        Processes.awaitArgv0(p, "java");
        pid = p.pid();
        if (rnd.nextBoolean()) {
          // A record naming it, but not its start time: the PID reuse is caught by the start time.
          writeIdentity(
              new WorkerIdentity(
                  (int) pid,
                  Os.startTicks(pid) + 1 + rnd.nextInt(1000),
                  -1,
                  Os.bootId(),
                  root.toString()));
        } else {
          removeIdentityUnlessLive(live);
          expected = live.isPresent() ? "unknown|stale" : "unknown";
        }
      }
      case PID_REUSED_OTHER_PROJECT -> {
        pid = otherWorker.pid();
        if (rnd.nextBoolean()) {
          Files.copy(
              other.resolve(".code-query/worker.identity"),
              cq.resolve("worker.identity"),
              StandardCopyOption.REPLACE_EXISTING);
        }
      }
      default -> {
        Process p = Processes.sleep();
        strangers.add(p);
        pid = p.pid();
        writeIdentity(
            new WorkerIdentity(
                (int) pid, Os.startTicks(pid), -1, UUID.randomUUID().toString(), root.toString()));
      }
    }
    writePidFile((pid + "\n").getBytes(StandardCharsets.US_ASCII));
    Detection d = status();
    boolean ok =
        d.outcome().matches(expected) && d.pid() == pid
            || live.isPresent()
                && d.pid() == live.get()
                // the worker repaired its files first; or it holds worker.lock while the record
                // names another PID: a live lock holder is unknown, never stale
                && (d.running() || d.outcome().equals("unknown"));
    violations.check(
        ok,
        "stale PID file / PID reuse",
        kind + " expected " + expected + " for PID " + pid + ", got " + d);
    if (live.isEmpty()) {
      // A forged worker without a record cannot be verified: stop must refuse, not signal it.
      Bounded.Result s =
          run.cli("worker", "stop", "--timeout", "5", "--project-root", root.toString());
      boolean refused =
          d.outcome().equals("unknown") && s.code() == 4 && s.err().contains("no signal sent");
      violations.check(s.code() == 0 || refused, "stop", kind + ": " + s.oneLine());
    }
  }

  void concurrentCli() throws Exception {
    if (rnd.nextBoolean()) {
      ensureWorker();
    }
    String[] ops = {"start", "stop", "restart", "status"};
    int n = 3 + rnd.nextInt(4);
    List<CompletableFuture<Bounded.Result>> all = new ArrayList<>();
    List<String> which = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String op = ops[rnd.nextInt(ops.length)];
      List<String> args = new ArrayList<>(List.of("worker", op));
      if (op.equals("status")) {
        args.add("--json");
      } else if (!op.equals("start")) {
        args.addAll(List.of("--timeout", "5"));
      } else {
        args.addAll(List.of("--wait-seconds", "45"));
      }
      args.addAll(List.of("--project-root", root.toString()));
      boolean separate = rnd.nextInt(10) < 6;
      which.add((separate ? "process " : "thread ") + op);
      all.add(
          separate
              ? run.processAsync(List.of(), args.toArray(String[]::new))
              : run.cliAsync(args.toArray(String[]::new)));
    }
    note("concurrent x" + n);
    for (int i = 0; i < n; i++) {
      Bounded.Result r = run.await(all.get(i), which.get(i));
      String op = which.get(i).substring(which.get(i).indexOf(' ') + 1);
      Set<Integer> allowed =
          switch (op) {
            case "status" -> Set.of(0, 1, 3, 4);
            case "start" -> Set.of(0, 1);
            default -> Set.of(0, 1, 4);
          };
      violations.check(
          allowed.contains(r.code()), "exit status", which.get(i) + ": " + r.oneLine());
      if (op.equals("status") && r.code() == 0) {
        Matcher m = Pattern.compile("\"pid\": ?(\\d+)").matcher(r.out());
        if (m.find()) {
          checkRunningClaim(Long.parseLong(m.group(1)), which.get(i));
        }
      }
    }
  }

  void badContent(FaultKind kind) throws Exception {
    Optional<Long> live = rnd.nextBoolean() ? Optional.of(ensureWorker()) : liveWorker();
    byte[] content;
    String expected = "invalid";
    switch (kind) {
      case PID_TRUNCATED -> {
        String full = live.map(String::valueOf).orElse("" + (1000 + rnd.nextInt(30000))) + "\n";
        int cut = rnd.nextInt(full.length() - 1); // a proper prefix, without the newline
        String s = full.substring(0, cut);
        content = s.getBytes(StandardCharsets.US_ASCII);
        expected = "invalid|stale|unknown"; // "12" is PID 12: some other process, or none
        if (s.isEmpty()) {
          expected = "invalid";
        }
      }
      case PID_GARBAGE -> {
        String[] garbage = {
          "abc\n",
          "-1\n",
          "+42\n",
          "0\n",
          "4242 4243\n",
          "٤٢\n",
          "99999999999\n",
          "\n\n",
          "0042\n",
          "2147483648\n",
          "12\r\n34\n",
          " \t\n",
          "\u00ff\u00fe\n",
          live.map(w -> w + "x\n").orElse("1x\n")
        };
        content = garbage[rnd.nextInt(garbage.length)].getBytes(StandardCharsets.UTF_8);
      }
      case PID_NUL_BYTES -> {
        String pid = live.map(String::valueOf).orElse("4242");
        String[] nul = {
          pid + "\0", "\0\0\0\0", "\0" + pid + "\n", pid.charAt(0) + "\0" + pid.substring(1)
        };
        content = nul[rnd.nextInt(nul.length)].getBytes(StandardCharsets.ISO_8859_1);
      }
      default -> {
        content = new byte[(1 + rnd.nextInt(4)) * 1024 * 1024];
        Arrays.fill(content, (byte) ('0' + rnd.nextInt(10)));
      }
    }
    writePidFile(content);
    Detection d = status();
    boolean ok =
        d.outcome().matches(expected) || live.isPresent() && d.running() && d.pid() == live.get();
    violations.check(
        ok,
        "garbage PID file",
        kind + " " + printable(content) + ": expected " + expected + ", got " + d);
    violations.check(
        !d.running() || live.isPresent() && d.pid() == live.get(),
        "never running for a process that is not this project's worker",
        "" + d);
  }

  void notRegular(FaultKind kind) throws Exception {
    Optional<Long> live = rnd.nextBoolean() ? Optional.of(ensureWorker()) : liveWorker();
    Path pidFile = cq.resolve("worker.pid");
    tamperedPid = true;
    Files.deleteIfExists(pidFile);
    switch (kind) {
      case PID_SYMLINK_VICTIM -> Files.createSymbolicLink(pidFile, victim);
      case PID_SYMLINK_DIR -> Files.createSymbolicLink(pidFile, victimDir);
      case PID_SYMLINK_DANGLING -> Files.createSymbolicLink(pidFile, base.resolve("nothing-here"));
      case PID_FIFO -> mkfifo(pidFile);
      default -> {
        Files.createDirectory(pidFile);
        Files.writeString(pidFile.resolve("keep"), "inside\n");
      }
    }
    Detection d = status();
    boolean repaired = live.isPresent() && d.running() && d.pid() == live.get();
    violations.check(
        d.outcome().equals("unknown") || repaired,
        "hostile PID file",
        kind + ": expected unknown, got " + d);
    if (!repaired) {
      violations.check(
          Files.exists(pidFile, LinkOption.NOFOLLOW_LINKS)
              && !Files.isRegularFile(pidFile, LinkOption.NOFOLLOW_LINKS),
          "never follows or removes a hostile PID file",
          kind + ": the PID file was removed or replaced by a detector");
    }
    Detection m = new Detection(new MinimalWorkerDetector(root).detect());
    violations.check(
        m.outcome().equals("unknown") || m.running() && live.isPresent() && m.pid() == live.get(),
        "hostile PID file",
        "minimal detector: " + m);
    Bounded.Result hook =
        run.await(
            run.command(
                List.of("sh", hookPath().toString(), "--detect", root.toString()),
                "post-commit.sh --detect"),
            "hook detect");
    violations.check(
        Set.of("unknown", "running").contains(hook.out().strip())
            && (!hook.out().strip().equals("running") || live.isPresent()),
        "hostile PID file",
        "shell detector: " + hook.oneLine());
    if (live.isEmpty() || rnd.nextInt(4) == 0) {
      Bounded.Result s =
          run.cli("worker", "stop", "--timeout", "5", "--project-root", root.toString());
      // The live worker may have replaced the hostile file with its own PID file since the status
      // above (its self-check runs every heartbeat): stopping that verified worker is right.
      boolean stoppedOurs =
          live.isPresent() && s.code() == 0 && s.out().contains("stopped — PID " + live.get());
      violations.check(
          s.code() == 4 && s.err().contains("no signal sent") || stoppedOurs,
          "stop refuses to guess",
          kind + ": " + s.oneLine());
    }
  }

  void unprivileged() throws Exception {
    if (nobodyClassPath == null) {
      nobodyClassPath = worldReadableClassPath();
    }
    int variant = rnd.nextInt(4);
    Path pidFile = cq.resolve("worker.pid");
    switch (variant) {
      case 0 -> {
        long w = ensureWorker();
        Detection d = nobodyStatus();
        violations.check(
            d.running() && d.pid() == w,
            "never not running/stale for a live, verified worker",
            "status as nobody with a live worker " + w + ": " + d);
        note("unprivileged status of a live worker");
      }
      case 1 -> {
        Optional<Long> live = liveWorker();
        if (!Files.isRegularFile(pidFile, LinkOption.NOFOLLOW_LINKS)) {
          writePidFile("4242\n".getBytes(StandardCharsets.US_ASCII));
        }
        Files.setPosixFilePermissions(pidFile, PosixFilePermissions.fromString("---------"));
        try {
          Detection d = nobodyStatus();
          violations.check(
              d.outcome().equals("unknown") || live.isPresent() && d.running(),
              "unreadable PID file",
              "status as nobody of an unreadable PID file: " + d);
          violations.check(
              Files.exists(pidFile),
              "never removes what it cannot judge",
              "the unreadable PID file was removed");
        } finally {
          if (Files.isRegularFile(pidFile, LinkOption.NOFOLLOW_LINKS)) {
            Files.setPosixFilePermissions(pidFile, PosixFilePermissions.fromString("rw-r--r--"));
          }
        }
        note("unprivileged status of an unreadable PID file");
      }
      case 2 -> {
        stop();
        Process p = new ProcessBuilder("true").start();
        p.waitFor(30, TimeUnit.SECONDS);
        writePidFile((p.pid() + "\n").getBytes(StandardCharsets.US_ASCII));
        Detection d = nobodyStatus();
        violations.check(
            d.outcome().equals("stale") && !d.cleanedUp(),
            "unprivileged stale",
            "nobody sees a stale PID file it may not remove: " + d);
        violations.check(
            Files.exists(pidFile), "unprivileged stale", "nobody removed root's PID file");
        note("unprivileged status of a stale PID file");
      }
      default -> {
        long w = ensureWorker();
        Bounded.Result r =
            nobody("worker", "stop", "--timeout", "1", "--project-root", root.toString());
        violations.check(
            r.code() != 0 && Os.aliveNotZombie(w),
            "unprivileged stop",
            "nobody cannot stop root's worker and must say so: "
                + r.oneLine()
                + ", worker alive="
                + Os.aliveNotZombie(w));
        note("unprivileged stop of root's worker");
      }
    }
  }

  void identityCorrupt() throws Exception {
    Optional<Long> live = rnd.nextInt(10) < 7 ? Optional.of(ensureWorker()) : liveWorker();
    Path id = cq.resolve("worker.identity");
    String[] bad = {
      "",
      "version=1\npid=",
      "garbage\0\0\u00ff",
      "version=2\npid=1\n",
      "version=1\npid=" + live.orElse(1L) + "\nstart_ticks=x\n"
    };
    String b = bad[rnd.nextInt(bad.length)];
    if (Files.exists(id) && rnd.nextBoolean()) {
      byte[] now = Files.readAllBytes(id);
      Files.write(
          id,
          Arrays.copyOf(now, rnd.nextInt(Math.max(1, now.length))),
          StandardOpenOption.TRUNCATE_EXISTING,
          LinkOption.NOFOLLOW_LINKS);
    } else {
      Files.write(
          id,
          b.getBytes(StandardCharsets.ISO_8859_1),
          StandardOpenOption.CREATE,
          StandardOpenOption.TRUNCATE_EXISTING,
          LinkOption.NOFOLLOW_LINKS);
    }
    Detection d = status();
    if (live.isPresent()) {
      violations.check(
          d.running() && d.pid() == live.get() || d.outcome().equals("unknown"),
          "never not running/stale for a live, verified worker",
          "corrupt identity of live worker " + live.get() + ": " + d);
      violations.check(
          pidFileNames(live.get()),
          "never a removed PID file that a live worker wrote",
          "after a corrupt identity record");
    }
  }

  void heartbeatCorrupt() throws Exception {
    long w = ensureWorker();
    String[] bad = {
      "", "pid=abc\n", "\0\0\0", "time_millis=-5\ninterval_millis=0\n", "x".repeat(100_000)
    };
    Files.write(
        cq.resolve("worker.heartbeat"),
        bad[rnd.nextInt(bad.length)].getBytes(StandardCharsets.ISO_8859_1),
        StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING,
        LinkOption.NOFOLLOW_LINKS);
    Detection d = status();
    violations.check(
        d.running() && d.pid() == w,
        "never not running/stale for a live, verified worker",
        "corrupt heartbeat: " + d);
    Bounded.Result h = run.cli("worker", "health", "--json", "--project-root", root.toString());
    violations.check(
        (h.code() == 0 || h.code() == 1) && h.out().strip().startsWith("{"),
        "health",
        "health with a corrupt heartbeat: " + h.oneLine());
  }

  void spoolCorrupt() throws Exception {
    Optional<Long> live = rnd.nextBoolean() ? Optional.of(ensureWorker()) : liveWorker();
    Path spool = cq.resolve("spool");
    Files.createDirectories(spool);
    String name = Long.toHexString(rnd.nextLong()) + ".files";
    Path f = spool.resolve(name);
    switch (rnd.nextInt(5)) {
      case 0 -> Files.writeString(f, "no NUL at all");
      case 1 ->
          Files.write(
              f, "--all\0a.txt\0".getBytes(StandardCharsets.US_ASCII)); // an option, not a commit
      case 2 -> Files.write(f, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 'x', 0});
      case 3 -> Files.createSymbolicLink(f, victim);
      default -> Files.createDirectory(f);
    }
    if (live.isPresent()) {
      boolean handled =
          await(Duration.ofSeconds(20), () -> !Files.exists(f, LinkOption.NOFOLLOW_LINKS));
      violations.check(
          handled, "corrupt spool", "the worker did not move " + name + " aside within 20 s");
      violations.check(
          Files.exists(spool.resolve("rejected").resolve(name), LinkOption.NOFOLLOW_LINKS)
              || !handled,
          "corrupt spool",
          "a rejected spool file must be kept in spool/rejected/, not deleted: " + name);
      Detection d = status();
      violations.check(
          d.running() && d.pid() == live.get(),
          "never not running/stale for a live, verified worker",
          "after a corrupt spool file: " + d);
    }
  }

  void dbCorrupt() throws Exception {
    stop();
    Path db = cq.resolve("queue.db");
    if (!Files.exists(db)) {
      note("db-corrupt skipped: no database yet");
      return;
    }
    Path backup = Files.createTempDirectory(base, "db-backup-");
    for (String s : List.of("queue.db", "queue.db-wal", "queue.db-shm")) {
      if (Files.exists(cq.resolve(s))) {
        Files.move(cq.resolve(s), backup.resolve(s));
      }
    }
    try {
      byte[] junk = new byte[4096 + rnd.nextInt(8192)];
      rnd.nextBytes(junk);
      if (rnd.nextBoolean()) {
        // a real header, then garbage: "file is not a database" only shows on the first page read
        byte[] header = Files.readAllBytes(backup.resolve("queue.db"));
        System.arraycopy(header, 0, junk, 0, Math.min(100, header.length));
      }
      Files.write(db, junk);
      Bounded.Result q = run.cli("queue", "status", "--project-root", root.toString());
      violations.check(
          q.code() == 2 && q.err().contains("queue.db"),
          "clear refusal",
          "queue status on a corrupt database: " + q.oneLine());
      Bounded.Result s =
          run.cli("worker", "start", "--wait-seconds", "30", "--project-root", root.toString());
      violations.check(
          s.code() == 1 && s.err().contains("queue.db"),
          "clear refusal",
          "worker start on a corrupt database: " + s.oneLine());
      if (s.code() == 0) {
        stop();
      }
      await(Duration.ofSeconds(30), () -> liveWorker().isEmpty());
    } finally {
      for (String s : List.of("queue.db", "queue.db-wal", "queue.db-shm")) {
        Files.deleteIfExists(cq.resolve(s));
        if (Files.exists(backup.resolve(s))) {
          Files.move(backup.resolve(s), cq.resolve(s));
        }
      }
      Files.deleteIfExists(backup);
    }
  }

  void dbLocked() throws Exception {
    ensureWorker();
    Path db = cq.resolve("queue.db");
    if (!Files.exists(db)) {
      commit(1);
      await(Duration.ofSeconds(30), () -> Files.exists(db));
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
      try (Statement st = c.createStatement()) {
        st.execute("PRAGMA busy_timeout = 0");
        st.execute("BEGIN EXCLUSIVE");
      }
      commit(1 + rnd.nextInt(2));
      CompletableFuture<Bounded.Result> q =
          run.cliAsync("queue", "status", "--json", "--project-root", root.toString());
      Thread.sleep(500 + rnd.nextInt(2500));
      try (Statement st = c.createStatement()) {
        st.execute("ROLLBACK");
      }
      Bounded.Result r = run.await(q, "queue status while locked");
      violations.check(
          r.code() == 0 || r.code() == 2 && !r.err().isBlank(),
          "locked database",
          "queue status while locked: " + r.oneLine());
    }
    Detection d = status();
    violations.check(
        d.running(),
        "never not running/stale for a live, verified worker",
        "after a locked database: " + d);
  }

  void diskFullPid() throws Exception {
    stop();
    // The worker opens its queue before it publishes its files. A connection held open here keeps
    // the database's -wal and -shm files in place, so that the worker's open needs no new space
    // and the full disk bites at the identity and PID file writes instead.
    Connection holder = null;
    if (rnd.nextBoolean() && Files.exists(cq.resolve("queue.db"))) {
      holder = DriverManager.getConnection("jdbc:sqlite:" + cq.resolve("queue.db"));
      try (Statement st = holder.createStatement()) {
        st.execute("PRAGMA user_version");
        note("disk-full-pid with the queue's files kept open");
      } catch (SQLException e) {
        holder.close();
        holder = null;
      }
    }
    fillDisk();
    try (Connection ignored = holder) {
      Bounded.Result s =
          run.cli("worker", "start", "--wait-seconds", "30", "--project-root", root.toString());
      violations.check(
          s.code() == 1 && s.err().toLowerCase(Locale.ROOT).contains("space"),
          "clear refusal",
          "worker start on a full disk must fail and say the disk is full: " + s.oneLine());
      if (s.code() == 0) {
        stop();
      }
      await(Duration.ofSeconds(30), () -> liveWorker().isEmpty());
      violations.check(
          liveWorker().isEmpty(), "full disk", "a worker runs without a PID file on a full disk");
      Path pid = cq.resolve("worker.pid");
      if (Files.exists(pid)) {
        String text = Files.readString(pid, StandardCharsets.ISO_8859_1);
        violations.check(
            text.matches("[1-9][0-9]*\n"),
            "atomic PID file",
            "half-written PID file on a full disk: "
                + printable(text.getBytes(StandardCharsets.ISO_8859_1)));
      }
      try (Stream<Path> files = Files.list(cq)) {
        List<String> litter =
            files
                .map(p -> p.getFileName().toString())
                .filter(n -> NOT_ALLOWED_IN_DIR.matcher(n).find())
                .toList();
        violations.check(
            litter.isEmpty(), "atomic PID file", "a failed write left its temp file(s): " + litter);
      }
    } finally {
      freeDisk();
    }
  }

  void diskFullLog() throws Exception {
    Optional<Long> live = rnd.nextBoolean() ? Optional.of(ensureWorker()) : liveWorker();
    if (live.isEmpty()) {
      Process p = new ProcessBuilder("true").start();
      p.waitFor(30, TimeUnit.SECONDS);
      writePidFile((p.pid() + "\n").getBytes(StandardCharsets.US_ASCII));
    }
    fillDisk();
    try {
      Detection d = status();
      if (live.isPresent()) {
        violations.check(
            d.running() && d.pid() == live.get(),
            "never not running/stale for a live, verified worker",
            "full disk: " + d);
        Thread.sleep(1200); // a heartbeat and a self-check on a full disk
        d = status();
        violations.check(
            d.running() && d.pid() == live.get(),
            "never not running/stale for a live, verified worker",
            "full disk, after a heartbeat: " + d);
      } else {
        violations.check(
            d.outcome().equals("stale") && d.cleanedUp(),
            "full disk",
            "stale cleanup needs no space: " + d);
      }
      commit(1);
    } finally {
      freeDisk();
    }
  }

  void diskFullEnqueue() throws Exception {
    long w = ensureWorker();
    Os.signal(w, "STOP");
    try {
      commit(1 + rnd.nextInt(2));
      fillDisk();
    } finally {
      Os.signal(w, "CONT");
    }
    try {
      Thread.sleep(1500); // the worker tries to ingest into a database that cannot grow
      Bounded.Result q = run.cli("queue", "add", "HEAD", "--project-root", root.toString());
      violations.check(
          q.code() == 0 || q.code() == 2 && !q.err().isBlank(),
          "clear refusal",
          "queue add on a full disk: " + q.oneLine());
      Detection d = status();
      violations.check(
          d.running() && d.pid() == w,
          "never not running/stale for a live, verified worker",
          "full disk while enqueueing: " + d);
    } finally {
      freeDisk();
    }
  }

  // ------------------------------------------------------------------------ restore and invariants

  /** Undoes what a user would: hostile files at the worker's paths, frozen workers, a full disk. */
  void restore() throws Exception {
    freeDisk();
    liveWorker().ifPresent(w -> Os.signal(w, "CONT"));
    Path pidFile = cq.resolve("worker.pid");
    if (Files.exists(pidFile, LinkOption.NOFOLLOW_LINKS)
        && !Files.isRegularFile(pidFile, LinkOption.NOFOLLOW_LINKS)) {
      deleteTree(pidFile);
    }
    Path spool = cq.resolve("spool");
    if (Files.isDirectory(spool.resolve("rejected"), LinkOption.NOFOLLOW_LINKS)) {
      deleteTree(spool.resolve("rejected"));
    }
    if (Files.isDirectory(spool)) {
      try (Stream<Path> s = Files.list(spool)) {
        for (Path p : s.toList()) {
          if (Files.isSymbolicLink(p) || Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            deleteTree(p);
          }
        }
      }
    }
  }

  void checkInvariants() throws Exception {
    // Never two workers for one project (a losing starter exits at once: let it).
    boolean single = await(Duration.ofSeconds(30), () -> Os.liveWorkers(root, forged).size() <= 1);
    violations.check(
        single,
        "never two workers",
        "live workers of one project: " + Os.liveWorkers(root, forged));
    // A live worker keeps (or restores, within a heartbeat) its PID file, and is detected running.
    Optional<Long> live = liveWorker();
    if (live.isPresent()) {
      long w = live.get();
      boolean named =
          await(
              Duration.ofSeconds(30),
              () -> !Os.aliveNotZombie(w) || pidFileNames(w) && identityNames(w));
      if (Os.aliveNotZombie(w)) {
        violations.check(
            named,
            "live worker keeps its PID file",
            "PID file of live worker " + w + " not restored within 30 s");
        Detection d = status();
        violations.check(
            !Os.aliveNotZombie(w) || d.running() && d.pid() == w,
            "never not running/stale for a live, verified worker",
            "live worker " + w + " detected as " + d);
        Detection m = new Detection(new MinimalWorkerDetector(root).detect());
        violations.check(
            !Os.aliveNotZombie(w) || m.running() && m.pid() == w,
            "never not running/stale for a live, verified worker",
            "minimal detector: live worker " + w + " detected as " + m);
      }
    } else {
      Detection d = status();
      violations.check(
          !d.running(),
          "never running for a process that is not this project's worker",
          "no worker lives, status: " + d);
    }
    // Never a signal to a process that is not our worker.
    List<Process> watched = new ArrayList<>(bystanders);
    watched.addAll(strangers);
    for (Process p : watched) {
      Optional<Character> s = Os.state(p.pid());
      violations.check(
          s.isPresent() && s.get() != 'T' && s.get() != 'Z',
          "never a signal to a process that is not our worker",
          "bystander " + p.pid() + " " + Os.cmdline(p.pid()).orElse(List.of()) + " state " + s);
    }
    violations.check(
        Os.aliveNotZombie(otherWorker.pid()),
        "never a signal to a process that is not our worker",
        "the other project's worker " + otherWorker.pid() + " died");
    violations.check(
        Files.isRegularFile(victim, LinkOption.NOFOLLOW_LINKS)
            && Files.readString(victim).equals(victimText)
            && Files.exists(victimDir.resolve("precious")),
        "never follows a link",
        "the victim file or directory was changed");
    // Never a removed PID file that a live worker wrote: the worker logs when it must rewrite it.
    String newLog = logSince(logOffset);
    if (!tamperedPid) {
      for (String line :
          newLog
              .lines()
              .filter(
                  l ->
                      l.contains("rewrote PID file")
                          && l.contains("PID file")
                          && !l.contains("identity record missing or altered"))
              .toList()) {
        violations.add("never a removed PID file that a live worker wrote", line);
      }
    }
    // No temp-file litter from interrupted atomic writes of a live process (a kill -9 may leave
    // one).
    try (Stream<Path> s = Files.list(cq)) {
      long litter =
          s.filter(p -> NOT_ALLOWED_IN_DIR.matcher(p.getFileName().toString()).find()).count();
      if (litter > 0) {
        note("temp files left by killed writers (cleaned by the harness)");
        try (Stream<Path> again = Files.list(cq)) {
          for (Path p :
              again
                  .filter(p -> NOT_ALLOWED_IN_DIR.matcher(p.getFileName().toString()).find())
                  .toList()) {
            Files.deleteIfExists(p);
          }
        }
      }
    }
  }

  void checkRunningClaim(long pid, String who) {
    boolean stranger =
        strangers.stream().anyMatch(p -> p.pid() == pid)
            || bystanders.stream().anyMatch(p -> p.pid() == pid)
            || pid == otherWorker.pid()
            || forged.contains(pid);
    // An exiting process shows an empty command line (present, but empty) before it turns zombie:
    // a worker being stopped by a concurrent stop cannot be judged by argv then, only by the
    // stranger list. The detector itself answers stale for an empty command line, so a "running"
    // answer was given while the argv still carried the marker.
    boolean judgeable = Os.cmdline(pid).map(argv -> !argv.isEmpty()).orElse(false);
    boolean liveButNotWorker =
        judgeable && Os.aliveNotZombie(pid) && !Os.liveWorkers(root, forged).contains(pid);
    violations.check(
        !stranger && !liveButNotWorker,
        "never running for a process that is not this project's worker",
        who + " said running for PID " + pid + " " + Os.cmdline(pid).orElse(List.of()));
  }

  void finalDrain() throws Exception {
    freeDisk();
    ensureWorker();
    for (String c : refusedByHook) {
      Bounded.Result r = run.cli("queue", "add", c, "--project-root", root.toString());
      violations.check(
          r.code() == 0,
          "no lost job",
          "queue add " + c + " (as the hook told the user): " + r.oneLine());
    }
    Set<String> expected = new HashSet<>();
    committed.forEach((c, files) -> files.forEach(f -> expected.add(c + " " + f)));
    // A job of a worker killed mid-job is claimable again once its lease (30 s) runs out.
    boolean all = await(Duration.ofSeconds(180), () -> done().containsAll(expected));
    Set<String> missing = new HashSet<>(expected);
    missing.removeAll(done());
    violations.check(
        all,
        "no lost job",
        missing.size()
            + " of "
            + expected.size()
            + " committed files never documented: "
            + missing.stream().limit(20).toList());
    notes.put("committed files (all documented: " + all + ")", expected.size());
    notes.put("commits", committed.size());
  }

  // ----------------------------------------------------------------------------------- helpers

  /** A detection as seen through {@code worker status --json}. */
  record Detection(String outcome, long pid, boolean cleanedUp, String reason) {
    Detection(io.codequery.Detection d) {
      this(d.outcome(), d.pid().isPresent() ? d.pid().getAsInt() : -1, d.cleanedUp(), d.reason());
    }

    boolean running() {
      return outcome.equals("running");
    }
  }

  Detection status() {
    Bounded.Result r = run.cli("worker", "status", "--json", "--project-root", root.toString());
    Detection d = parse(r);
    if (d.running()) {
      checkRunningClaim(d.pid(), "status");
    }
    return d;
  }

  Detection nobodyStatus() {
    Detection d = parse(nobody("worker", "status", "--json", "--project-root", root.toString()));
    if (d.running()) {
      checkRunningClaim(d.pid(), "status as nobody");
    }
    return d;
  }

  Detection parse(Bounded.Result r) {
    try {
      JsonObject o = JsonParser.parseString(r.out().strip()).getAsJsonObject();
      long pid = o.get("pid").isJsonNull() ? -1 : o.get("pid").getAsLong();
      Detection d =
          new Detection(
              o.get("outcome").getAsString(),
              pid,
              o.get("cleaned_up").getAsBoolean(),
              o.get("reason").getAsString());
      Set<Integer> codes =
          Map.of(
                  "running",
                  Set.of(0),
                  "stale",
                  Set.of(1),
                  "invalid",
                  Set.of(1),
                  "not_running",
                  Set.of(3),
                  "unknown",
                  Set.of(4))
              .getOrDefault(d.outcome(), Set.of());
      violations.check(
          codes.contains(r.code()), "exit status", "status exit " + r.code() + " for " + d);
      violations.check(!d.reason().isBlank(), "clear refusal", "no reason given: " + r.oneLine());
      return d;
    } catch (RuntimeException e) {
      violations.add(
          "clear refusal", "status --json did not print one JSON object: " + r.oneLine());
      return new Detection("unparsable", -1, false, r.text());
    }
  }

  Bounded.Result nobody(String... args) {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "setpriv",
                "--reuid=65534",
                "--regid=65534",
                "--clear-groups",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-Xmx64m",
                "-cp",
                nobodyClassPath,
                "io.codequery.cli.Main"));
    cmd.addAll(List.of(args));
    return run.await(run.command(cmd, "[nobody] code-query " + String.join(" ", args)), "nobody");
  }

  /** Copies of this run's class path (dirs and jars) where user nobody can read them. */
  String worldReadableClassPath() throws IOException {
    Path dir = ClassDirs.worldReadableDir("cq-faults-cp-");
    List<String> entries = new ArrayList<>();
    int i = 0;
    for (String e : RealWorker.classPath().split(File.pathSeparator)) {
      Path src = Path.of(e);
      if (!Files.exists(src)) {
        continue;
      }
      Path dst = dir.resolve((i++) + "-" + src.getFileName());
      if (Files.isDirectory(src)) {
        try (Stream<Path> s = Files.walk(src)) {
          for (Path p : s.toList()) {
            Path t = dst.resolve(src.relativize(p).toString());
            if (Files.isDirectory(p)) {
              Files.createDirectories(t);
            } else {
              Files.copy(p, t);
            }
          }
        }
      } else {
        Files.copy(src, dst);
      }
      entries.add(dst.toString());
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.toList()) {
        Files.setPosixFilePermissions(
            p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
      }
    }
    cleanup.add(dir);
    return String.join(":", entries);
  }

  final List<Path> cleanup = new ArrayList<>();

  Optional<Long> liveWorker() {
    List<Long> live = Os.liveWorkers(root, forged);
    return live.size() == 1 ? Optional.of(live.get(0)) : Optional.empty();
  }

  /** A live, verified worker: the one that runs, or one started with {@code worker start}. */
  long ensureWorker() throws Exception {
    await(Duration.ofSeconds(30), () -> Os.liveWorkers(root, forged).size() <= 1);
    Optional<Long> live = liveWorker();
    if (live.isPresent()) {
      long w = live.get();
      if (await(
              Duration.ofSeconds(30),
              () -> !Os.aliveNotZombie(w) || pidFileNames(w) && identityNames(w))
          && Os.aliveNotZombie(w)) {
        return w;
      }
    }
    Bounded.Result r =
        run.cli("worker", "start", "--wait-seconds", "60", "--project-root", root.toString());
    if (r.code() != 0) {
      violations.add(
          "recovery", "worker start after the faults were undone failed: " + r.oneLine());
      throw new IllegalStateException("no worker: " + r.oneLine());
    }
    Matcher m = PID_IN_TEXT.matcher(r.out());
    if (!m.find()) {
      throw new IllegalStateException("no PID in " + r.oneLine());
    }
    return Long.parseLong(m.group(1));
  }

  void stop() {
    Bounded.Result r =
        run.cli("worker", "stop", "--timeout", "5", "--project-root", root.toString());
    if (r.code() != 0) {
      violations.add("stop", "stop failed: " + r.oneLine());
    }
  }

  void kill9(long pid) throws Exception {
    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    awaitGone(pid);
  }

  void awaitGone(long pid) {
    if (!await(Duration.ofSeconds(30), () -> !Os.aliveNotZombie(pid))) {
      throw new IllegalStateException("PID " + pid + " did not die within 30 s of SIGKILL");
    }
    // Reaped, not only dead: a zombie still holds its PID.
    await(
        Duration.ofSeconds(30),
        () -> ProcessHandle.of(pid).isEmpty() || !Os.state(pid).isPresent());
  }

  Process forgedProcess() throws IOException {
    return new ProcessBuilder(
            "bash",
            "-c",
            "exec -a java /usr/bin/python3 -c 'import time; time.sleep(1000000)' \"$1\""
                + " "
                + MAIN
                + " worker run",
            "forger",
            "-Dcode-query.worker=" + root)
        .start();
  }

  void commit(int files) throws Exception {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < files; i++) {
      String name = (rnd.nextInt(5) == 0 ? "doc ü " : "doc-") + (fileCounter++) + ".txt";
      Files.writeString(root.resolve(name), "content " + fileCounter + " " + rnd.nextLong() + "\n");
      names.add(name);
    }
    git("add", "-A");
    Bounded.Result c = git("commit", "-q", "-m", "iteration " + iteration);
    violations.check(c.code() == 0, "the hook never fails a commit", c.oneLine());
    String head = git("rev-parse", "HEAD").out().strip();
    committed.put(head, names);
    if (c.out().contains("could not record")) {
      refusedByHook.add(head);
      note("hook refused to spool (disk full), said so");
    }
  }

  Bounded.Result git(String... args) {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "git",
                "-C",
                root.toString(),
                "-c",
                "user.name=Faults",
                "-c",
                "user.email=faults@example.invalid"));
    cmd.addAll(List.of(args));
    return run.await(run.command(cmd, "git " + args[0]), "git " + args[0]);
  }

  long counts(JobState state) {
    if (!Files.exists(cq.resolve("queue.db"))) {
      return 0;
    }
    try (JobQueue q =
        JobQueue.open(cq.resolve("queue.db"), 2, Duration.ofSeconds(1), Clock.systemUTC())) {
      return q.counts().getOrDefault(state, 0L);
    } catch (RuntimeException e) {
      return 0;
    }
  }

  Set<String> done() {
    Set<String> out = new HashSet<>();
    if (!Files.exists(cq.resolve("queue.db"))) {
      return out;
    }
    try (JobQueue q =
        JobQueue.open(cq.resolve("queue.db"), 2, Duration.ofSeconds(1), Clock.systemUTC())) {
      for (Job j : q.list(Optional.of(JobState.DONE), 1_000_000)) {
        out.add(j.commit() + " " + j.file());
      }
    } catch (RuntimeException e) {
      // busy: ask again
    }
    return out;
  }

  boolean pidFileNames(long pid) {
    try {
      Path f = cq.resolve("worker.pid");
      return Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)
          && Files.size(f) < 64
          && Files.readString(f, StandardCharsets.ISO_8859_1).equals(pid + "\n");
    } catch (IOException e) {
      return false;
    }
  }

  boolean identityNames(long pid) {
    try {
      Path f = cq.resolve("worker.identity");
      return Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)
          && WorkerIdentity.parse(Files.readString(f, StandardCharsets.UTF_8))
              .map(i -> i.pid() == pid)
              .orElse(false);
    } catch (IOException e) {
      return false;
    }
  }

  void writePidFile(byte[] content) throws IOException {
    tamperedPid = true;
    Path f = cq.resolve("worker.pid");
    if (Files.exists(f, LinkOption.NOFOLLOW_LINKS)
        && !Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
      deleteTree(f);
    }
    Files.write(
        f,
        content,
        StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING,
        LinkOption.NOFOLLOW_LINKS);
  }

  void writeIdentity(WorkerIdentity id) throws IOException {
    Files.write(
        cq.resolve("worker.identity"),
        id.format(),
        StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING,
        LinkOption.NOFOLLOW_LINKS);
  }

  void removeIdentityUnlessLive(Optional<Long> live) throws IOException {
    if (live.isEmpty()) {
      Files.deleteIfExists(cq.resolve("worker.identity"));
    }
  }

  Path hookPath() {
    return root.resolve(".git/hooks/post-commit");
  }

  void note(String what) {
    notes.merge(what, 1, Integer::sum);
  }

  long logSize() {
    try {
      return Files.size(cq.resolve("worker.log"));
    } catch (IOException e) {
      return 0;
    }
  }

  String logSince(long offset) {
    try (var ch = Files.newByteChannel(cq.resolve("worker.log"))) {
      long size = ch.size();
      if (size <= offset) {
        return "";
      }
      ch.position(offset);
      ByteBuffer buf = ByteBuffer.allocate((int) Math.min(size - offset, 4 * 1024 * 1024));
      while (buf.hasRemaining() && ch.read(buf) > 0) {
        // read all
      }
      return new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  static boolean await(Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (condition.getAsBoolean()) {
        return true;
      }
      if (System.nanoTime() > deadline) {
        return false;
      }
      try {
        Thread.sleep(25);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
  }

  static String printable(byte[] b) {
    String s = new String(b, 0, Math.min(b.length, 24), StandardCharsets.ISO_8859_1);
    return "\"" + WorkerLog.escape(s) + (b.length > 24 ? "…(" + b.length + " bytes)" : "") + "\"";
  }

  static void mkfifo(Path p) throws Exception {
    Process m = new ProcessBuilder("mkfifo", p.toString()).redirectErrorStream(true).start();
    if (!m.waitFor(30, TimeUnit.SECONDS) || m.exitValue() != 0) {
      throw new IOException("mkfifo " + p + " failed");
    }
  }

  static void deleteTree(Path p) throws IOException {
    if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
      try (Stream<Path> s = Files.walk(p)) {
        for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(q);
        }
      }
    } else {
      Files.deleteIfExists(p);
    }
  }

  // ------------------------------------------------------------------------------ disk full

  void fillDisk() throws IOException {
    Path filler = cq.resolve(".filler");
    byte[] mb = new byte[1024 * 1024];
    byte[] page = new byte[4096];
    try (OutputStream out =
        Files.newOutputStream(filler, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
      while (true) {
        out.write(mb);
        out.flush();
      }
    } catch (IOException e) {
      // full to the last megabyte
    }
    try (OutputStream out = Files.newOutputStream(filler, StandardOpenOption.APPEND)) {
      while (true) {
        out.write(page);
        out.flush();
      }
    } catch (IOException e) {
      // full to the last page
    }
  }

  void freeDisk() throws IOException {
    Files.deleteIfExists(cq.resolve(".filler"));
  }

  // --------------------------------------------------------------------------- set-up, summary

  void setUp() throws Exception {
    base = ClassDirs.worldReadableDir("cq-faults-");
    root = Files.createDirectory(base.resolve("project")).toRealPath();
    cq = Files.createDirectory(root.resolve(".code-query"));
    canSetpriv =
        "root".equals(System.getProperty("user.name"))
            && Files.isExecutable(Path.of("/usr/bin/setpriv"));
    mountDisk();
    Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(cq, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.writeString(
        cq.resolve("config.json"),
        "{\"processing\": {\"heartbeat_seconds\": 1, \"stop_timeout_seconds\": 5,"
            + " \"retry_delay_seconds\": 1, \"fallback\": \"queue\", \"command\": [\"sh\", \"-c\","
            + " \"sleep 0.2; wc -c < \\\"$1\\\"\", \"doc\", \"{file}\"]}}");
    run.await(
        run.command(List.of("git", "init", "-q", "-b", "main", root.toString()), "git init"),
        "git init");
    Files.writeString(root.resolve(".gitignore"), ".code-query/\n");
    git("add", "-A");
    git("commit", "-q", "-m", "initial");
    launcher = base.resolve("code-query");
    Files.writeString(
        launcher,
        "#!/bin/sh\nexec "
            + String.join(
                " ",
                RealWorker.javaCommand().stream()
                    .map(s -> "'" + s.replace("'", "'\\''") + "'")
                    .toList())
            + " "
            + MAIN
            + " \"$@\"\n");
    Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
    new HooksInstaller(root, launcher).install();

    other = Files.createDirectory(base.resolve("other-project")).toRealPath();
    Files.createDirectory(other.resolve(".code-query"));
    Files.writeString(
        other.resolve(".code-query/config.json"), "{\"processing\": {\"heartbeat_seconds\": 1}}");
    otherWorker = RealWorker.start(other);

    victimText = "precious data of someone else\n";
    victim = base.resolve("victim.txt");
    Files.writeString(victim, victimText);
    victimDir = Files.createDirectory(base.resolve("victim-dir"));
    Files.writeString(victimDir.resolve("precious"), "do not delete\n");

    // They must outlive the longest run: the 1000 s of Processes.sleep() would end mid-run.
    Process sleep = new ProcessBuilder("sleep", "1000000").start();
    Processes.awaitArgv0(sleep, "sleep");
    bystanders.add(sleep);
    Process f = forgedProcess();
    forged.add(f.pid());
    Processes.awaitArgv0(f, "java");
    bystanders.add(f);
    System.out.println(
        "[faults] project "
            + root
            + " (.code-query on "
            + diskHow
            + "), other project worker "
            + otherWorker.pid());
  }

  /**
   * A small file system under .code-query/, so that the disk can be filled: tmpfs, else a loop
   * mount.
   */
  void mountDisk() {
    if (!"root".equals(System.getProperty("user.name"))) {
      diskHow = "the ordinary disk (not root: disk-full faults skipped)";
      return;
    }
    if (sh("mount -t tmpfs -o size=32m,mode=0755 tmpfs '" + cq + "'")) {
      diskMounted = true;
      diskHow = "tmpfs size=32m";
      return;
    }
    Path img = base.resolve("disk.img");
    if (sh(
        "truncate -s 32M '"
            + img
            + "' && mkfs.ext4 -q -F '"
            + img
            + "' && mount -o loop '"
            + img
            + "' '"
            + cq
            + "'")) {
      diskMounted = true;
      diskHow = "ext4 loop mount 32M";
      return;
    }
    diskHow = "the ordinary disk (no tmpfs or loop mount: disk-full faults skipped)";
  }

  static boolean sh(String script) {
    try {
      Process p = new ProcessBuilder("sh", "-c", script).redirectErrorStream(true).start();
      RealWorker.drain(p);
      return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  void tearDown() throws Exception {
    if (root != null) {
      run.cli("worker", "stop", "--timeout", "5", "--project-root", root.toString());
      for (long w : Os.liveWorkers(root, forged)) {
        ProcessHandle.of(w).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
    if (otherWorker != null) {
      otherWorker.close();
    }
    for (Process p : bystanders) {
      Processes.kill(p);
    }
    for (Process p : strangers) {
      Processes.kill(p);
    }
    if (diskMounted) {
      if (!await(Duration.ofSeconds(30), () -> sh("umount '" + cq + "'"))) {
        sh("umount -l '" + cq + "'");
      }
    }
    run.close();
    for (Path p : cleanup) {
      deleteTree(p);
    }
    if (base != null) {
      deleteTree(base);
    }
  }

  String summary(Instant started) {
    StringBuilder s = new StringBuilder();
    s.append("code-query fault-injection run\n");
    s.append("date:        ").append(started).append('\n');
    s.append("machine:     ").append(machine()).append('\n');
    s.append("seed:        ")
        .append(SEED)
        .append("   (replay: -Dfaults.seed=")
        .append(SEED)
        .append(" -Dfaults.iterations=")
        .append(ITERATIONS)
        .append(" -Dfaults.recycles=")
        .append(RECYCLES)
        .append(")\n");
    s.append("iterations:  ")
        .append(Math.max(0, Math.min(iteration, ITERATIONS)))
        .append(" of ")
        .append(ITERATIONS)
        .append('\n');
    s.append("duration:    ")
        .append(Duration.between(started, Instant.now()).toSeconds())
        .append(" s\n");
    s.append(".code-query: ").append(diskHow).append('\n');
    s.append("commands:    ")
        .append(run.commands())
        .append(" run, each bounded by ")
        .append(Bounded.BOUND.toSeconds())
        .append(" s\n");
    s.append("slowest:     ").append(run.slowest()).append('\n');
    s.append("violations:  ").append(violations.all().size()).append('\n');
    violations.all().forEach(v -> s.append("  ").append(v).append('\n'));
    s.append("faults per kind (count, total time incl. checks):\n");
    for (FaultKind k : FaultKind.values()) {
      if (k != FaultKind.SETUP) {
        s.append(
            String.format(
                "  %-26s %6d %8.1f s   %s%n",
                k, counts.getOrDefault(k, 0), millis.getOrDefault(k, 0L) / 1000.0, k.description));
      }
    }
    s.append("details:\n");
    notes.forEach((k, v) -> s.append(String.format("  %-70s %6d%n", k, v)));
    return s.toString();
  }

  static String machine() {
    String cpu = "?";
    try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
      cpu =
          lines
              .filter(l -> l.startsWith("model name"))
              .findFirst()
              .map(l -> l.substring(l.indexOf(':') + 1).strip())
              .orElse("?");
    } catch (IOException e) {
      // unknown CPU
    }
    return Runtime.getRuntime().availableProcessors()
        + " CPUs ("
        + cpu
        + "), "
        + System.getProperty("os.name")
        + " "
        + System.getProperty("os.version")
        + ", Java "
        + System.getProperty("java.version")
        + ", pid_max "
        + Os.pidMax();
  }
}
