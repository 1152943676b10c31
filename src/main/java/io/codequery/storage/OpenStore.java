package io.codequery.storage;

import io.codequery.CodeQueryException;
import io.codequery.config.Config;
import io.codequery.config.ConfigLoader;
import io.codequery.pgstore.PostgresStore;
import io.codequery.project.ProjectLayout;
import io.codequery.queue.JobQueue;
import io.codequery.store.Store;
import io.codequery.store.StoreHealth;
import io.codequery.store.StoreReader;
import io.codequery.store.StoreUrl;
import io.codequery.store.WorkerRegistry;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;

/**
 * Opens a project's store where its configuration says it lives — the one place the worker, the
 * queue and docs commands and the MCP server open it. {@code CODE_QUERY_STORE_URL}, where set, wins
 * over {@code store.url} in config.json; absent or {@code sqlite}, the store is the project's
 * {@code .code-query/queue.db}; {@code postgresql://…}, the shared {@link PostgresStore}.
 *
 * <p>Credentials never come from config.json: the user is the URL's (else {@code PGUSER}, else the
 * login name), the password {@code PGPASSWORD}'s where it is set, else pgjdbc reads {@code
 * ~/.pgpass} (or {@code PGPASSFILE}).
 */
public final class OpenStore {
  /** The environment variable that names the store, over config.json. */
  public static final String URL_VARIABLE = "CODE_QUERY_STORE_URL";

  private OpenStore() {}

  /** Where the project's store lives, by {@code config} and the environment. */
  public static StoreUrl locate(ProjectLayout layout, Config config) {
    return locate(layout, config.storeUrl(), System.getenv());
  }

  static StoreUrl locate(ProjectLayout layout, String configured, Map<String, String> env) {
    String fromEnv = env.get(URL_VARIABLE);
    if (fromEnv != null && !fromEnv.isEmpty()) {
      return StoreUrl.parse(fromEnv, URL_VARIABLE);
    }
    return StoreUrl.parse(configured, "store.url in " + layout.configFile());
  }

  /**
   * The project's store, created or migrated where needed, with the retry policy of {@code config}.
   *
   * @throws CodeQueryException naming the file or server at fault and what to check
   */
  public static Store open(ProjectLayout layout, Config config, Clock clock) {
    StoreUrl url = locate(layout, config);
    if (url instanceof StoreUrl.Postgres pg) {
      return PostgresStore.open(
          pg.jdbcUrl(),
          credentials(pg, System.getenv()),
          pg.where(),
          new PostgresStore.Options(
              config.maxRetries(), Duration.ofSeconds(config.retryDelaySeconds())));
    }
    return JobQueue.open(layout, config, clock);
  }

  /**
   * Reads the project's store for one query at a time. The SQLite file is opened read-only (a user
   * who may only read {@code .code-query/} can look too), and a project without one has no store
   * yet; a PostgreSQL store always exists. The configuration is read at each query.
   */
  public static StoreReader reader(ProjectLayout layout, Clock clock) {
    return new StoreReader() {
      @Override
      public <T> Optional<T> read(Function<Store, T> query) {
        Config config = ConfigLoader.load(layout.configFile(), layout.name()).config();
        StoreUrl url = locate(layout, config);
        if (url instanceof StoreUrl.Postgres) {
          try (Store store = open(layout, config, clock)) {
            return Optional.ofNullable(query.apply(store));
          }
        }
        if (!Files.exists(layout.queueDatabase(), LinkOption.NOFOLLOW_LINKS)) {
          return Optional.empty();
        }
        try (Store store = JobQueue.openReadOnly(layout.queueDatabase(), clock)) {
          return Optional.ofNullable(query.apply(store));
        }
      }
    };
  }

  /**
   * The store as commands name it to people: {@code sqlite:<file>}, or {@code
   * postgresql://host:port/db} (never a user or password).
   */
  public static String name(ProjectLayout layout, StoreUrl url) {
    return url instanceof StoreUrl.Postgres pg
        ? "postgresql://" + pg.where()
        : JobQueue.url(layout.queueDatabase());
  }

  /** {@link #name(ProjectLayout, StoreUrl)} of the store the configuration names now. */
  public static String name(ProjectLayout layout) {
    Config config = ConfigLoader.load(layout.configFile(), layout.name()).config();
    return name(layout, locate(layout, config));
  }

  /**
   * Probes the project's store ({@code worker health}): reachable, how long one connection and
   * query took, the schema version it holds. Never creates, migrates or writes anything; a
   * configuration that names no valid store is an unreachable store, saying why.
   */
  public static StoreHealth probe(ProjectLayout layout) {
    StoreUrl url;
    try {
      Config config = ConfigLoader.load(layout.configFile(), layout.name()).config();
      url = locate(layout, config);
    } catch (CodeQueryException e) {
      return new StoreHealth(
          JobQueue.url(layout.queueDatabase()), false, null, null, e.getMessage());
    }
    if (url instanceof StoreUrl.Postgres pg) {
      return PostgresStore.probe(
          pg.jdbcUrl(), credentials(pg, System.getenv()), pg.where(), name(layout, url));
    }
    return JobQueue.probe(layout.queueDatabase());
  }

  /**
   * The worker registry of {@code store}: the SQLite store keeps it beside itself in its database,
   * the PostgreSQL store is one.
   *
   * @throws IllegalArgumentException for a store that holds no registry
   */
  public static WorkerRegistry registry(Store store) {
    if (store instanceof JobQueue sqlite) {
      return sqlite.workers();
    }
    if (store instanceof WorkerRegistry registry) {
      return registry;
    }
    throw new IllegalArgumentException("this store holds no worker registry: " + store);
  }

  /** The connection's user and password, from the URL and the environment (never config.json). */
  static Properties credentials(StoreUrl.Postgres url, Map<String, String> env) {
    Properties p = new Properties();
    String user = url.user();
    if (user == null || user.isEmpty()) {
      user = env.getOrDefault("PGUSER", System.getProperty("user.name"));
    }
    p.setProperty("user", user);
    String password = env.get("PGPASSWORD");
    if (password != null && !password.isEmpty()) {
      p.setProperty("password", password);
    }
    p.setProperty("ApplicationName", "code-query");
    return p;
  }
}
