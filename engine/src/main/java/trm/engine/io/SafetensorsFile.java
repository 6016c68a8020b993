package trm.engine.io;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SequencedMap;
import java.util.TreeMap;

import trm.engine.TrmException;

/**
 * The content of a safetensors file: its {@code __metadata__} (string to string) and its tensors,
 * by name, in the order their data lies in the file. {@code source} names where it came from (a
 * path, for messages). Both maps are unmodifiable.
 */
public record SafetensorsFile(String source, Map<String, String> metadata, SequencedMap<String, TensorEntry> tensors) {

    public SafetensorsFile {
        source = source == null ? "<memory>" : source;
        metadata = Collections.unmodifiableMap(new TreeMap<>(metadata == null ? Map.of() : metadata));
        tensors = Collections.unmodifiableSequencedMap(new LinkedHashMap<>(tensors == null ? Map.of() : tensors));
    }

    /** The tensor called {@code name}, also found when only the other {@code _orig_mod.} spelling is present. */
    public Optional<TensorEntry> find(String name) {
        return TensorNames.lookup(tensors, name);
    }

    /** Like {@link #find} but a TrmException naming the file and the tensor when it is absent. */
    public TensorEntry require(String name) {
        return find(name).orElseThrow(() -> new TrmException(source + ": no tensor " + name
                + " (also tried " + TensorNames.candidates(name).get(1) + ")"));
    }

    /** The metadata value under {@code key}, if any. */
    public Optional<String> meta(String key) {
        return Optional.ofNullable(metadata.get(key));
    }
}
