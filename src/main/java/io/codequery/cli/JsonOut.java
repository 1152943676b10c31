package io.codequery.cli;

import com.google.gson.GsonBuilder;
import io.codequery.Detection;
import io.codequery.DetectionJson;
import io.codequery.store.WorkerRecord;
import io.codequery.worker.RegisteredStop;
import io.codequery.worker.StartResult;
import io.codequery.worker.StopResult;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON output: one object per command, keys in snake_case, every key present in every outcome (null
 * where it does not apply), so a script can read a key without asking which outcome came.
 */
final class JsonOut {
  private JsonOut() {}

  static String write(Object value) {
    return new GsonBuilder()
        .serializeNulls()
        .disableHtmlEscaping()
        .serializeSpecialFloatingPointValues()
        .create()
        .toJson(value);
  }

  static Map<String, Object> detection(Detection d, Path pidFile) {
    return DetectionJson.of(d, pidFile); // the MCP server's worker_status answers the same
  }

  /**
   * {@code worker start}: {@code outcome} (started, already_running, failed), {@code pid}, {@code
   * reason}, {@code log_file}, {@code log_tail} (the log's last lines where it failed, else empty).
   */
  static Map<String, Object> start(StartResult r) {
    Map<String, Object> m = new LinkedHashMap<>();
    List<String> tail = List.of();
    String reason;
    Path log;
    if (r instanceof StartResult.Started s) {
      m.put("outcome", "started");
      reason = "started by this call";
      log = s.logFile();
    } else if (r instanceof StartResult.AlreadyRunning a) {
      m.put("outcome", "already_running");
      reason = a.raced() ? "another start got there first" : "it was running before this call";
      log = a.logFile();
    } else {
      StartResult.Failed f = (StartResult.Failed) r;
      m.put("outcome", "failed");
      reason =
          f.reason() + f.logUnreadable().map(why -> " (log unreadable: " + why + ")").orElse("");
      log = f.logFile();
      tail = f.logTail();
    }
    m.put("pid", r.pid());
    m.put("reason", reason);
    m.put("log_file", log.toString());
    m.put("log_tail", tail);
    return m;
  }

  /**
   * {@code worker stop}: {@code outcome} (stopped, not_running, unknown, refused,
   * permission_denied, still_running), {@code pid}, {@code reason}, {@code signalled}, {@code
   * killed} (SIGKILL after the timeout), {@code seconds} (from the first signal until it was gone),
   * {@code cleaned_up} (a stale or invalid PID file removed).
   */
  static Map<String, Object> stop(StopResult r) {
    String outcome;
    Integer pid = null;
    String reason;
    boolean signalled = false;
    boolean killed = false;
    Double seconds = null;
    boolean cleanedUp = false;
    if (r instanceof StopResult.Stopped s) {
      outcome = "stopped";
      pid = s.pid();
      signalled = true;
      killed = s.killedAfter().isPresent();
      seconds = s.took().toMillis() / 1000.0;
      reason =
          s.killedAfter()
              .map(t -> "killed with SIGKILL after " + t.toSeconds() + " s")
              .orElse("ended on SIGTERM");
    } else if (r instanceof StopResult.NotRunning n) {
      outcome = "not_running";
      Detection d = n.detection();
      pid = d.pid().isPresent() ? d.pid().getAsInt() : null;
      reason = d.reason();
      cleanedUp = d.cleanedUp();
    } else if (r instanceof StopResult.GoneBeforeSignal g) {
      outcome = "not_running";
      pid = g.pid();
      reason = "PID " + g.pid() + " exited or changed during the check";
    } else if (r instanceof StopResult.Unverified u) {
      outcome = "unknown";
      pid = u.detection().pid().isPresent() ? u.detection().pid().getAsInt() : null;
      reason = u.detection().reason();
    } else if (r instanceof StopResult.Refused f) {
      outcome = "refused";
      pid = f.pid();
      reason = f.reason();
    } else if (r instanceof StopResult.PermissionDenied p) {
      outcome = "permission_denied";
      pid = p.pid();
      reason = Render.permissionDenied(p);
    } else {
      outcome = "still_running";
      pid = ((StopResult.StillRunning) r).pid();
      signalled = true;
      reason = "the worker is still running after the signals";
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("outcome", outcome);
    m.put("pid", pid);
    m.put("reason", reason);
    m.put("signalled", signalled);
    m.put("killed", killed);
    m.put("seconds", seconds);
    m.put("cleaned_up", cleanedUp);
    return m;
  }

  /**
   * {@code worker stop --worker ID}: the keys of {@link #stop(StopResult)}, plus {@code worker_id}
   * and {@code host}; {@code outcome} is also {@code stop_requested} (another host's worker was
   * asked and had not stopped within the timeout), {@code no_such_worker} or {@code ambiguous}.
   */
  static Map<String, Object> stop(RegisteredStop r) {
    Map<String, Object> m;
    WorkerRecord w = null;
    if (r instanceof RegisteredStop.Signalled s) {
      m = stop(s.result());
      w = s.worker();
    } else {
      m = new LinkedHashMap<>();
      String outcome;
      String reason;
      Double seconds = null;
      if (r instanceof RegisteredStop.Requested q) {
        w = q.worker();
        outcome = q.stopped() ? "stopped" : "stop_requested";
        reason = Render.stop(r).substring(2);
        seconds = q.waited().toMillis() / 1000.0;
      } else if (r instanceof RegisteredStop.NotRunning n) {
        w = n.worker();
        outcome = "not_running";
        reason = n.reason();
      } else if (r instanceof RegisteredStop.NoSuchWorker) {
        outcome = "no_such_worker";
        reason = Render.stop(r).substring(2);
      } else {
        outcome = "ambiguous";
        reason = Render.stop(r).substring(2);
      }
      m.put("outcome", outcome);
      m.put("pid", w == null ? null : w.pid());
      m.put("reason", reason);
      m.put("signalled", false);
      m.put("killed", false);
      m.put("seconds", seconds);
      m.put("cleaned_up", false);
    }
    m.put("worker_id", w == null ? null : w.workerId());
    m.put("host", w == null ? null : w.host());
    return m;
  }

  /**
   * {@code {"error": message}}: what a command with {@code --json} prints when it cannot answer.
   */
  static Map<String, Object> error(String message) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("error", message);
    return m;
  }
}
