package io.codequery.os;

import java.nio.file.Files;

/** Chooses this JVM's {@link ProcessTable} once, on first use. */
final class ChooseProcessTable {
  static final ProcessTable SYSTEM = choose(System.getProperty(ProcessTable.PROPERTY));

  private ChooseProcessTable() {}

  static ProcessTable choose(String wanted) {
    if (wanted == null || wanted.isEmpty()) {
      return Files.isDirectory(ProcPath.SELF)
          ? new ProcFsProcessTable()
          : new PortableProcessTable();
    }
    if (wanted.equals("proc")) {
      return new ProcFsProcessTable();
    }
    if (wanted.equals("portable")) {
      return new PortableProcessTable();
    }
    throw new IllegalStateException(
        "system property "
            + ProcessTable.PROPERTY
            + " must be \"proc\" or \"portable\", found \""
            + wanted
            + "\"; unset it to choose by the OS");
  }
}
