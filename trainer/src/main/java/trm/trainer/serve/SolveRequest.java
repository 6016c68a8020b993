package trm.trainer.serve;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import trm.engine.TrmException;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The body of {@code POST /v1/solve}, checked: {@code {"puzzle": "..."}} or
 * {@code {"puzzles": ["...", ...]}}, and optionally {@code max_steps} (1..N_sup, default N_sup),
 * {@code early_halt} (default true), {@code trace} (default false). Anything else — another key,
 * a wrong type, both or neither of puzzle/puzzles, an empty list — is refused with one line.
 *
 * @param single whether the body gave one {@code puzzle} (the answer is then one object, not a list)
 */
record SolveRequest(List<String> puzzles, boolean single, SlotScheduler.Options options) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> KEYS = Set.of("puzzle", "puzzles", "max_steps", "early_halt", "trace");

    static SolveRequest parse(byte[] body, int haltMaxSteps) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JacksonException e) {
            throw new TrmException("the body is not JSON: " + oneLine(e.getOriginalMessage()));
        } catch (java.io.IOException e) {
            throw new TrmException("the body could not be read: " + oneLine(e.getMessage()));
        }
        if (root == null || root.isMissingNode()) throw new TrmException("the body is empty: send {\"puzzle\": \"...\"}");
        if (!root.isObject()) throw new TrmException("the body must be a JSON object, got " + kind(root));
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!KEYS.contains(k)) throw new TrmException("unknown key \"" + oneLine(k) + "\" (known: puzzle, puzzles, max_steps, early_halt, trace)");
        }
        JsonNode one = root.get("puzzle"), many = root.get("puzzles");
        if ((one == null) == (many == null)) throw new TrmException("give either \"puzzle\" (a string) or \"puzzles\" (a list of strings)");
        List<String> puzzles = new ArrayList<>();
        if (one != null) {
            if (!one.isTextual()) throw new TrmException("\"puzzle\" must be a string, got " + kind(one));
            puzzles.add(one.textValue());
        } else {
            if (!many.isArray()) throw new TrmException("\"puzzles\" must be a list of strings, got " + kind(many));
            if (many.isEmpty()) throw new TrmException("\"puzzles\" is empty");
            for (int i = 0; i < many.size(); i++) {
                if (!many.get(i).isTextual()) throw new TrmException("puzzles[" + i + "] must be a string, got " + kind(many.get(i)));
                puzzles.add(many.get(i).textValue());
            }
        }
        int maxSteps = haltMaxSteps;
        JsonNode ms = root.get("max_steps");
        if (ms != null) {
            if (!ms.isIntegralNumber() || !ms.canConvertToInt()) throw new TrmException("\"max_steps\" must be an integer, got " + kind(ms));
            maxSteps = ms.intValue();
            if (maxSteps < 1 || maxSteps > haltMaxSteps)
                throw new TrmException("\"max_steps\" must be 1 to " + haltMaxSteps + " (the model's halt_max_steps), got " + maxSteps);
        }
        return new SolveRequest(puzzles, one != null, new SlotScheduler.Options(maxSteps, flag(root, "early_halt", true), flag(root, "trace", false)));
    }

    private static boolean flag(JsonNode root, String key, boolean fallback) {
        JsonNode v = root.get(key);
        if (v == null) return fallback;
        if (!v.isBoolean()) throw new TrmException("\"" + key + "\" must be true or false, got " + kind(v));
        return v.booleanValue();
    }

    private static String kind(JsonNode n) {
        String text = n.toString();
        return n.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + " " + (text.length() > 40 ? text.substring(0, 40) + "..." : text);
    }

    static String oneLine(String s) {
        if (s == null) return "";
        String line = s.replaceAll("\\s+", " ").strip();
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }
}
