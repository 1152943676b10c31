package io.codequery.testing;

import static org.awaitility.Awaitility.await;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.codequery.cli.Main;
import io.codequery.project.ProjectLayout;
import io.codequery.testing.NamespacedHosts.Host;
import io.codequery.testing.NamespacedHosts.HostProcess;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Workers on namespaced hosts sharing one PostgreSQL database, and what a test reads of them: the
 * store's rows (straight SQL, as a third party), {@code worker list --json} from an observer's
 * checkout in this namespace, each host's worker log, and a ledger the job command writes.
 *
 * <p>The job command sleeps {@link #JOB_SECONDS} and prints a small document; should anything
 * signal it (SIGTERM, SIGHUP, SIGINT) it writes {@code <host> signalled <path>} to the ledger
 * first, so a test can tell whose worker did.
 */
public final class HostCluster {
  public static final String JOB_SECONDS = "0.15";
  public static final int CONCURRENCY = 2;
  public static final int HEARTBEAT_SECONDS = 1;

  private static final Pattern DONE = Pattern.compile("(?:^|\\s)done (\\S+) in \\d+ ms");
  private static final Pattern DISCARDED =
      Pattern.compile("discarded (?:the result of )?(\\S+?):? ");
  private static final Pattern SIGNALLED = Pattern.compile("^(\\S+) signalled (\\S+)$");

  private final Path dir;
  private final Path observer;
  private final Path ledger;
  private final String jdbcUrl;
  private final Map<Host, Path> roots = new LinkedHashMap<>();
  private final Map<Host, HostProcess> current = new ConcurrentHashMap<>();
  private final List<HostProcess> started = new ArrayList<>();

  private HostCluster(Path dir, Path observer, Path ledger, String jdbcUrl) {
    this.dir = dir;
    this.observer = observer;
    this.ledger = ledger;
    this.jdbcUrl = jdbcUrl;
  }

  /**
   * Clones {@code remote} for each host and for an observer here; each checkout's config names
   * {@code database} on {@code server} as its store, reached over its host's link.
   */
  public static HostCluster create(
      Path dir, SharedRemote remote, NamespacedHosts hosts, TestPostgres.Server server, String db)
      throws IOException {
    Path observer = remote.cloneInto(dir.resolve("observer"));
    String query = "/" + db + "?user=postgres";
    writeConfig(observer, "postgresql://127.0.0.1:" + server.port() + query);
    Path ledger = Files.createFile(dir.resolve("signals.ledger"));
    HostCluster c = new HostCluster(dir, observer, ledger, server.jdbcUrl(db));
    for (Host h : hosts.hosts()) {
      Path root = remote.cloneInto(dir.resolve(h.name()));
      writeConfig(root, "postgresql://" + h.serverAddress() + ":" + server.port() + query);
      c.roots.put(h, root);
    }
    return c;
  }

  /**
   * Rewrites every host's config with this job length and number of slots (workers started from now
   * on read it; running ones keep theirs).
   */
  public void configure(String jobSeconds, int concurrency) throws IOException {
    for (Host h : roots.keySet()) {
      configure(h, jobSeconds, concurrency);
    }
  }

  /** As {@link #configure(String, int)}, for {@code host} only. */
  public void configure(Host host, String jobSeconds, int concurrency) throws IOException {
    Path root = roots.get(host);
    Path config = ProjectLayout.of(root).configFile();
    JsonObject json = JsonParser.parseString(Files.readString(config)).getAsJsonObject();
    String url = json.getAsJsonObject("store").get("url").getAsString();
    writeConfig(root, url, jobSeconds, concurrency);
  }

  /** Stops {@code host}'s current worker (SIGTERM, 60 s) and starts a new one; returns its id. */
  public String restartWorker(Host host) throws IOException, InterruptedException {
    HostProcess p = current.get(host);
    p.signalProcess("java", "TERM");
    if (!p.waitFor(Duration.ofSeconds(60))) {
      throw new IllegalStateException(host.name() + "'s worker did not stop within 60 s");
    }
    return startWorker(host);
  }

  /** Ledger entries: job commands signalled on {@code host} ({@code path}s). */
  public Set<String> signalledOn(Host host) throws IOException {
    Set<String> out = new TreeSet<>();
    for (String entry : Files.readAllLines(ledger, StandardCharsets.UTF_8)) {
      Matcher m = SIGNALLED.matcher(entry.strip());
      if (m.matches() && m.group(1).equals(host.name())) {
        out.add(m.group(2));
      }
    }
    return out;
  }

  private static void writeConfig(Path root, String storeUrl) throws IOException {
    writeConfig(root, storeUrl, JOB_SECONDS, CONCURRENCY);
  }

  private static void writeConfig(Path root, String storeUrl, String jobSeconds, int concurrency)
      throws IOException {
    JsonObject store = new JsonObject();
    store.addProperty("url", storeUrl);
    JsonArray command = new JsonArray();
    for (String arg :
        List.of(
            "sh",
            "-c",
            "trap 'echo \"$CQ_HOST signalled $1\" >> \"$CQ_LEDGER\"; exit 143' TERM HUP INT;"
                + " sleep "
                + jobSeconds
                + " & wait $!; echo \"# $1\"",
            "sh",
            "{path}")) {
      command.add(arg);
    }
    JsonObject processing = new JsonObject();
    processing.addProperty("heartbeat_seconds", HEARTBEAT_SECONDS);
    processing.addProperty("concurrency", concurrency);
    processing.add("command", command);
    JsonObject config = new JsonObject();
    config.add("store", store);
    config.add("processing", processing);
    ProjectLayout layout = ProjectLayout.of(root);
    Files.createDirectories(layout.dir());
    Files.writeString(layout.configFile(), config.toString(), StandardCharsets.UTF_8);
  }

  /** Starts a worker on {@code host} ({@code worker run}, PID 1 there); waits until it is live. */
  public String startWorker(Host host) throws IOException {
    return startWorker(host, List.of(), Map.of());
  }

  /**
   * As {@link #startWorker(Host)}, the worker's command behind {@code wrapper} (e.g. {@code
   * faketime -f +10m}) and with {@code environment} added.
   */
  public String startWorker(Host host, List<String> wrapper, Map<String, String> environment)
      throws IOException {
    Set<String> before = new HashSet<>(idsOn(host));
    Path root = roots.get(host);
    List<String> cmd = new ArrayList<>(wrapper);
    cmd.addAll(RealWorker.javaCommand());
    cmd.add(wrapper.size() + 1, "-Dcode-query.worker=" + root);
    cmd.addAll(
        List.of("io.codequery.cli.Main", "worker", "run", "--project-root", root.toString()));
    Path out = dir.resolve(host.name() + ".out");
    Map<String, String> env = new HashMap<>(environment);
    env.put("CQ_HOST", host.name());
    env.put("CQ_LEDGER", ledger.toString());
    HostProcess p = host.start(cmd, env, out);
    synchronized (started) {
      started.add(p);
    }
    current.put(host, p);
    return await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              if (!p.isAlive()) {
                throw new IllegalStateException(host.name() + "'s worker ended:\n" + p.output());
              }
              return newest(host).filter(w -> !before.contains(w.id()) && w.isLive());
            },
            Optional::isPresent)
        .orElseThrow()
        .id();
  }

  /**
   * Sends {@code signal} ("KILL", "STOP", "CONT", "TERM") to {@code host}'s current worker JVM (not
   * to a wrapper it runs under).
   */
  public void signalWorker(Host host, String signal) {
    current.get(host).signalProcess("java", signal);
  }

  public HostProcess process(Host host) {
    return current.get(host);
  }

  /** {@code queue add --all} from the observer's checkout: every file at HEAD, one job each. */
  public void enqueueBackfill() {
    Run r = cli("queue", "add", "--all", "--json");
    if (r.code != 0) {
      throw new IllegalStateException("queue add --all: " + r);
    }
  }

  public void awaitDone(int atLeast) {
    awaitDone(atLeast, Duration.ofSeconds(90));
  }

  public void awaitDone(int atLeast, Duration bound) {
    await()
        .atMost(bound)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> jobStates().getOrDefault("done", 0L) >= atLeast);
  }

  /** Jobs per state, straight from the store. */
  public Map<String, Long> jobStates() throws SQLException {
    Map<String, Long> m = new TreeMap<>();
    try (Connection c = connect();
        PreparedStatement st =
            c.prepareStatement("SELECT state, count(*) FROM code_query.jobs GROUP BY state");
        ResultSet rs = st.executeQuery()) {
      while (rs.next()) {
        m.put(rs.getString(1), rs.getLong(2));
      }
    }
    return m;
  }

  /** The newest life of a worker on {@code host}, as {@code worker list} shows it. */
  public String currentWorker(Host host) {
    return newest(host)
        .orElseThrow(() -> new IllegalStateException(host.name() + ": no worker"))
        .id();
  }

  /** Waits until {@code host}'s newest life is live and is not {@code old}; returns its id. */
  public String awaitNewLife(Host host, String old) {
    return await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> newest(host).filter(w -> !w.id().equals(old) && w.isLive()), Optional::isPresent)
        .orElseThrow()
        .id();
  }

  /** The state {@code worker list --json} gives the worker {@code id}, or "unlisted". */
  public String listedState(String id) {
    return listed().stream()
        .filter(w -> w.id().equals(id))
        .map(Listed::state)
        .findFirst()
        .orElse("unlisted");
  }

  /**
   * The jobs {@code worker} holds now (running, leased by its claims), waited for up to 30 s until
   * it holds at least one.
   */
  public Set<Long> awaitRunningJobsOf(String worker) {
    return await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> runningJobsOf(worker), s -> !s.isEmpty());
  }

  public Set<Long> runningJobsOf(String worker) throws SQLException {
    Set<Long> ids = new HashSet<>();
    try (Connection c = connect();
        PreparedStatement st =
            c.prepareStatement(
                "SELECT j.id FROM code_query.jobs j JOIN code_query.workers w ON"
                    + " left(j.lease_owner, length(w.claim_owner)) = w.claim_owner WHERE"
                    + " j.state = 'running' AND w.worker_id = ?")) {
      st.setString(1, worker);
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getLong(1));
        }
      }
    }
    return ids;
  }

  /**
   * The jobs {@code worker} holds whose command's run is recorded (the slot is past that store call
   * and watching its command).
   */
  public Set<Long> recordedRunsOf(String worker) throws SQLException {
    Set<Long> held = runningJobsOf(worker);
    Set<Long> out = new HashSet<>();
    try (Connection c = connect();
        PreparedStatement st =
            c.prepareStatement(
                "SELECT id FROM code_query.jobs WHERE id = ANY (?) AND run_pid IS NOT NULL")) {
      st.setArray(1, c.createArrayOf("bigint", held.toArray()));
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getLong(1));
        }
      }
    }
    return out;
  }

  /** True when none of {@code jobs} is running under {@code worker}'s claims any more. */
  public boolean noneHeldBy(Set<Long> jobs, String worker) throws SQLException {
    Set<Long> held = runningJobsOf(worker);
    held.retainAll(jobs);
    return held.isEmpty();
  }

  /** The rows of {@code jobs} as text (state, owner, lease, attempts, the database's now): why. */
  public String rows(Set<Long> jobs) throws SQLException {
    StringBuilder out = new StringBuilder();
    try (Connection c = connect();
        PreparedStatement st =
            c.prepareStatement(
                "SELECT id, state, lease_owner, lease_expires_at - now(), attempts, not_before -"
                    + " now(), run_pid, note FROM code_query.jobs WHERE id = ANY (?)")) {
      st.setArray(1, c.createArrayOf("bigint", jobs.toArray()));
      try (ResultSet rs = st.executeQuery()) {
        int n = rs.getMetaData().getColumnCount();
        while (rs.next()) {
          for (int i = 1; i <= n; i++) {
            out.append(i == 1 ? "" : " ").append(rs.getString(i));
          }
          out.append('\n');
        }
      }
    }
    return out.toString();
  }

  /** {@code commit:path} of each job, as the worker's log names them. */
  public Set<String> describe(Set<Long> jobs) throws SQLException {
    Set<String> out = new HashSet<>();
    try (Connection c = connect();
        PreparedStatement st =
            c.prepareStatement(
                "SELECT commit_id || ':' || convert_from(file, 'UTF8') FROM code_query.jobs"
                    + " WHERE id = ANY (?)")) {
      st.setArray(1, c.createArrayOf("bigint", jobs.toArray()));
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
  }

  /** Jobs whose result {@code host}'s worker logged as discarded (the fence said no). */
  public Set<String> discardedIn(Host host) throws IOException {
    Set<String> out = new HashSet<>();
    for (String line : logLines(roots.get(host))) {
      Matcher m = DISCARDED.matcher(line);
      if (m.find()) {
        out.add(m.group(1));
      }
    }
    return out;
  }

  /** Lines of {@code host}'s worker log where it fenced itself (the store silent too long). */
  public List<String> selfFences(Host host) throws IOException {
    return logLines(roots.get(host)).stream().filter(l -> l.contains("[worker] fenced: ")).toList();
  }

  /** Every fence rejection logged on every host. */
  public int rejections() throws IOException {
    int n = 0;
    for (Host h : roots.keySet()) {
      n += discardedIn(h).size();
    }
    return n;
  }

  /** Job ({@code commit:path}) → the hosts whose worker logged it done (once per completion). */
  public Map<String, List<String>> completionsByJob() throws IOException {
    Map<String, List<String>> m = new HashMap<>();
    for (Map.Entry<Host, Path> e : roots.entrySet()) {
      for (String line : logLines(e.getValue())) {
        Matcher d = DONE.matcher(line);
        if (d.find() && line.contains("[queue]")) {
          m.computeIfAbsent(d.group(1), k -> new ArrayList<>()).add(e.getKey().name());
        }
      }
    }
    return m;
  }

  /** Jobs ({@code commit:path}) {@code host}'s workers logged done. */
  public Set<String> completionsOn(Host host) throws IOException {
    Set<String> out = new HashSet<>();
    for (String line : logLines(roots.get(host))) {
      Matcher d = DONE.matcher(line);
      if (d.find() && line.contains("[queue]")) {
        out.add(d.group(1));
      }
    }
    return out;
  }

  /** Host name → completions its workers logged. */
  public Map<String, Integer> completionsPerHost() throws IOException {
    Map<String, Integer> m = new TreeMap<>();
    for (Host h : roots.keySet()) {
      m.put(h.name(), completionsOn(h).size());
    }
    return m;
  }

  /** Log lines of a job that failed or is to be retried, on any host. */
  public List<String> failures() throws IOException {
    List<String> out = new ArrayList<>();
    for (Path root : roots.values()) {
      for (String line : logLines(root)) {
        if (line.contains("[queue] failed ") || line.contains("[queue] will retry ")) {
          out.add(line);
        }
      }
    }
    return out;
  }

  public int ledgerEntries() throws IOException {
    return Files.readAllLines(ledger, StandardCharsets.UTF_8).size();
  }

  /**
   * Ledger entries of a job command signalled on a host whose own worker's log never said it lost
   * or released that job: the signal can only have come from elsewhere.
   */
  public List<String> signalsWithoutOwnLoss() throws IOException {
    List<String> out = new ArrayList<>();
    Map<String, Path> byName = new HashMap<>();
    roots.forEach((h, root) -> byName.put(h.name(), root));
    for (String entry : Files.readAllLines(ledger, StandardCharsets.UTF_8)) {
      Matcher m = SIGNALLED.matcher(entry.strip());
      if (!m.matches() || !byName.containsKey(m.group(1))) {
        out.add("unreadable ledger entry: " + entry);
        continue;
      }
      String path = ":" + m.group(2) + " ";
      List<String> own = logLines(byName.get(m.group(1)));
      // Its own worker lost the job (lease, release, fence), or fenced itself: that ends commands.
      boolean ownLoss =
          own.stream().anyMatch(l -> l.contains("[worker] fenced: "))
              || own.stream()
                  .anyMatch(
                      l ->
                          (l.contains(path) || l.endsWith(path.strip()))
                              && (l.contains("lease lost for")
                                  || l.contains("released")
                                  || l.contains("discarded")));
      if (!ownLoss) {
        out.add(entry);
      }
    }
    return out;
  }

  /** SIGTERM to every worker still running, each waited for (30 s); the harness kills the rest. */
  public void stopAll() throws InterruptedException {
    List<HostProcess> all;
    synchronized (started) {
      all = new ArrayList<>(started);
    }
    for (HostProcess p : all) {
      if (p.isAlive()) {
        try {
          p.signalProcess("java", "CONT"); // a frozen worker cannot honour the TERM
          p.signalProcess("java", "TERM");
        } catch (IllegalStateException e) {
          // ended in between
        }
      }
    }
    for (HostProcess p : all) {
      if (!p.waitFor(Duration.ofSeconds(30))) {
        p.kill9();
      }
    }
  }

  private static List<String> logLines(Path root) throws IOException {
    Path log = ProjectLayout.of(root).logFile();
    List<String> lines = new ArrayList<>();
    Path rotated = log.resolveSibling(log.getFileName() + ".1");
    for (Path p : List.of(rotated, log)) {
      if (Files.exists(p)) {
        try (Stream<String> s = Files.lines(p, StandardCharsets.UTF_8)) {
          s.forEach(lines::add);
        }
      }
    }
    return lines;
  }

  /**
   * A new commit that changes {@code files} (indexes into the remote's {@code src/fNNNN.txt}),
   * pushed from the observer to the remote and pulled by every host (as its user would), then
   * queued with {@code queue add}. Returns its jobs as the logs name them ({@code commit:path}).
   */
  public Set<String> commitAndQueue(List<Integer> files, String tag) throws IOException {
    return commitAndQueue(files, tag, true);
  }

  /**
   * As {@link #commitAndQueue(List, String)}; where {@code pull} is false the hosts do not pull:
   * their workers must fetch the commit from the remote themselves.
   */
  public Set<String> commitAndQueue(List<Integer> files, String tag, boolean pull)
      throws IOException {
    Set<String> paths = new TreeSet<>();
    for (int i : files) {
      String path = String.format("src/f%04d.txt", i);
      Files.writeString(
          observer.resolve(path), "file " + i + " " + tag + "\n", StandardCharsets.UTF_8);
      paths.add(path);
    }
    List<String> add = new ArrayList<>(List.of("add", "--"));
    add.addAll(paths); // not .code-query/, which is this checkout's own
    SharedRemote.git(observer, add.toArray(String[]::new));
    SharedRemote.git(observer, "commit", "-qm", tag);
    SharedRemote.git(observer, "push", "-q", "origin", "main");
    String commit = SharedRemote.git(observer, "rev-parse", "HEAD").strip();
    if (pull) {
      for (Path root : roots.values()) {
        SharedRemote.git(root, "pull", "-q", "--ff-only");
      }
    }
    Run r = cli("queue", "add", commit, "--json");
    if (r.code != 0) {
      throw new IllegalStateException("queue add " + commit + ": " + r);
    }
    Set<String> jobs = new TreeSet<>();
    paths.forEach(p -> jobs.add(commit + ":" + p));
    return jobs;
  }

  /** The checkout of {@code host}. */
  public Path root(Host host) {
    return roots.get(host);
  }

  /** The observer's checkout (this namespace, the store at 127.0.0.1). */
  public Path observer() {
    return observer;
  }

  /** A JDBC connection to the shared database, user postgres. */
  public Connection connect() throws SQLException {
    return DriverManager.getConnection(jdbcUrl, "postgres", "");
  }

  /** A worker life as {@code worker list --json} shows it. */
  public record Listed(String id, String host, String state) {
    public boolean isLive() {
      return state.equals("live");
    }
  }

  private List<String> idsOn(Host host) {
    return listed().stream().filter(w -> w.host().equals(host.name())).map(Listed::id).toList();
  }

  private Optional<Listed> newest(Host host) {
    // worker list shows the newest life first.
    return listed().stream().filter(w -> w.host().equals(host.name())).findFirst();
  }

  public List<Listed> listed() {
    Run r = cli("worker", "list", "--json");
    if (r.code != 0) {
      throw new IllegalStateException("worker list --json: " + r);
    }
    List<Listed> out = new ArrayList<>();
    for (JsonElement e :
        JsonParser.parseString(r.out).getAsJsonObject().getAsJsonArray("workers")) {
      JsonObject w = e.getAsJsonObject();
      out.add(
          new Listed(
              w.get("worker_id").getAsString(),
              w.get("host").getAsString(),
              w.get("state").getAsString()));
    }
    return out;
  }

  record Run(int code, String out, String err) {}

  private Run cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--project-root", observer.toString()));
    int code = Main.execute(all.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
    return new Run(code, out.toString(), err.toString());
  }
}
