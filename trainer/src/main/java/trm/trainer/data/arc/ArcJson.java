package trm.trainer.data.arc;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import trm.engine.TrmException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads ARC's JSON files, streaming, so that every problem is reported as one line naming the
 * file, line and column (and the task): the challenge files ({@code {id: {"train": [pairs],
 * "test": [inputs]}}}), the solution files ({@code {id: [grid per test input]}}) and a single
 * task file ({@code {"train": [...], "test": [...]}}, as in the ARC repositories).
 */
public final class ArcJson {
    private static final JsonFactory JSON = new JsonFactory();

    private ArcJson() {}

    /**
     * The tasks of a challenges file in file order, with the test outputs from {@code solutions}
     * (null: unknown). Every test input of a task must have a solution when a solutions file is given.
     */
    public static List<ArcTask> readSubset(Path challenges, Path solutions, String subset) {
        Map<String, ArcTask> tasks = new LinkedHashMap<>();
        parse(challenges, p -> {
            expect(p, JsonToken.START_OBJECT, "an object of tasks");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String id = p.currentName();
                if (tasks.containsKey(id)) throw error(p, "task " + id + " appears twice");
                p.nextToken();
                tasks.put(id, task(p, id, subset));
            }
            return null;
        });
        if (solutions == null) return List.copyOf(tasks.values());
        Map<String, List<ArcGrid>> answers = new LinkedHashMap<>();
        parse(solutions, p -> {
            expect(p, JsonToken.START_OBJECT, "an object of solutions");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String id = p.currentName();
                if (!tasks.containsKey(id)) throw error(p, "solution for task " + id + ", which " + challenges.getFileName() + " does not have");
                p.nextToken();
                expect(p, JsonToken.START_ARRAY, "a list of grids for task " + id);
                List<ArcGrid> grids = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) grids.add(grid(p, "task " + id + " solution " + grids.size()));
                int tests = tasks.get(id).test().size();
                if (grids.size() != tests) throw error(p, "task " + id + " has " + tests + " test inputs but " + grids.size() + " solutions");
                answers.put(id, grids);
            }
            return null;
        });
        List<ArcTask> out = new ArrayList<>();
        for (ArcTask t : tasks.values()) {
            List<ArcGrid> a = answers.get(t.id());
            if (a == null) throw new TrmException(solutions + ": no solution for task " + t.id());
            List<ArcPair> test = new ArrayList<>();
            for (int i = 0; i < t.test().size(); i++) test.add(new ArcPair(t.test().get(i).input(), a.get(i)));
            out.add(new ArcTask(t.id(), subset, t.train(), test));
        }
        return out;
    }

    /** One task in a file of its own (test outputs, where present, are its known answers). */
    public static ArcTask readTask(Path file) {
        String id = file.getFileName().toString().replaceFirst("\\.json$", "");
        return parse(file, p -> task(p, id, "file"));
    }

    private interface Body<T> {
        T read(JsonParser p) throws IOException;
    }

    private static <T> T parse(Path file, Body<T> body) {
        if (!Files.isRegularFile(file)) throw new TrmException("file not found: " + file);
        try (JsonParser p = JSON.createParser(file.toFile())) {
            p.nextToken();
            try {
                T t = body.read(p);
                if (p.nextToken() != null) throw error(p, "unexpected content after the end");
                return t;
            } catch (TrmException e) {
                throw new TrmException(file + ":" + e.getMessage());
            }
        } catch (JsonProcessingException e) {
            JsonLocation l = e.getLocation();
            throw new TrmException(file + ":" + (l == null ? "?" : l.getLineNr() + ":" + l.getColumnNr()) + ": malformed JSON ("
                    + e.getOriginalMessage().lines().findFirst().orElse("") + ")");
        } catch (IOException e) {
            throw new TrmException("cannot read " + file + ": " + e.getMessage());
        }
    }

    private static ArcTask task(JsonParser p, String id, String subset) throws IOException {
        expect(p, JsonToken.START_OBJECT, "task " + id + ": an object with \"train\" and \"test\"");
        List<ArcPair> train = null, test = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            p.nextToken();
            switch (key) {
                case "train" -> train = pairs(p, "task " + id + " train", true);
                case "test" -> test = pairs(p, "task " + id + " test", false);
                default -> p.skipChildren(); // e.g. a "name" field: not ours to judge
            }
        }
        if (train == null || train.isEmpty()) throw error(p, "task " + id + " has no \"train\" pairs");
        if (test == null || test.isEmpty()) throw error(p, "task " + id + " has no \"test\" inputs");
        return new ArcTask(id, subset, train, test);
    }

    private static List<ArcPair> pairs(JsonParser p, String what, boolean needOutput) throws IOException {
        expect(p, JsonToken.START_ARRAY, what + ": a list of pairs");
        List<ArcPair> pairs = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            String name = what + " " + pairs.size();
            expect(p, JsonToken.START_OBJECT, name + ": an object with \"input\"");
            ArcGrid in = null, out = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                p.nextToken();
                switch (key) {
                    case "input" -> in = grid(p, name + " input");
                    case "output" -> out = grid(p, name + " output");
                    default -> p.skipChildren();
                }
            }
            if (in == null) throw error(p, name + " has no \"input\"");
            if (needOutput && out == null) throw error(p, name + " has no \"output\"");
            pairs.add(new ArcPair(in, out));
        }
        return pairs;
    }

    private static ArcGrid grid(JsonParser p, String what) throws IOException {
        JsonLocation start = p.currentLocation();
        expect(p, JsonToken.START_ARRAY, what + ": a list of rows");
        List<int[]> rows = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            expect(p, JsonToken.START_ARRAY, what + " row " + rows.size() + ": a list of colours");
            List<Integer> row = new ArrayList<>();
            while (p.nextToken() != JsonToken.END_ARRAY) {
                if (p.currentToken() != JsonToken.VALUE_NUMBER_INT) throw error(p, what + " row " + rows.size() + ": not an integer colour");
                int v = p.getIntValue();
                if (v < 0 || v > 9) throw error(p, what + " row " + rows.size() + ": colour " + v + " is not 0..9");
                row.add(v);
            }
            rows.add(row.stream().mapToInt(Integer::intValue).toArray());
        }
        try {
            return ArcGrid.of(rows.toArray(int[][]::new));
        } catch (TrmException e) {
            throw new TrmException(start.getLineNr() + ":" + start.getColumnNr() + ": " + what + ": " + e.getMessage());
        }
    }

    private static void expect(JsonParser p, JsonToken token, String what) {
        if (p.currentToken() != token) throw error(p, "expected " + what);
    }

    private static TrmException error(JsonParser p, String message) {
        JsonLocation l = p.currentLocation();
        return new TrmException(l.getLineNr() + ":" + l.getColumnNr() + ": " + message);
    }
}
