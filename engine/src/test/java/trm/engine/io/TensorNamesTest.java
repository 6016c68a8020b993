package trm.engine.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class TensorNamesTest {

    @Test
    void stripsOnlyALeadingPrefix() {
        assertEquals("model.inner.H_init", TensorNames.stripCompilePrefix("_orig_mod.model.inner.H_init"));
        assertEquals("model.inner.H_init", TensorNames.stripCompilePrefix("model.inner.H_init"));
        assertEquals("model._orig_mod.x", TensorNames.stripCompilePrefix("model._orig_mod.x"));
    }

    @Test
    void candidatesTryTheGivenSpellingFirst() {
        assertEquals(List.of("a.b", "_orig_mod.a.b"), TensorNames.candidates("a.b"));
        assertEquals(List.of("_orig_mod.a.b", "a.b"), TensorNames.candidates("_orig_mod.a.b"));
    }

    @Test
    void lookupFindsEitherSpelling() {
        Map<String, Integer> compiled = Map.of("_orig_mod.model.inner.L_init", 1);
        Map<String, Integer> plain = Map.of("model.inner.L_init", 2);
        assertEquals(Optional.of(1), TensorNames.lookup(compiled, "model.inner.L_init"));
        assertEquals(Optional.of(1), TensorNames.lookup(compiled, "_orig_mod.model.inner.L_init"));
        assertEquals(Optional.of(2), TensorNames.lookup(plain, "_orig_mod.model.inner.L_init"));
        assertTrue(TensorNames.lookup(plain, "model.inner.H_init").isEmpty());
        // When both exist, the exact spelling wins.
        assertEquals(Optional.of(3), TensorNames.lookup(Map.of("x", 3, "_orig_mod.x", 4), "x"));
    }
}
