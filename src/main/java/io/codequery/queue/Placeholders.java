package io.codequery.queue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Substitutes {@code {name}} placeholders inside each argv element, in one left-to-right pass: a
 * substituted value is never scanned again (a file named {@code {commit}.txt} stays as it is), and
 * each element stays one argument whatever it contains — no shell ever sees it. Unknown
 * placeholders and lone braces are left as written.
 */
public final class Placeholders {
  private Placeholders() {}

  public static List<String> substitute(List<String> argv, Map<String, String> values) {
    List<String> out = new ArrayList<>(argv.size());
    for (String element : argv) {
      out.add(substitute(element, values));
    }
    return List.copyOf(out);
  }

  public static String substitute(String element, Map<String, String> values) {
    StringBuilder sb = new StringBuilder(element.length());
    int i = 0;
    while (i < element.length()) {
      char c = element.charAt(i);
      if (c == '{') {
        int close = element.indexOf('}', i + 1);
        if (close > 0) {
          String value = values.get(element.substring(i + 1, close));
          if (value != null) {
            sb.append(value);
            i = close + 1;
            continue;
          }
        }
      }
      sb.append(c);
      i++;
    }
    return sb.toString();
  }
}
