package io.codequery.store;

import io.codequery.CodeQueryException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where a project's store lives, as {@code store.url} (config.json) or {@code CODE_QUERY_STORE_URL}
 * names it: absent or {@code sqlite} for the project's own file ({@code .code-query/queue.db});
 * {@code postgresql://[user@]host[:port]/db[?param=value…]} (also {@code postgres://} and {@code
 * jdbc:postgresql://…}) for a shared PostgreSQL store. A URL carrying a password is refused: the
 * password comes from {@code PGPASSWORD} or {@code ~/.pgpass}, never from a file checked in with
 * the project. Pure.
 */
public sealed interface StoreUrl {
  /** The project's SQLite file. */
  record Sqlite() implements StoreUrl {}

  /**
   * A PostgreSQL server.
   *
   * @param jdbcUrl the URL for pgjdbc, without user or password
   * @param where host:port/db, for messages and status (no credentials)
   * @param user the user the URL names; null where it names none
   */
  record Postgres(String jdbcUrl, String where, String user) implements StoreUrl {}

  /**
   * Reads {@code url}; null means absent.
   *
   * @param key what named it, for messages ({@code store.url in <file>}, {@code
   *     CODE_QUERY_STORE_URL})
   * @throws CodeQueryException naming {@code key} and what to write instead
   */
  static StoreUrl parse(String url, String key) {
    if (url == null || url.equals("sqlite")) {
      return new Sqlite();
    }
    String rest = url.startsWith("jdbc:") ? url.substring("jdbc:".length()) : url;
    String scheme = rest.toLowerCase(Locale.ROOT);
    int afterScheme;
    if (scheme.startsWith("postgresql://")) {
      afterScheme = "postgresql://".length();
    } else if (scheme.startsWith("postgres://")) {
      afterScheme = "postgres://".length();
    } else {
      throw new CodeQueryException(
          key
              + ": \""
              + shown(url)
              + "\" is not a store: write \"sqlite\" (the project's own file, the default) or"
              + " \"postgresql://host:port/database\"");
    }
    rest = rest.substring(afterScheme);
    int queryAt = rest.indexOf('?');
    String query = queryAt < 0 ? "" : rest.substring(queryAt + 1);
    String hostAndPath = queryAt < 0 ? rest : rest.substring(0, queryAt);
    int slash = hostAndPath.indexOf('/');
    String authority = slash < 0 ? hostAndPath : hostAndPath.substring(0, slash);
    String database = slash < 0 ? "" : hostAndPath.substring(slash + 1);
    String user = null;
    int at = authority.lastIndexOf('@');
    if (at >= 0) {
      String userInfo = authority.substring(0, at);
      if (userInfo.contains(":")) {
        throw passwordRefused(key);
      }
      user = decode(userInfo);
      authority = authority.substring(at + 1);
    }
    String hostPort = hostPort(authority, key, url);
    if (database.isEmpty() || database.contains("/")) {
      throw new CodeQueryException(
          key
              + ": \""
              + shown(url)
              + "\" names no database: write postgresql://host:port/database");
    }
    List<String> kept = new ArrayList<>();
    for (String param : query.isEmpty() ? new String[0] : query.split("&")) {
      String name = decode(param.contains("=") ? param.substring(0, param.indexOf('=')) : param);
      String value = param.contains("=") ? decode(param.substring(param.indexOf('=') + 1)) : "";
      String lower = name.toLowerCase(Locale.ROOT);
      if (lower.equals("password") || lower.equals("sslpassword")) {
        throw passwordRefused(key);
      }
      if (lower.equals("user")) {
        user = value;
      } else if (!param.isEmpty()) {
        kept.add(param);
      }
    }
    String jdbc =
        "jdbc:postgresql://"
            + hostPort
            + "/"
            + database
            + (kept.isEmpty() ? "" : "?" + String.join("&", kept));
    return new Postgres(jdbc, hostPort + "/" + decode(database), user);
  }

  private static String hostPort(String authority, String key, String url) {
    String host = authority;
    String port = "5432";
    int colon = authority.lastIndexOf(':');
    if (colon >= 0 && colon > authority.lastIndexOf(']')) {
      host = authority.substring(0, colon);
      port = authority.substring(colon + 1);
    }
    boolean portOk =
        port.matches("\\d{1,5}") && Integer.parseInt(port) >= 1 && Integer.parseInt(port) <= 65535;
    if (host.isEmpty() || !portOk) {
      throw new CodeQueryException(
          key
              + ": \""
              + shown(url)
              + "\" needs a host and a port from 1 to 65535: write"
              + " postgresql://host:port/database");
    }
    return host + ":" + port;
  }

  private static CodeQueryException passwordRefused(String key) {
    return new CodeQueryException(
        key
            + ": the URL carries a password, refused (config.json is shared and checked in):"
            + " remove it from the URL, and give it in PGPASSWORD or ~/.pgpass"
            + " (host:port:database:user:password, mode 0600)");
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s; // a stray '%': taken as written
    }
  }

  /** The URL for a message: never a password (a refused URL is not shown at all). */
  private static String shown(String url) {
    int at = url.lastIndexOf('@');
    int authority = url.indexOf("//");
    String safe =
        at < 0 || authority < 0 || authority > at
            ? url
            : url.substring(0, authority + 2) + "…@" + url.substring(at + 1);
    return safe.length() > 120 ? safe.substring(0, 120) + "…" : safe;
  }
}
