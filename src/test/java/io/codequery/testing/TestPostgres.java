package io.codequery.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real PostgreSQL server for tests: one per test JVM, started on first use from Debian's binaries
 * ({@code /usr/lib/postgresql/<newest>/bin}) into a temporary directory, as user nobody (uid 65534:
 * the server refuses to run as root) with trust authentication for local connections, on a free
 * port; stopped ({@code pg_ctl stop -m fast}) and removed when the JVM exits. Each test class that
 * registers the extension gets a fresh database of its own:
 *
 * <pre>{@code
 * @RegisterExtension static final TestPostgres PG = new TestPostgres();
 * ... PG.jdbcUrl() ...
 * }</pre>
 *
 * <p>{@code listen_addresses} defaults to 127.0.0.1 (system property {@code
 * code-query.test.pg.listen} overrides it); a test that needs the server reachable on other
 * addresses (a network namespace's link) asks for them with {@link #listeningOn}, which restarts
 * the server if it listens elsewhere.
 */
public final class TestPostgres implements BeforeAllCallback {
  private static final String DEFAULT_LISTEN =
      System.getProperty("code-query.test.pg.listen", "127.0.0.1");
  private static final int NOBODY = 65534;

  /**
   * A group role whose members must give a password over TCP (everyone else is trusted): a test of
   * credentials creates a login role {@code IN ROLE password_users}.
   */
  public static final String PASSWORD_USERS = "password_users";

  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static Server server;

  private final String listenAddresses;
  private volatile String database;

  /** A fresh database per test class, on the server listening on 127.0.0.1. */
  public TestPostgres() {
    this(DEFAULT_LISTEN);
  }

  private TestPostgres(String listenAddresses) {
    this.listenAddresses = listenAddresses;
  }

  /**
   * As {@link #TestPostgres()}, with the server listening on {@code addresses} (comma-separated).
   */
  public static TestPostgres listeningOn(String addresses) {
    return new TestPostgres(addresses);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    database = createDatabase(context.getRequiredTestClass().getSimpleName());
  }

  /** The server, started if it is not running yet (with this extension's listen addresses). */
  public Server server() {
    synchronized (TestPostgres.class) {
      if (server == null) {
        server = Server.start(listenAddresses);
        Server started = server;
        Runtime.getRuntime().addShutdownHook(new Thread(started::stopAndRemove, "stop-postgres"));
      } else if (!server.listenAddresses().equals(listenAddresses)) {
        server.restart(listenAddresses);
      }
      return server;
    }
  }

  /**
   * A server of the caller's own, on 127.0.0.1 (not the one the test classes share): for a test
   * that stops or restarts it. The caller {@linkplain Server#close closes} it; a shutdown hook
   * removes it should the caller not get there.
   */
  public static Server privateServer() {
    Server s = Server.start("127.0.0.1");
    Runtime.getRuntime().addShutdownHook(new Thread(s::stopAndRemove, "stop-private-postgres"));
    return s;
  }

  /** Creates another empty database on the server; returns its name. */
  public String createDatabase(String hint) {
    String base = "t_" + hint.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
    String name =
        base.substring(0, Math.min(40, base.length())) + "_" + DATABASES.incrementAndGet();
    Server s = server();
    try (Connection c = DriverManager.getConnection(s.jdbcUrl("postgres"), "postgres", "");
        Statement st = c.createStatement()) {
      st.executeUpdate("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create test database " + name + ": " + e, e);
    }
    return name;
  }

  /** This test class's database. */
  public String database() {
    if (database == null) {
      throw new IllegalStateException("TestPostgres: register it with @RegisterExtension (static)");
    }
    return database;
  }

  /** {@code jdbc:postgresql://127.0.0.1:<port>/<database>?user=postgres}. */
  public String jdbcUrl() {
    return "jdbc:" + url();
  }

  /** {@code postgresql://127.0.0.1:<port>/<database>?user=postgres}, as a user writes it. */
  public String url() {
    return server().url(database());
  }

  /** The running server: where it listens and how to reach it. */
  public static final class Server {
    private final Path dir;
    private final Path bin;
    private volatile int port;
    private volatile String listenAddresses;

    private Server(Path dir, Path bin) {
      this.dir = dir;
      this.bin = bin;
    }

    static Server start(String listenAddresses) {
      Path bin = newestBinaries();
      Path dir;
      try {
        dir = Files.createTempDirectory("code-query-pg-");
        giveToNobody(dir);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Server s = new Server(dir, bin);
      s.run(
          List.of(
              bin.resolve("initdb").toString(),
              "-D",
              s.data().toString(),
              "-U",
              "postgres",
              "--auth=trust",
              "-E",
              "UTF8",
              "--locale=C",
              "--no-sync"));
      s.requirePasswordsOf(PASSWORD_USERS);
      s.startOn(listenAddresses);
      try (Connection c = DriverManager.getConnection(s.jdbcUrl("postgres"), "postgres", "");
          Statement st = c.createStatement()) {
        st.executeUpdate("CREATE ROLE " + PASSWORD_USERS + " NOLOGIN");
      } catch (SQLException e) {
        throw new IllegalStateException("cannot create role " + PASSWORD_USERS + ": " + e, e);
      }
      return s;
    }

    /**
     * Members of {@code group} must give their password over TCP (scram-sha-256); everyone else is
     * trusted. The line goes first: pg_hba.conf's first matching line decides.
     */
    private void requirePasswordsOf(String group) {
      Path hba = data().resolve("pg_hba.conf");
      try {
        String rules = Files.readString(hba, StandardCharsets.UTF_8);
        Files.writeString(
            hba,
            "host all +"
                + group
                + " 0.0.0.0/0 scram-sha-256\nhost all +"
                + group
                + " ::/0 scram-sha-256\n"
                + rules,
            StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private Path data() {
      return dir.resolve("data");
    }

    /** The port it listens on (the same on every listen address). */
    public int port() {
      return port;
    }

    /** The directory of its Unix socket. */
    public Path socketDirectory() {
      return dir;
    }

    public String listenAddresses() {
      return listenAddresses;
    }

    /** A JDBC URL of {@code database} on 127.0.0.1 (or the first listen address). */
    public String jdbcUrl(String database) {
      return "jdbc:" + url(database);
    }

    /** A {@code postgresql://} URL of {@code database}, user postgres. */
    public String url(String database) {
      return "postgresql://" + host() + ":" + port + "/" + database + "?user=postgres";
    }

    /** The first address it listens on. */
    public String host() {
      return listenAddresses.split(",")[0].strip();
    }

    /**
     * Trusts clients from {@code cidr} (e.g. a test subnet of network namespaces), as it trusts
     * 127.0.0.1: a {@code pg_hba.conf} line after the existing ones, then a reload.
     */
    public synchronized void trustClientsFrom(String cidr) {
      if (!cidr.matches("[0-9.]+/\\d+")) {
        throw new IllegalArgumentException("not an IPv4 CIDR: " + cidr);
      }
      Path hba = data().resolve("pg_hba.conf");
      try {
        String rules = Files.readString(hba, StandardCharsets.UTF_8);
        String line = "host all all " + cidr + " trust\n";
        if (!rules.contains(line)) {
          Files.writeString(hba, rules + line, StandardCharsets.UTF_8);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      run(List.of(bin.resolve("pg_ctl").toString(), "-D", data().toString(), "reload"));
    }

    /** Restarts the server (a fast shutdown: sessions end) on the same port. */
    public synchronized void restart() {
      restart(listenAddresses);
    }

    /** Stops the server (a fast shutdown: sessions end); {@link #startAgain} brings it back. */
    public synchronized void stop() {
      run(List.of(bin.resolve("pg_ctl").toString(), "-D", data().toString(), "-m", "fast", "stop"));
    }

    /** Starts a stopped server again on the same port and addresses. */
    public synchronized void startAgain() {
      launch(listenAddresses, port);
    }

    /** Creates an empty database {@code name} on this server. */
    public void createDatabase(String name) {
      try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), "postgres", "");
          Statement st = c.createStatement()) {
        st.executeUpdate("CREATE DATABASE " + name);
      } catch (SQLException e) {
        throw new IllegalStateException("cannot create test database " + name + ": " + e, e);
      }
    }

    /** Stops the server and removes its files (a private server, once the test is done). */
    public void close() {
      stopAndRemove();
    }

    synchronized void restart(String addresses) {
      run(List.of(bin.resolve("pg_ctl").toString(), "-D", data().toString(), "-m", "fast", "stop"));
      launch(addresses, port);
    }

    private void startOn(String addresses) {
      IllegalStateException last = null;
      for (int attempt = 0; attempt < 5; attempt++) {
        try {
          launch(addresses, freePort());
          return;
        } catch (IllegalStateException e) {
          last = e; // the free port was taken in between: try another one
        }
      }
      throw last;
    }

    private void launch(String addresses, int onPort) {
      run(
          List.of(
              bin.resolve("pg_ctl").toString(),
              "-D",
              data().toString(),
              "-l",
              dir.resolve("server.log").toString(),
              "-w",
              "-t",
              "60",
              "-o",
              "-p "
                  + onPort
                  + " -k "
                  + dir
                  + " -c listen_addresses="
                  + addresses
                  + " -c max_connections=200",
              "start"));
      this.port = onPort;
      this.listenAddresses = addresses;
    }

    void stopAndRemove() {
      try {
        run(
            List.of(
                bin.resolve("pg_ctl").toString(), "-D", data().toString(), "-m", "fast", "stop"));
      } catch (RuntimeException e) {
        // already stopped, or never started: remove what is left anyway
      }
      try (Stream<Path> all = Files.walk(dir)) {
        for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      } catch (IOException e) {
        // best effort at JVM exit
      }
    }

    /** Runs {@code command} as nobody (when we are root), in the server's directory. */
    private void run(List<String> command) {
      List<String> argv = new ArrayList<>();
      if (isRoot()) {
        argv.addAll(
            List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups", "--"));
      }
      argv.addAll(command);
      try {
        Process p =
            new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
          String log = "";
          Path serverLog = dir.resolve("server.log");
          if (Files.exists(serverLog)) {
            log = "\nserver.log:\n" + Files.readString(serverLog, StandardCharsets.UTF_8);
          }
          throw new IllegalStateException(
              String.join(" ", command)
                  + " failed:\n"
                  + new String(out, StandardCharsets.UTF_8)
                  + log);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
  }

  private static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  private static void giveToNobody(Path dir) throws IOException {
    if (!isRoot()) {
      return;
    }
    UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
    Optional<String> name = nameOf(NOBODY);
    if (name.isEmpty()) {
      throw new IllegalStateException("no user with uid " + NOBODY + " to run PostgreSQL as");
    }
    Files.setOwner(dir, users.lookupPrincipalByName(name.get()));
    Files.setAttribute(dir, "unix:gid", NOBODY);
  }

  private static Optional<String> nameOf(int uid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/etc/passwd"))) {
      String[] f = line.split(":");
      if (f.length > 2 && f[2].equals(Integer.toString(uid))) {
        return Optional.of(f[0]);
      }
    }
    return Optional.empty();
  }

  /** {@code /usr/lib/postgresql/<newest major>/bin}. */
  static Path newestBinaries() {
    Path root = Path.of("/usr/lib/postgresql");
    try (Stream<Path> majors = Files.list(root)) {
      return majors
          .filter(p -> p.getFileName().toString().matches("\\d+"))
          .filter(p -> Files.isExecutable(p.resolve("bin/initdb")))
          .max(Comparator.comparingInt(p -> Integer.parseInt(p.getFileName().toString())))
          .map(p -> p.resolve("bin"))
          .orElseThrow(() -> new IllegalStateException(noPostgres(root)));
    } catch (IOException e) {
      throw new IllegalStateException(noPostgres(root), e);
    }
  }

  private static String noPostgres(Path root) {
    return "no PostgreSQL under "
        + root
        + " (the store tests start a real server): apt-get install postgresql (.ci/run does)";
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
