package io.codequery.faults;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@link FaultKind#CONCURRENT_CLI}: 3–6 of {@code start}/{@code stop}/{@code restart}/{@code
 * status} at once, each as a separate JVM (60 %) or a thread of the test JVM. Each returns within
 * the bound with an allowed status; every {@code running} names a real worker; at most one worker
 * (checked after the iteration).
 */
final class RunCommandsConcurrently implements Fault {
  private static final Pattern JSON_PID = Pattern.compile("\"pid\": ?(\\d+)");

  @Override
  public void apply(FaultFixture fx, FaultKind kind) throws Exception {
    if (fx.rnd.nextBoolean()) {
      fx.workers.ensure();
    }
    String[] ops = {"start", "stop", "restart", "status"};
    int n = 3 + fx.rnd.nextInt(4);
    List<CompletableFuture<Bounded.Result>> all = new ArrayList<>();
    List<String> which = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String op = ops[fx.rnd.nextInt(ops.length)];
      List<String> args = new ArrayList<>(List.of("worker", op));
      if (op.equals("status")) {
        args.add("--json");
      } else if (!op.equals("start")) {
        args.addAll(List.of("--timeout", "5"));
      } else {
        args.addAll(List.of("--wait-seconds", "45"));
      }
      args.addAll(List.of("--project-root", fx.project.root.toString()));
      boolean separate = fx.rnd.nextInt(10) < 6;
      which.add((separate ? "process " : "thread ") + op);
      all.add(
          separate
              ? fx.commands.processAsync(List.of(), args.toArray(String[]::new))
              : fx.commands.cliAsync(args.toArray(String[]::new)));
    }
    fx.figures.note("concurrent x" + n);
    for (int i = 0; i < n; i++) {
      Bounded.Result r = fx.commands.await(all.get(i), which.get(i));
      String op = which.get(i).substring(which.get(i).indexOf(' ') + 1);
      Set<Integer> allowed =
          switch (op) {
            case "status" -> Set.of(0, 1, 3, 4);
            case "start" -> Set.of(0, 1);
            default -> Set.of(0, 1, 4);
          };
      fx.violations.check(
          allowed.contains(r.code()), Invariant.EXIT_STATUS, which.get(i) + ": " + r.oneLine());
      if (op.equals("status") && r.code() == 0) {
        Matcher m = JSON_PID.matcher(r.out());
        if (m.find()) {
          fx.invariants.runningClaim(Long.parseLong(m.group(1)), which.get(i));
        }
      }
    }
  }
}
