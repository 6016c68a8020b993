package trm.kernels;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The {@link trm.engine.Ops} methods (by name) and {@link Layers} methods ("Layers.name") a
 * parity case exercises; {@code OpsCoverageTest} checks that every one has a case.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@interface Covers {
    String[] value();
}
