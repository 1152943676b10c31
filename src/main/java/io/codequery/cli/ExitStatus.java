package io.codequery.cli;

import io.codequery.Detection;
import io.codequery.worker.RegisteredStop;
import io.codequery.worker.RunResult;
import io.codequery.worker.RunWorker;
import io.codequery.worker.StartResult;
import io.codequery.worker.StopResult;

/**
 * Every exit status the CLI uses, and the one mapping from the library's results to them. The
 * detection statuses follow the LSB {@code status} convention (as {@code start-stop-daemon
 * --status} and init scripts do). Uses {@code java.base} only: the fast status path loads it.
 */
final class ExitStatus {
  /** Success; for {@code status}: running. */
  static final int OK = 0;

  /**
   * It did not work out: stale or invalid PID file, start failed, still running after stop,
   * unhealthy, a job failed.
   */
  static final int FAILED = 1;

  /** Bad input or a refusal: a usage error, an unusable --project-root, a broken config. */
  static final int USAGE = 2;

  /** Not running (no PID file). */
  static final int NOT_RUNNING = 3;

  /** {@code hooks status}: not every hook is installed. */
  static final int NOT_INSTALLED = 3;

  /** Cannot tell, or may not act: unknown detection; stop sent no signal. */
  static final int UNKNOWN = 4;

  /** {@code worker run}: another worker holds the lock (EX_TEMPFAIL). */
  static final int ANOTHER_WORKER = RunWorker.EXIT_ALREADY_RUNNING;

  private ExitStatus() {}

  static int of(Detection d) {
    if (d instanceof Detection.Running) {
      return OK;
    }
    if (d instanceof Detection.Stale || d instanceof Detection.Invalid) {
      return FAILED;
    }
    if (d instanceof Detection.NotRunning) {
      return NOT_RUNNING;
    }
    return UNKNOWN;
  }

  static int of(StartResult r) {
    return r instanceof StartResult.Failed ? FAILED : OK;
  }

  static int of(StopResult r) {
    if (r instanceof StopResult.Stopped
        || r instanceof StopResult.NotRunning
        || r instanceof StopResult.GoneBeforeSignal) {
      return OK;
    }
    if (r instanceof StopResult.StillRunning) {
      return FAILED;
    }
    return UNKNOWN; // Unverified, Refused, PermissionDenied: no signal was sent
  }

  static int of(RegisteredStop r) {
    if (r instanceof RegisteredStop.Signalled s) {
      return of(s.result());
    }
    if (r instanceof RegisteredStop.Requested q) {
      return q.stopped() ? OK : FAILED;
    }
    if (r instanceof RegisteredStop.NotRunning) {
      return OK;
    }
    return USAGE; // NoSuchWorker, Ambiguous
  }

  static int of(RunResult r) {
    if (r instanceof RunResult.StoodDown || r instanceof RunResult.StoppedOnRequest) {
      return OK;
    }
    if (r instanceof RunResult.AlreadyRunning) {
      return ANOTHER_WORKER;
    }
    return USAGE; // MissingMarker
  }
}
