package trm.engine.model;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import trm.engine.LossKind;
import trm.engine.TrmException;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An architecture file as written by us (a checkpoint's or {@code trm info --json}'s JSON) or by
 * the reference (its {@code config/arch/trm.yaml}, or the {@code arch:} part of a run's
 * {@code all_config.yaml}; YAML or JSON; nested as {@code loss: {loss_type: …}} or flattened as
 * {@code loss.loss_type}). Source: TinyRecursiveModels {@code models/recursive_reasoning/trm.py}
 * ({@code TinyRecursiveReasoningModel_ACTV1Config}) and {@code config/arch/trm.yaml}.
 *
 * <p>Reading it gives a {@link Draft}: every key checked for its JSON type (an integer key refuses
 * {@code "64"} and {@code 64.7}, a boolean key refuses {@code 1}) and mapped to our names; keys
 * the reference gives defaults ({@code rms_norm_eps} 1e-5, {@code rope_theta} 10000,
 * {@code puzzle_emb_ndim} 0, {@code puzzle_emb_len} 16, {@code mlp_t} false,
 * {@code no_ACT_continue} true) are filled; the dataset-given keys ({@code seq_len},
 * {@code vocab_size}, {@code num_puzzle_identifiers}) may be missing and are then filled from
 * the data ({@link Draft#complete}). {@link Draft#notes()} says what came from where. Keys that
 * do not change what we compute ({@code name} of a TRM, {@code loss.name} of ACTLossHead,
 * {@code H_layers}, {@code forward_dtype}, {@code batch_size}) are accepted and noted; any other
 * key is refused, as is every missing required key (all named in one line).
 */
public final class ConfigFile {
    private ConfigFile() {}

    /** The keys the data gives (the reference's dataset metadata fills them). */
    public static final List<String> DATA_KEYS = List.of("seq_len", "vocab_size", "num_puzzle_identifiers");

    /** Keys of the reference's files that do not change what we compute. */
    private static final Set<String> IGNORED = Set.of("H_layers", "forward_dtype", "batch_size");

    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()).enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private enum Kind { INT, NUMBER, BOOL, STRING }

    /** Our keys, their JSON kind, and the reference's default (null: required). */
    private record Key(String name, Kind kind, Object referenceDefault) {}

    private static final List<Key> KEYS = List.of(
            new Key("hidden_size", Kind.INT, null), new Key("num_heads", Kind.INT, null),
            new Key("expansion", Kind.NUMBER, null), new Key("L_layers", Kind.INT, null),
            new Key("H_cycles", Kind.INT, null), new Key("L_cycles", Kind.INT, null),
            new Key("mlp_t", Kind.BOOL, false), new Key("pos_encodings", Kind.STRING, null),
            new Key("puzzle_emb_ndim", Kind.INT, 0), new Key("puzzle_emb_len", Kind.INT, 16),
            new Key("halt_max_steps", Kind.INT, null), new Key("halt_exploration_prob", Kind.NUMBER, null),
            new Key("no_ACT_continue", Kind.BOOL, true), new Key("rms_norm_eps", Kind.NUMBER, 1e-5),
            new Key("rope_theta", Kind.NUMBER, 10000.0), new Key("seq_len", Kind.INT, null),
            new Key("vocab_size", Kind.INT, null), new Key("num_puzzle_identifiers", Kind.INT, null),
            new Key("loss_type", Kind.STRING, null));

    /** What the data gives a config: {@code origin} names where, e.g. "the data" or "the checkpoint's tensors". */
    public record DataFields(int seqLen, int vocabSize, int numPuzzleIdentifiers, String origin) {}

    /**
     * A config read from a file, checked key by key, perhaps lacking the dataset-given keys.
     *
     * @param source      the file, for messages
     * @param values      every key (our names) that has a value, typed
     * @param missingData the dataset-given keys the file lacks, in {@link #DATA_KEYS} order
     * @param notes       one line per value not taken as written (defaults, ignored keys, mappings)
     */
    public record Draft(String source, Map<String, Object> values, List<String> missingData, List<String> notes) {
        public Draft {
            values = Map.copyOf(values);
            missingData = List.copyOf(missingData);
            notes = List.copyOf(notes);
        }

        /** The config; a TrmException if the file lacks a dataset-given key. */
        public TrmConfig complete() {
            if (!missingData.isEmpty())
                throw new TrmException(source + ": missing config key" + (missingData.size() > 1 ? "s " : " ")
                        + String.join(", ", missingData.stream().map(k -> "'" + k + "'").toList()) + " (given by the dataset)");
            return build(values);
        }

        /** The config, the dataset-given keys the file lacks taken from {@code data} (noted in {@link #notes()}). */
        public Completed complete(DataFields data) {
            if (missingData.isEmpty() || data == null) return new Completed(complete(), notes);
            Map<String, Object> v = new LinkedHashMap<>(values);
            List<String> n = new ArrayList<>(notes);
            for (String k : missingData) {
                int value = switch (k) {
                    case "seq_len" -> data.seqLen();
                    case "vocab_size" -> data.vocabSize();
                    default -> data.numPuzzleIdentifiers();
                };
                v.put(k, value);
                n.add(k + " " + value + ": from " + data.origin());
            }
            return new Completed(build(v), n);
        }

        private TrmConfig build(Map<String, Object> v) {
            try {
                return new TrmConfig((int) v.get("hidden_size"), (int) v.get("num_heads"), (double) v.get("expansion"),
                        (int) v.get("L_layers"), (int) v.get("H_cycles"), (int) v.get("L_cycles"), (boolean) v.get("mlp_t"),
                        PosEncoding.parse((String) v.get("pos_encodings")), (int) v.get("puzzle_emb_ndim"),
                        (int) v.get("puzzle_emb_len"), (int) v.get("halt_max_steps"), (double) v.get("halt_exploration_prob"),
                        (boolean) v.get("no_ACT_continue"), (double) v.get("rms_norm_eps"), (double) v.get("rope_theta"),
                        (int) v.get("seq_len"), (int) v.get("vocab_size"), (int) v.get("num_puzzle_identifiers"),
                        LossKind.parse((String) v.get("loss_type")));
            } catch (TrmException e) {
                throw new TrmException(source + ": " + e.getMessage());
            }
        }
    }

    /** A complete config and what was taken from where. */
    public record Completed(TrmConfig config, List<String> notes) {}

    /** Reads a JSON or YAML file (YAML when it ends in .yaml or .yml); non-UTF-8 bytes are refused naming the line. */
    public static Draft read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new TrmException("config file not found: " + file);
        } catch (IOException e) {
            throw new TrmException("cannot read config " + file + ": " + e.getMessage());
        }
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        boolean yaml = name.endsWith(".yaml") || name.endsWith(".yml");
        return parse(utf8(bytes, file.toString()), file.toString(), yaml);
    }

    /** Decodes UTF-8, or a one-line error naming the line of the first bad byte. */
    static String utf8(byte[] bytes, String source) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            int line = 1, at = 0;
            // find the first byte the decoder rejects, by decoding growing prefixes line by line
            for (int i = 0; i < bytes.length; i++) if (bytes[i] == '\n') {
                try {
                    StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(bytes, 0, i + 1));
                    line++;
                    at = i + 1;
                } catch (CharacterCodingException stop) {
                    break;
                }
            }
            throw new TrmException(source + ":" + line + ": not UTF-8 text (a malformed byte sequence after byte " + at + ")");
        }
    }

    /** Parses {@code text} (JSON, or YAML when {@code yaml}); {@code source} names it in messages. */
    public static Draft parse(String text, String source, boolean yaml) {
        JsonNode root;
        try {
            root = (yaml ? YAML : JSON).readTree(text);
        } catch (JsonProcessingException e) {
            String why = e.getOriginalMessage() == null ? "" : e.getOriginalMessage().lines().findFirst().orElse("");
            String at = e.getLocation() == null || e.getLocation().getLineNr() < 1 ? "" : ":" + e.getLocation().getLineNr();
            throw new TrmException(source + at + ": not valid " + (yaml ? "YAML" : "JSON") + " (" + why + ")");
        }
        if (root == null || !root.isObject()) throw new TrmException(source + ": a config must be a " + (yaml ? "YAML mapping" : "JSON object"));
        List<String> notes = new ArrayList<>();
        if (root.has("arch")) {
            JsonNode arch = root.get("arch");
            if (!arch.isObject()) throw new TrmException(source + ": 'arch' must be a mapping of architecture keys");
            root = arch;
            notes.add("architecture: the 'arch' section (other sections ignored)");
        }
        Map<String, JsonNode> flat = new LinkedHashMap<>();
        flatten("", root, flat, source);
        return draft(flat, source, notes);
    }

    private static void flatten(String prefix, JsonNode node, Map<String, JsonNode> out, String source) {
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            String key = prefix + e.getKey();
            if (key.startsWith("arch.")) key = key.substring(5);
            if (e.getValue().isObject()) flatten(key + ".", e.getValue(), out, source);
            else if (out.put(key, e.getValue()) != null) throw new TrmException(source + ": key '" + key + "' is given twice");
        }
    }

    private static Draft draft(Map<String, JsonNode> flat, String source, List<String> notes) {
        Map<String, JsonNode> ours = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : flat.entrySet()) {
            String key = e.getKey();
            JsonNode v = e.getValue();
            switch (key) {
                case "name" -> {
                    String s = v.isTextual() ? v.textValue() : v.toString();
                    if (!s.endsWith("@TinyRecursiveReasoningModel_ACTV1"))
                        throw new TrmException(source + ": name '" + s + "' is not the reference's TRM "
                                + "(recursive_reasoning.trm@TinyRecursiveReasoningModel_ACTV1); this engine runs TRM only");
                    notes.add("name " + s + ": the reference's TRM");
                }
                case "loss.name" -> {
                    String s = v.isTextual() ? v.textValue() : v.toString();
                    if (!s.endsWith("ACTLossHead"))
                        throw new TrmException(source + ": loss.name '" + s + "' is not the reference's ACTLossHead (the only loss head here)");
                }
                case "loss.loss_type" -> putOnce(ours, "loss_type", v, source);
                default -> {
                    if (IGNORED.contains(key)) notes.add(key + " " + v + ": ignored (does not change what we compute)");
                    else if (KEYS.stream().anyMatch(k -> k.name().equals(key))) putOnce(ours, key, v, source);
                    else throw new TrmException(source + ": unknown config key '" + key + "'");
                }
            }
        }
        // ${.hidden_size}: the reference's OmegaConf interpolation of a sibling key
        for (Map.Entry<String, JsonNode> e : new ArrayList<>(ours.entrySet())) {
            JsonNode v = e.getValue();
            if (v.isTextual() && v.textValue().startsWith("${.") && v.textValue().endsWith("}")) {
                String target = v.textValue().substring(3, v.textValue().length() - 1);
                JsonNode t = ours.get(target);
                if (t == null || t.isTextual())
                    throw new TrmException(source + ": " + e.getKey() + " refers to " + v.textValue() + ", which has no value");
                ours.put(e.getKey(), t);
                notes.add(e.getKey() + " " + t + ": from " + target + " (" + v.textValue() + ")");
            }
        }
        Map<String, Object> values = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>(), missingData = new ArrayList<>();
        for (Key k : KEYS) {
            JsonNode v = ours.get(k.name());
            if (v == null) {
                if (k.referenceDefault() != null) {
                    values.put(k.name(), k.referenceDefault());
                    notes.add(k.name() + " " + k.referenceDefault() + ": the reference's default");
                } else if (DATA_KEYS.contains(k.name())) {
                    missingData.add(k.name());
                } else {
                    missing.add(k.name());
                }
                continue;
            }
            values.put(k.name(), typed(k, v, source));
        }
        if (!missing.isEmpty())
            throw new TrmException(source + ": missing config key" + (missing.size() > 1 ? "s " : " ")
                    + String.join(", ", missing.stream().map(m -> "'" + m + "'").toList()));
        return new Draft(source, values, missingData, notes);
    }

    private static void putOnce(Map<String, JsonNode> ours, String key, JsonNode v, String source) {
        if (ours.put(key, v) != null) throw new TrmException(source + ": key '" + key + "' is given twice (e.g. nested and flattened)");
    }

    /** The value of {@code v} as the key's kind demands, or a one-line error naming key, value and kind. */
    private static Object typed(Key k, JsonNode v, String source) {
        String where = source + ": " + k.name() + " ";
        return switch (k.kind()) {
            case INT -> {
                if (!v.isIntegralNumber()) throw new TrmException(where + "must be a whole number, not " + describe(v));
                if (!v.canConvertToInt()) throw new TrmException(where + v + " is over the limit of " + Integer.MAX_VALUE);
                yield v.intValue();
            }
            case NUMBER -> {
                if (!v.isNumber()) throw new TrmException(where + "must be a number, not " + describe(v));
                double d = v.doubleValue();
                if (!Double.isFinite(d)) throw new TrmException(where + "must be a finite number, not " + v);
                yield d;
            }
            case BOOL -> {
                if (!v.isBoolean()) throw new TrmException(where + "must be true or false, not " + describe(v));
                yield v.booleanValue();
            }
            case STRING -> {
                if (!v.isTextual()) throw new TrmException(where + "must be a string, not " + describe(v));
                yield v.textValue();
            }
        };
    }

    private static String describe(JsonNode v) {
        if (v.isTextual()) return "the string " + v;
        if (v.isNumber()) return "the number " + v;
        if (v.isBoolean()) return "the boolean " + v;
        if (v.isNull()) return "null";
        if (v.isArray()) return "a list";
        return v.toString();
    }
}
