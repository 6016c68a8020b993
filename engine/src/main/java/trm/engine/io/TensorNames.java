package trm.engine.io;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * State-dict names as PyTorch writes them. {@code torch.compile} wraps a module so that every key
 * of its state dict gains the prefix {@code _orig_mod.}; the reference TRM trainer saves the
 * compiled model, so its keys look like {@code _orig_mod.model.inner.H_init} (or
 * {@code model.inner.H_init} when compilation is disabled). Lookups here accept either spelling.
 */
public final class TensorNames {
    /** The prefix {@code torch.compile} adds to every state-dict key. */
    public static final String COMPILE_PREFIX = "_orig_mod.";

    private TensorNames() {}

    /** {@code name} without a leading {@code _orig_mod.} (unchanged if it has none). */
    public static String stripCompilePrefix(String name) {
        return name.startsWith(COMPILE_PREFIX) ? name.substring(COMPILE_PREFIX.length()) : name;
    }

    /** The names to try for {@code name}, most specific first: itself, then the other spelling. */
    public static List<String> candidates(String name) {
        String other = name.startsWith(COMPILE_PREFIX) ? stripCompilePrefix(name) : COMPILE_PREFIX + name;
        return List.of(name, other);
    }

    /** The value stored under {@code name} or under its other spelling (with or without the prefix). */
    public static <V> Optional<V> lookup(Map<String, V> map, String name) {
        for (String candidate : candidates(name)) {
            V v = map.get(candidate);
            if (v != null) return Optional.of(v);
        }
        return Optional.empty();
    }
}
