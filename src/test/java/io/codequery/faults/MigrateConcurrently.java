package io.codequery.faults;

import io.codequery.pgstore.PostgresStore;
import io.codequery.testing.NamespacedHosts.Host;
import io.codequery.testing.NamespacedHosts.HostProcess;
import io.codequery.testing.RealWorker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Every host opens one new, empty database at the same moment ({@code queue status} with {@code
 * CODE_QUERY_STORE_URL} naming it, each over its own link): all three succeed and the database ends
 * with one schema, each migration step applied once.
 */
final class MigrateConcurrently implements ClusterFault {
  @Override
  public void apply(ClusterFixture fx) throws Exception {
    String db = fx.pg.createDatabase("migrate");
    List<HostProcess> started = new ArrayList<>();
    List<Path> outputs = new ArrayList<>();
    for (Host h : fx.hosts.hosts()) {
      List<String> cmd = new ArrayList<>(RealWorker.javaCommand());
      Path root = fx.cluster.root(h);
      cmd.addAll(
          List.of(
              "io.codequery.cli.Main", "queue", "status", "--json", "--project-root", "" + root));
      String url =
          "postgresql://"
              + h.serverAddress()
              + ":"
              + fx.server.port()
              + "/"
              + db
              + "?user=postgres";
      Path out = Files.createTempFile("migrate-" + h.name() + "-", ".out");
      outputs.add(out);
      started.add(h.start(cmd, Map.of("CODE_QUERY_STORE_URL", url), out));
    }
    for (int i = 0; i < started.size(); i++) {
      HostProcess p = started.get(i);
      boolean ended = p.waitFor(Duration.ofSeconds(90));
      fx.check(
          ended && p.exitValue() == 0,
          ClusterInvariant.ONE_SCHEMA,
          p.host().name()
              + ": queue status on a new database "
              + (ended ? "exit " + p.exitValue() : "did not end")
              + ": "
              + p.output());
      if (!ended) {
        p.kill9();
      }
      Files.deleteIfExists(outputs.get(i));
    }
    List<Integer> versions = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(fx.server.jdbcUrl(db), "postgres", "");
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery("SELECT version FROM code_query.schema_version ORDER BY version")) {
      while (rs.next()) {
        versions.add(rs.getInt(1));
      }
    }
    List<Integer> expected = new ArrayList<>();
    for (int v = 1; v <= PostgresStore.SCHEMA_VERSION; v++) {
      expected.add(v);
    }
    fx.check(
        versions.equals(expected),
        ClusterInvariant.ONE_SCHEMA,
        "schema versions " + versions + ", expected " + expected);
  }
}
