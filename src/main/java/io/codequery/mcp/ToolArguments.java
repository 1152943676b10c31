package io.codequery.mcp;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One call's arguments, read with the messages a model can act on. The server also checks them
 * against each tool's input schema before a call; these checks hold where that is switched off, and
 * for what a schema cannot say.
 */
final class ToolArguments {
  private final String tool;
  private final Map<String, Object> args;

  /**
   * @param known the arguments {@code tool} takes: any other is refused, so that a misspelt one is
   *     not silently ignored
   */
  ToolArguments(String tool, Map<String, Object> args, String... known) {
    this.tool = tool;
    this.args = args == null ? Map.of() : args;
    Set<String> unknown = new TreeSet<>(this.args.keySet());
    unknown.removeAll(List.of(known));
    if (!unknown.isEmpty()) {
      throw new ToolCalls.BadArguments(
          tool
              + (known.length == 0
                  ? " takes no arguments"
                  : " takes only " + String.join(", ", known))
              + "; unknown: "
              + String.join(", ", unknown));
    }
  }

  /** Checks that a tool that takes no arguments was given none. */
  static void none(String tool, Map<String, Object> args) {
    new ToolArguments(tool, args);
  }

  String requiredString(String name) {
    String s = optionalString(name);
    if (s == null) {
      throw bad(name, "is required (a string)");
    }
    return s;
  }

  /** The string argument {@code name}; null where it is absent. */
  String optionalString(String name) {
    Object v = args.get(name);
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s)) {
      throw bad(name, "must be a string, found " + kind(v));
    }
    if (s.isEmpty()) {
      throw bad(name, "must not be empty");
    }
    return s;
  }

  int optionalInt(String name, int absent) {
    Object v = args.get(name);
    if (v == null) {
      return absent;
    }
    if (v instanceof Number n) {
      BigDecimal d = new BigDecimal(n.toString());
      if (d.stripTrailingZeros().scale() <= 0
          && d.compareTo(BigDecimal.valueOf(Integer.MIN_VALUE)) >= 0
          && d.compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) <= 0) {
        return d.intValueExact();
      }
      throw bad(name, "must be a whole number, found " + n);
    }
    throw bad(name, "must be a number, found " + kind(v));
  }

  ToolCalls.BadArguments bad(String name, String what) {
    return new ToolCalls.BadArguments(tool + ": the argument \"" + name + "\" " + what);
  }

  private static String kind(Object v) {
    if (v instanceof Boolean) {
      return "a boolean";
    }
    if (v instanceof Number) {
      return "a number";
    }
    if (v instanceof Map) {
      return "an object";
    }
    if (v instanceof Iterable) {
      return "an array";
    }
    return v.getClass().getSimpleName();
  }
}
