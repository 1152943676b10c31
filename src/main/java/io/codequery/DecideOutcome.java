package io.codequery;

import io.codequery.os.ProcessTable;
import io.codequery.pidfile.PidFileRead;
import io.codequery.pidfile.PidFileReader;
import io.codequery.pidfile.PidParse;
import io.codequery.pidfile.PidParser;
import io.codequery.process.IdentityVerifier;
import io.codequery.process.Verdict;
import io.codequery.process.WorkerIdentity;
import io.codequery.project.ProjectLayout;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The decision procedure both detectors share; it reads, never writes. {@code java.base} only, so
 * that {@link MinimalWorkerDetector} stays free of every library.
 */
final class DecideOutcome {
  private DecideOutcome() {}

  /** One detection, plus the file identity of the PID file it judged (for safe cleanup). */
  record Result(Detection detection, Object fileKey) {}

  static Result decide(ProjectLayout layout) {
    PidFileRead read = PidFileReader.read(layout.pidFile());
    if (read instanceof PidFileRead.Absent) {
      return new Result(new Detection.NotRunning("no PID file at " + layout.pidFile()), null);
    }
    if (read instanceof PidFileRead.NotRegular n) {
      return new Result(
          new Detection.Unknown(
              OptionalInt.empty(),
              "PID file "
                  + layout.pidFile()
                  + " is "
                  + n.what()
                  + "; it was not read or removed. Remove it by hand if no worker runs"),
          null);
    }
    if (read instanceof PidFileRead.Unreadable u) {
      return new Result(
          new Detection.Unknown(
              OptionalInt.empty(), "cannot read PID file " + layout.pidFile() + ": " + u.reason()),
          null);
    }
    if (read instanceof PidFileRead.TooLarge t) {
      return new Result(
          new Detection.Invalid(
              "PID file is " + t.size() + " bytes, larger than any PID file a worker writes",
              false),
          t.fileKey());
    }
    PidFileRead.Content content = (PidFileRead.Content) read;
    PidParse parse = PidParser.parse(content.bytes(), ProcessTable.system().pidLimit());
    if (parse instanceof PidParse.Rejected r) {
      return new Result(new Detection.Invalid(r.reason(), false), content.fileKey());
    }
    int pid = ((PidParse.Valid) parse).pid();
    Verdict verdict = IdentityVerifier.verify(pid, readIdentity(layout), layout.root().toString());
    Detection d;
    if (verdict instanceof Verdict.Ours v) {
      d = new Detection.Running(pid, v.reason());
    } else if (verdict instanceof Verdict.Gone v) {
      d = new Detection.Stale(pid, v.reason(), false);
    } else if (verdict instanceof Verdict.NotOurs v) {
      d = new Detection.Stale(pid, v.reason(), false);
    } else {
      d = new Detection.Unknown(OptionalInt.of(pid), ((Verdict.Undetermined) verdict).reason());
    }
    return new Result(d, content.fileKey());
  }

  static Optional<WorkerIdentity> readIdentity(ProjectLayout layout) {
    return WorkerIdentity.read(layout.identityFile());
  }
}
