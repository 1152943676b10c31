package io.codequery.faults;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * The family of PID files whose content is not a PID, sometimes beside a live worker: a proper
 * prefix of one ({@link FaultKind#PID_TRUNCATED}), garbage such as signs, zero, overflow, several
 * tokens or non-ASCII digits ({@link FaultKind#PID_GARBAGE}), NUL bytes ({@link
 * FaultKind#PID_NUL_BYTES}), megabytes of digits ({@link FaultKind#PID_HUGE}). Expected: {@code
 * invalid} (a shorter number may name another process or none: {@code stale}/{@code unknown}),
 * never {@code running} for anything but the live worker.
 */
final class WriteBadPidFile implements Fault {
  @Override
  public void apply(FaultFixture fx, FaultKind kind) throws Exception {
    Optional<Long> live =
        fx.rnd.nextBoolean() ? Optional.of(fx.workers.ensure()) : fx.workers.live();
    byte[] content;
    String expected = "invalid";
    switch (kind) {
      case PID_TRUNCATED -> {
        String full = live.map(String::valueOf).orElse("" + (1000 + fx.rnd.nextInt(30000))) + "\n";
        int cut = fx.rnd.nextInt(full.length() - 1); // a proper prefix, without the newline
        String s = full.substring(0, cut);
        content = s.getBytes(StandardCharsets.US_ASCII);
        expected = "invalid|stale|unknown"; // "12" is PID 12: some other process, or none
        if (s.isEmpty()) {
          expected = "invalid";
        }
      }
      case PID_GARBAGE -> {
        String[] garbage = {
          "abc\n",
          "-1\n",
          "+42\n",
          "0\n",
          "4242 4243\n",
          "٤٢\n",
          "99999999999\n",
          "\n\n",
          "0042\n",
          "2147483648\n",
          "12\r\n34\n",
          " \t\n",
          "\u00ff\u00fe\n",
          live.map(w -> w + "x\n").orElse("1x\n")
        };
        content = garbage[fx.rnd.nextInt(garbage.length)].getBytes(StandardCharsets.UTF_8);
      }
      case PID_NUL_BYTES -> {
        String pid = live.map(String::valueOf).orElse("4242");
        String[] nul = {
          pid + "\0", "\0\0\0\0", "\0" + pid + "\n", pid.charAt(0) + "\0" + pid.substring(1)
        };
        content = nul[fx.rnd.nextInt(nul.length)].getBytes(StandardCharsets.ISO_8859_1);
      }
      case PID_HUGE -> {
        content = new byte[(1 + fx.rnd.nextInt(4)) * 1024 * 1024];
        Arrays.fill(content, (byte) ('0' + fx.rnd.nextInt(10)));
      }
      default -> throw new IllegalArgumentException(kind + " writes no bad PID file");
    }
    fx.project.writePidFile(content);
    Detection d = fx.workers.status();
    boolean ok =
        d.outcome().matches(expected) || live.isPresent() && d.running() && d.pid() == live.get();
    fx.violations.check(
        ok,
        Invariant.GARBAGE_PID_FILE,
        kind + " " + Violations.printable(content) + ": expected " + expected + ", got " + d);
    fx.violations.check(
        !d.running() || live.isPresent() && d.pid() == live.get(),
        Invariant.NEVER_RUNNING_FOR_A_STRANGER,
        "" + d);
  }
}
