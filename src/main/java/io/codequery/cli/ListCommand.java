package io.codequery.cli;

import io.codequery.CodeQueryException;
import io.codequery.log.WorkerLog;
import io.codequery.project.ProjectLayout;
import io.codequery.storage.OpenStore;
import io.codequery.store.WorkerRecord;
import io.codequery.worker.ListWorkers;
import io.codequery.worker.ListedWorker;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "list",
    description =
        "Every worker sharing this project's store: state (live, late, dead, hung, stopped), host,"
            + " PID, heartbeat age, jobs running.",
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      "0:listed (whatever the workers' states; none is a list too)",
      "1:the store cannot be read (the reason is printed)",
      "2:a bad option or --project-root"
    })
final class ListCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  @Override
  public Integer call() {
    ProjectLayout layout = ProjectLayout.of(Main.projectRoot(spec));
    PrintWriter out = spec.commandLine().getOut();
    String url;
    List<ListedWorker> workers;
    try {
      url = OpenStore.name(layout);
      workers = list(layout);
    } catch (CodeQueryException e) {
      if (json) {
        out.println(JsonOut.write(JsonOut.error(e.getMessage())));
      } else {
        spec.commandLine().getErr().println("✗ cannot read the worker registry: " + e.getMessage());
      }
      return ExitStatus.FAILED;
    }
    if (json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("store", url);
      List<Map<String, Object>> rows = new ArrayList<>();
      workers.forEach(w -> rows.add(row(w)));
      m.put("workers", rows);
      out.println(JsonOut.write(m));
    } else {
      render(out, url, workers);
    }
    out.flush();
    return ExitStatus.OK;
  }

  /**
   * The registry of the configured store, read only: nobody registered where there is no SQLite
   * queue yet (it is never created by a listing).
   */
  private static List<ListedWorker> list(ProjectLayout layout) {
    return OpenStore.reader(layout, Clock.systemUTC())
        .read(store -> ListWorkers.list(OpenStore.registry(store), layout.root()))
        .orElse(List.of());
  }

  /** One worker as {@code --json} prints it (the keys of design/cluster.md). */
  static Map<String, Object> row(ListedWorker w) {
    WorkerRecord r = w.record();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("worker_id", r.workerId());
    m.put("host", r.host());
    m.put("pid", r.pid());
    m.put("root", r.root());
    m.put("state", w.state().id());
    m.put("heartbeat_age_seconds", seconds(r));
    m.put("jobs_running", r.jobsRunning());
    m.put("version", r.version());
    m.put("this_host", w.thisHost());
    return m;
  }

  private static double seconds(WorkerRecord r) {
    return Math.round(r.heartbeatAge().toMillis() / 100.0) / 10.0;
  }

  private static void render(PrintWriter out, String url, List<ListedWorker> workers) {
    out.println("store: " + url);
    if (workers.isEmpty()) {
      out.println(
          "no worker has registered with this store (`code-query worker start` starts one)");
      return;
    }
    String format = "%-8s  %-7s  %-20s  %8s  %10s  %4s  %s%n";
    out.printf(Locale.ROOT, format, "WORKER", "STATE", "HOST", "PID", "HEARTBEAT", "JOBS", "ROOT");
    for (ListedWorker w : workers) {
      WorkerRecord r = w.record();
      out.printf(
          Locale.ROOT,
          format,
          r.workerId().substring(0, Math.min(8, r.workerId().length())),
          w.state().id(),
          shorten(WorkerLog.escape(r.host()), 18) + (w.thisHost() ? " *" : ""),
          r.pid(),
          String.format(Locale.ROOT, "%.1f s ago", seconds(r)),
          r.jobsRunning(),
          WorkerLog.escape(r.root()));
    }
    out.println(
        "* this host. `code-query worker stop --worker ID` stops one (an id prefix will do).");
  }

  private static String shorten(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 1) + "…";
  }
}
