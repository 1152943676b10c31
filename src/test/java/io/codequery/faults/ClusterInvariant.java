package io.codequery.faults;

/** The named invariants of the cluster fault run (issue 12, "Faults"): what a violation broke. */
enum ClusterInvariant {
  NO_LOST_JOB("no job lost: every job of the batch done"),
  NO_DOUBLE_COMPLETION("no job completed by two owners"),
  NO_FOREIGN_SIGNAL("no signal crosses a host: a job command is signalled only by its own worker"),
  LISTED_TRUTHFULLY("worker list true within the bounds (dead, live)"),
  LATE_RESULT_FENCED("a late result of a frozen or cut-off owner is rejected by the fence"),
  ONE_SCHEMA("concurrent first migrations end in one schema, every step once"),
  HARNESS("harness");

  final String label;

  ClusterInvariant(String label) {
    this.label = label;
  }
}
