package io.codequery.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Runs a test class or method only where {@link SecondUser} is available: on Linux, as root, with
 * setpriv installed; elsewhere it is reported as disabled, with the reason.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@EnabledOnOs(OS.LINUX)
@EnabledIf(
    value = "io.codequery.testing.SecondUser#available",
    disabledReason = "needs root and setpriv to run the CLI as user nobody")
public @interface EnabledIfSecondUser {}
