package io.codequery.store;

/**
 * Where one claim of a job ran its command: the leader's PID (also its session id, as the command
 * runs in a session of its own), its start time in clock ticks since boot, and where those mean
 * something: the host's id ({@code <machine>/<boot>/<PID namespace>}, as {@code
 * process.HostId#format} writes it), or a bare boot id in runs recorded before host ids. The boot
 * alone is not enough on a shared store: containers or namespaced hosts on one machine share its
 * boot and not their PIDs.
 *
 * @param bootId where the run's PID means something (the field's name is the column's, kept from
 *     when it held the boot id alone)
 */
public record RecordedRun(long pid, long startTicks, String bootId) {}
