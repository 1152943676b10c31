package io.codequery.cli;

final class Durations {
  private Durations() {}

  static String human(long seconds) {
    if (seconds < 60) {
      return seconds + " s";
    }
    if (seconds < 3600) {
      return (seconds / 60) + " min " + (seconds % 60) + " s";
    }
    if (seconds < 86_400) {
      return (seconds / 3600) + " h " + (seconds % 3600 / 60) + " min";
    }
    return (seconds / 86_400) + " d " + (seconds % 86_400 / 3600) + " h";
  }
}
