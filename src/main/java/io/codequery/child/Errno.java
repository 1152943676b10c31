package io.codequery.child;

import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The errno the JDK puts into a failed start's message ("error=2, No such file…"), if any. */
final class Errno {
  private static final Pattern ERRNO = Pattern.compile("error=(\\d+)");

  private Errno() {}

  static int of(IOException e) {
    Matcher m = ERRNO.matcher(String.valueOf(e.getMessage()));
    return m.find() ? Integer.parseInt(m.group(1)) : -1;
  }
}
