package io.codequery.os;

import java.util.Arrays;
import java.util.List;

/** A pure parser of {@code /proc/self/mountinfo}, for the one thing detection asks of it. */
public final class MountInfo {
  private MountInfo() {}

  /**
   * True where the {@code /proc} this process sees is mounted with {@code hidepid} other than
   * {@code 0}/{@code off}: other users' processes may then be invisible.
   *
   * <p>A line reads {@code "id parent maj:min root mountpoint options [optional…] - fstype source
   * superoptions"}; hidepid is a super option. The last {@code /proc} mount listed is the one on
   * top.
   */
  public static boolean procHidesProcesses(String text) {
    String hidepid = null;
    for (String line : text.split("\n")) {
      List<String> f = Arrays.asList(line.split(" "));
      int dash = f.indexOf("-");
      if (f.size() > 4
          && f.get(4).equals(ProcPath.MOUNT_POINT)
          && dash > 4
          && dash + 3 < f.size()
          && f.get(dash + 1).equals("proc")) {
        hidepid = "0";
        for (String opt : f.get(dash + 3).split(",")) {
          if (opt.startsWith("hidepid=")) {
            hidepid = opt.substring("hidepid=".length());
          }
        }
      }
    }
    return hidepid != null && !hidepid.equals("0") && !hidepid.equals("off");
  }
}
