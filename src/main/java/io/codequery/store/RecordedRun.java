package io.codequery.store;

/**
 * Where one claim of a job ran its command: the leader's PID (also its session id, as the command
 * runs in a session of its own), its start time in clock ticks since boot, and the boot.
 */
public record RecordedRun(long pid, long startTicks, String bootId) {}
