package trm.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

/**
 * The guard: every {@link Ops} method has a gradient case on the cpu (a finite-difference check
 * declared with {@link Covers} in {@link LayerGradientTest} or, for the half-blocks, in the whole
 * step's check {@code trm.engine.model.SupervisionStepTest}), or is listed below as having no gradient, with why.
 * A new op fails here until it has one or the other.
 */
class OpsGradientCoverageTest {
    /** Ops with nothing to differentiate, and why. */
    static final Map<String, String> NO_GRADIENT = Map.ofEntries(
            Map.entry("fill", "writes a constant"),
            Map.entry("add", "the identity on each input; used by the host side only"),
            Map.entry("copy", "data movement"),
            Map.entry("argmax", "piecewise constant"),
            Map.entry("adamAtan2", "optimizer update"),
            Map.entry("adamW", "optimizer update"),
            Map.entry("signSgd", "optimizer update"),
            Map.entry("ema", "optimizer update"),
            Map.entry("haltUpdate", "halting decisions"),
            Map.entry("resetCarry", "slot bookkeeping"),
            Map.entry("selectRows", "slot bookkeeping"),
            Map.entry("accumulateMetrics", "metrics"),
            Map.entry("channelMlpScratch", "a size"),
            Map.entry("attentionMixScratch", "a size"),
            Map.entry("channelMlpRecomputes", "a property of the device"),
            Map.entry("activationDType", "a property of the device"),
            Map.entry("tokenMixScratch", "a size"),
            Map.entry("attentionSaveShape", "a shape"),
            Map.entry("stepScratch", "a size"),
            Map.entry("useStepScratch", "binds a buffer"));

    static final String[] SUITES = {"trm.engine.LayerGradientTest", "trm.engine.model.SupervisionStepTest"};

    static Set<String> ops() {
        Set<String> s = new TreeSet<>();
        for (Method m : Ops.class.getMethods()) if (!Modifier.isStatic(m.getModifiers())) s.add(m.getName());
        return s;
    }

    static Set<String> covered() {
        Set<String> s = new TreeSet<>();
        for (String name : SUITES)
            for (Method m : suiteClass(name).getDeclaredMethods()) {
                Covers c = m.getAnnotation(Covers.class);
                if (c != null) s.addAll(Arrays.asList(c.value()));
            }
        return s;
    }

    private static Class<?> suiteClass(String name) {
        try {
            return Class.forName(name);
        } catch (ClassNotFoundException e) {
            throw new AssertionError("gradient suite " + name + " not found", e);
        }
    }

    @Test
    void everyOpHasAGradientCaseOrAReasonNot() {
        Set<String> missing = ops();
        missing.removeAll(covered());
        missing.removeAll(NO_GRADIENT.keySet());
        assertEquals(Set.of(), missing, "Ops methods without a gradient case (add one with @Covers, or a reason in NO_GRADIENT)");
    }

    @Test
    void namesAreRealAndNotBoth() {
        Set<String> stale = new TreeSet<>(covered());
        stale.addAll(NO_GRADIENT.keySet());
        stale.removeAll(ops());
        assertEquals(Set.of(), stale, "names that are no Ops method");
        Set<String> both = new TreeSet<>(covered());
        both.retainAll(NO_GRADIENT.keySet());
        assertEquals(Set.of(), both, "covered and listed as having no gradient");
    }
}
