package io.codequery.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Several "hosts" on this one machine, for tests of workers sharing one store: each host is a
 * network namespace joined to this one by a veth pair of its own on a private subnet, and every
 * program started on it runs in fresh PID and UTS namespaces too ({@code ip netns exec NS unshare
 * --pid --fork --mount-proc --uts}), so it has its own host name, its first process is PID 1 (PIDs
 * collide across hosts, as on real machines) and it reaches this namespace only over its link.
 *
 * <p>The subnet is {@code 10.213.X.0/24} with X drawn per run among those no interface of this
 * machine uses; host {@code i} (from 0) has the link {@code 10.213.X.(4i+1)} here and {@code
 * 10.213.X.(4i+2)} in its namespace (a /30 each). A server for the hosts listens on {@link
 * #serverAddresses()}; a host reaches it at {@link Host#serverAddress()}.
 *
 * <p>Everything it creates ({@code cqh<run><i>} namespaces, their veth pairs, the processes started
 * on the hosts) is removed by {@link #close()}, also from a JVM shutdown hook should a test never
 * get there; every wait is bounded. Needs root and iproute2: {@link #assumeAvailable()} skips a
 * test cleanly where they are missing.
 */
public final class NamespacedHosts implements AutoCloseable {
  private static final Duration COMMAND_BOUND = Duration.ofSeconds(30);
  private static final String SUBNET_PREFIX = "10.213.";

  private final String subnet;
  private final List<Host> hosts;
  private final Thread cleanup;
  private boolean closed;

  private NamespacedHosts(String subnet, List<Host> hosts) {
    this.subnet = subnet;
    this.hosts = hosts;
    this.cleanup = new Thread(this::removeEverything, "remove-namespaced-hosts");
    Runtime.getRuntime().addShutdownHook(cleanup);
  }

  /** Skips the calling test (an assumption) unless this is root with {@code ip netns} at hand. */
  public static void assumeAvailable() {
    assumeTrue("root".equals(System.getProperty("user.name")), "namespaced hosts need root");
    assumeTrue(
        tryRun(List.of("ip", "netns", "list")) && tryRun(List.of("unshare", "--version")),
        "namespaced hosts need iproute2 (ip netns) and util-linux (unshare)");
  }

  /**
   * Creates {@code count} hosts named {@code names} (their host names, e.g. host-a), with their
   * links up. On failure what was made so far is removed.
   */
  public static NamespacedHosts create(List<String> names) {
    if (names.isEmpty() || names.size() > 60) {
      throw new IllegalArgumentException("1 to 60 hosts, not " + names.size());
    }
    String run = HexFormat.of().formatHex(randomBytes(2));
    NamespacedHosts all = new NamespacedHosts(freeSubnet(), new ArrayList<>());
    try {
      for (int i = 0; i < names.size(); i++) {
        Host h = new Host(names.get(i), "cqh" + run + i, all.subnet, i);
        all.hosts.add(h); // before create: a half-made host is removed too
        h.create();
      }
    } catch (RuntimeException e) {
      all.close();
      throw e;
    }
    return all;
  }

  /** {@code 10.213.X.0/24}: every host's link is in it. */
  public String subnet() {
    return subnet + "0/24";
  }

  /** {@code 127.0.0.1} and this side of every host's link, comma-separated (listen_addresses). */
  public String serverAddresses() {
    List<String> all = new ArrayList<>(List.of("127.0.0.1"));
    hosts.forEach(h -> all.add(h.serverAddress()));
    return String.join(",", all);
  }

  public List<Host> hosts() {
    return Collections.unmodifiableList(hosts);
  }

  public Host host(int index) {
    return hosts.get(index);
  }

  /**
   * Ends every process started on the hosts (SIGKILL to each one's PID 1, which ends its PID
   * namespace), then deletes the namespaces, which deletes their veth pairs. Idempotent.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    removeEverything();
    try {
      Runtime.getRuntime().removeShutdownHook(cleanup);
    } catch (IllegalStateException e) {
      // the JVM is shutting down: the hook runs (or ran) removeEverything, which is idempotent
    }
  }

  private void removeEverything() {
    for (Host h : List.copyOf(hosts)) {
      h.remove();
    }
  }

  /** One host: its namespace, its link, its processes. */
  public static final class Host {
    private final String name;
    private final String namespace;
    private final String subnet;
    private final int index;
    private final List<HostProcess> processes = Collections.synchronizedList(new ArrayList<>());

    private Host(String name, String namespace, String subnet, int index) {
      this.name = name;
      this.namespace = namespace;
      this.subnet = subnet;
      this.index = index;
    }

    /** Its host name (inside its UTS namespaces). */
    public String name() {
      return name;
    }

    /** Its network namespace's name ({@code ip netns}). */
    public String namespace() {
      return namespace;
    }

    /** Its link's end on this side: where it reaches a server of this namespace. */
    public String serverAddress() {
      return subnet + (4 * index + 1);
    }

    /** Its own address, inside its namespace. */
    public String address() {
      return subnet + (4 * index + 2);
    }

    private String outerLink() {
      return namespace + "o";
    }

    private String innerLink() {
      return namespace + "i";
    }

    private void create() {
      run(List.of("ip", "netns", "add", namespace));
      run(List.of("ip", "link", "add", outerLink(), "type", "veth", "peer", "name", innerLink()));
      run(List.of("ip", "link", "set", innerLink(), "netns", namespace));
      run(List.of("ip", "addr", "add", serverAddress() + "/30", "dev", outerLink()));
      run(List.of("ip", "link", "set", outerLink(), "up"));
      inside(List.of("ip", "addr", "add", address() + "/30", "dev", innerLink()));
      inside(List.of("ip", "link", "set", "lo", "up"));
      linkUp();
    }

    /** Cuts the host off: its end of the link goes down (the other hosts keep theirs). */
    public void linkDown() {
      inside(List.of("ip", "link", "set", innerLink(), "down"));
    }

    /** Joins the host again: its end of the link comes up with its address and route. */
    public void linkUp() {
      inside(List.of("ip", "link", "set", innerLink(), "up"));
    }

    private void inside(List<String> command) {
      List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
      argv.addAll(command);
      run(argv);
    }

    /**
     * Starts {@code command} on this host (its network namespace, fresh PID and UTS namespaces,
     * host name {@link #name()}): the command is PID 1 there. Its output goes to {@code output};
     * {@code environment} is added to this JVM's.
     */
    public HostProcess start(List<String> command, Map<String, String> environment, Path output)
        throws IOException {
      List<String> argv =
          new ArrayList<>(
              List.of(
                  "ip",
                  "netns",
                  "exec",
                  namespace,
                  "unshare",
                  "--pid",
                  "--fork",
                  "--kill-child",
                  "--mount-proc",
                  "--uts",
                  "sh",
                  "-c",
                  "hostname \"$0\" && exec \"$@\"",
                  name));
      argv.addAll(command);
      ProcessBuilder pb =
          new ProcessBuilder(argv)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()))
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      pb.environment().putAll(environment);
      HostProcess p = new HostProcess(this, pb.start(), output);
      processes.add(p);
      return p;
    }

    private void remove() {
      List<HostProcess> started;
      synchronized (processes) {
        started = new ArrayList<>(processes);
      }
      for (HostProcess p : started) {
        p.kill9();
      }
      // Whatever else lives in the namespace (nothing should): by the kernel's list of it.
      Optional<String> pids = output(List.of("ip", "netns", "pids", namespace));
      pids.ifPresent(
          text ->
              text.lines()
                  .map(String::strip)
                  .filter(s -> s.matches("\\d+"))
                  .limit(1_000)
                  .forEach(pid -> tryRun(List.of("kill", "-KILL", pid))));
      tryRun(List.of("ip", "netns", "del", namespace));
      tryRun(List.of("ip", "link", "del", outerLink())); // gone with the namespace, normally
    }
  }

  /** A program started on a host: the {@code unshare} here and the program, PID 1 there. */
  public static final class HostProcess {
    private final Host host;
    private final Process unshare;
    private final Path output;

    private HostProcess(Host host, Process unshare, Path output) {
      this.host = host;
      this.unshare = unshare;
      this.output = output;
    }

    public Host host() {
      return host;
    }

    /** Its output so far. */
    public String output() throws IOException {
      return Files.readString(output, StandardCharsets.UTF_8);
    }

    /**
     * The program's PID in this namespace (the unshare's one child), waited for up to 10 s; empty
     * where it has ended.
     */
    public Optional<Long> pid() {
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (System.nanoTime() < deadline && unshare.isAlive()) {
        Optional<Long> child = unshare.children().map(ProcessHandle::pid).findFirst();
        if (child.isPresent()) {
          return child;
        }
        pause(10);
      }
      return Optional.empty();
    }

    /**
     * Sends {@code signal} to the first process under the program whose executable is named {@code
     * executable} (the program itself counts): the JVM behind a wrapper such as {@code faketime},
     * which forks it and waits.
     */
    public void signalProcess(String executable, String signal) {
      long top = pid().orElseThrow(() -> new IllegalStateException(host.name + ": not running"));
      Optional<ProcessHandle> self = ProcessHandle.of(top);
      Optional<Long> target =
          self.stream()
              .flatMap(h -> Stream.concat(Stream.of(h), h.descendants()))
              .filter(
                  h ->
                      h.info()
                          .command()
                          .map(c -> Path.of(c).getFileName().toString().equals(executable))
                          .orElse(false))
              .map(ProcessHandle::pid)
              .findFirst();
      long pid =
          target.orElseThrow(
              () -> new IllegalStateException(host.name + ": no " + executable + " running"));
      run(List.of("kill", "-" + signal, Long.toString(pid)));
    }

    public boolean isAlive() {
      return unshare.isAlive();
    }

    /** Its exit status (the program's, as unshare passes it on); it must have ended. */
    public int exitValue() {
      return unshare.exitValue();
    }

    /** Sends {@code signal} (e.g. "STOP", "CONT", "KILL") to the program, from this namespace. */
    public void signal(String signal) {
      long pid = pid().orElseThrow(() -> new IllegalStateException(host.name + ": not running"));
      run(List.of("kill", "-" + signal, Long.toString(pid)));
    }

    /** SIGKILL to the program (PID 1 there: its whole PID namespace ends), waited for. */
    public void kill9() {
      pid().ifPresent(pid -> tryRun(List.of("kill", "-KILL", Long.toString(pid))));
      unshare.destroyForcibly();
      try {
        unshare.waitFor(COMMAND_BOUND.toSeconds(), TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    /** Waits up to {@code bound} for it to end; true where it has. */
    public boolean waitFor(Duration bound) throws InterruptedException {
      return unshare.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** A /24 under 10.213/16 that no interface here has an address in (10 draws at most). */
  private static String freeSubnet() {
    String addresses = output(List.of("ip", "-o", "-4", "addr", "show")).orElse("");
    byte[] draws = randomBytes(10);
    for (byte b : draws) {
      String candidate = SUBNET_PREFIX + Byte.toUnsignedInt(b) + ".";
      if (!addresses.contains(" " + candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("no free /24 under " + SUBNET_PREFIX + "0.0/16 in 10 draws");
  }

  private static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    new SecureRandom().nextBytes(b);
    return b;
  }

  private static void run(List<String> command) {
    Result r = exec(command);
    if (r.code != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + r.out);
    }
  }

  private static boolean tryRun(List<String> command) {
    return exec(command).code == 0;
  }

  private static Optional<String> output(List<String> command) {
    Result r = exec(command);
    return r.code == 0 ? Optional.of(r.out) : Optional.empty();
  }

  private record Result(int code, String out) {}

  private static Result exec(List<String> command) {
    try {
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .start();
      // Short outputs only (ip, kill): read after the exit, within the bound.
      if (!p.waitFor(COMMAND_BOUND.toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new Result(-1, String.join(" ", command) + ": no exit within " + COMMAND_BOUND);
      }
      return new Result(
          p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      return new Result(-1, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UncheckedIOException(new IOException("interrupted", e));
    }
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
