package io.codequery.pgstore;

/**
 * A {@code --path} glob as a PostgreSQL regular expression matching the same paths as SQLite's
 * {@code GLOB}: {@code *} any run of characters ({@code /} too), {@code ?} one character, {@code
 * [...]} a class ({@code [^...]} its complement; a {@code ]} first is a member), case-sensitive,
 * the whole path. A {@code [} without its {@code ]} is itself. Pure.
 */
final class PathGlob {
  private PathGlob() {}

  static String regex(String glob) {
    StringBuilder re = new StringBuilder("^");
    int i = 0;
    while (i < glob.length()) {
      char ch = glob.charAt(i);
      if (ch == '*') {
        re.append(".*");
        i++;
      } else if (ch == '?') {
        re.append('.');
        i++;
      } else if (ch == '[' && classEnd(glob, i) > 0) {
        int end = classEnd(glob, i);
        int j = i + 1;
        re.append('[');
        if (glob.charAt(j) == '^') {
          re.append('^');
          j++;
        }
        for (; j < end; j++) {
          char m = glob.charAt(j);
          if (m == '\\' || m == '[' || m == ']') {
            re.append('\\');
          }
          re.append(m);
        }
        re.append(']');
        i = end + 1;
      } else {
        literal(re, ch);
        i++;
      }
    }
    return re.append('$').toString();
  }

  /** The index of the {@code ]} closing the class that opens at {@code open}; -1 for none. */
  private static int classEnd(String glob, int open) {
    int j = open + 1;
    if (j < glob.length() && glob.charAt(j) == '^') {
      j++;
    }
    if (j < glob.length() && glob.charAt(j) == ']') {
      j++; // a ']' first is a member
    }
    int end = glob.indexOf(']', j);
    return end;
  }

  private static void literal(StringBuilder re, char ch) {
    // In PostgreSQL's regular expressions a backslash before a letter or digit is an escape (\d,
    // \w…): only other ASCII characters are escaped, and they are then themselves.
    if (ch < 128 && !Character.isLetterOrDigit(ch)) {
      re.append('\\');
    }
    re.append(ch);
  }
}
