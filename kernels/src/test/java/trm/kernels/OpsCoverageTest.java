package trm.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import trm.engine.Ops;

/**
 * The guard: every {@link Ops} method and every {@link Layers} method has a parity case in
 * {@link OpsParitySuite} (by its {@link Covers} annotations), and no case names a method that does
 * not exist. A new op without a parity case fails here, on every machine, sim library or not.
 */
class OpsCoverageTest {
    static Set<String> declared(Class<?> contract, String prefix) {
        Set<String> s = new TreeSet<>();
        for (Method m : contract.getMethods())
            if (!Modifier.isStatic(m.getModifiers())) s.add(prefix + m.getName());
        return s;
    }

    static Set<String> covered() {
        Set<String> s = new TreeSet<>();
        for (Method m : OpsParitySuite.class.getDeclaredMethods()) {
            Covers c = m.getAnnotation(Covers.class);
            if (c != null) s.addAll(Arrays.asList(c.value()));
        }
        return s;
    }

    @Test
    void everyOpHasAParityCase() {
        Set<String> missing = new TreeSet<>(declared(Ops.class, ""));
        missing.addAll(declared(Layers.class, "Layers."));
        missing.removeAll(covered());
        assertEquals(Set.of(), missing, "Ops / Layers methods without a parity case in OpsParitySuite (add one, with @Covers)");
    }

    @Test
    void everyCaseNamesARealMethod() {
        Set<String> all = new TreeSet<>(declared(Ops.class, ""));
        all.addAll(declared(Layers.class, "Layers."));
        Set<String> stale = new TreeSet<>(covered());
        stale.removeAll(all);
        assertEquals(Set.of(), stale, "@Covers names that are no Ops / Layers method");
        assertTrue(covered().size() > 30, "the parity suite declares its cases");
    }
}
