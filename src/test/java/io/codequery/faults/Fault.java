package io.codequery.faults;

/**
 * One fault of the catalogue ({@link FaultKind}), or a small family of faults that share a
 * mechanism ({@code kind} then says which). A fault draws its parameters from {@link
 * FaultFixture#rnd}, applies itself, and checks what it expects of its own situation right then;
 * the run undoes it ({@link FaultFixture#restore}) and checks the invariants ({@link Invariants}).
 * Implementations hold no state: whatever changes lives in the fixture.
 */
@FunctionalInterface
interface Fault {
  void apply(FaultFixture fx, FaultKind kind) throws Exception;
}
