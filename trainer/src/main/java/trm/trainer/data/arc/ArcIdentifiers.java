package trm.trainer.data.arc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import trm.engine.TrmException;

import java.util.ArrayList;
import java.util.List;

/**
 * The puzzle-identifier table: identifier 0 is reserved ("blank"); then each task's variants
 * take consecutive identifiers, in task order, the original (identity variant) first. One row
 * of the model's puzzle table per identifier. Saved in the manifest and in checkpoints, so an
 * identifier maps back to (task, transform, colour map) without the dataset.
 */
public record ArcIdentifiers(List<Entry> tasks) {
    public static final int BLANK = 0;

    /** One task's variants: identifiers {@code first .. first + variants.size() - 1}. */
    public record Entry(String taskId, String subset, int first, List<ArcVariant> variants) {
        public Entry {
            variants = List.copyOf(variants);
        }
    }

    /** An identifier's meaning. */
    public record Lookup(Entry task, int variantIndex, ArcVariant variant) {}

    public ArcIdentifiers {
        tasks = List.copyOf(tasks);
        int next = 1;
        for (Entry e : tasks) {
            if (e.first != next) throw new TrmException("identifier table: task " + e.taskId + " starts at " + e.first + ", expected " + next);
            if (e.variants.isEmpty()) throw new TrmException("identifier table: task " + e.taskId + " has no variants");
            next += e.variants.size();
        }
    }

    /** Builds the table for tasks and their variants (same order). */
    public static ArcIdentifiers of(List<ArcTask> tasks, List<List<ArcVariant>> variants) {
        List<Entry> out = new ArrayList<>();
        int next = 1;
        for (int i = 0; i < tasks.size(); i++) {
            out.add(new Entry(tasks.get(i).id(), tasks.get(i).subset(), next, variants.get(i)));
            next += variants.get(i).size();
        }
        return new ArcIdentifiers(out);
    }

    /** Rows of the puzzle table: every variant plus the blank. */
    public int count() {
        return tasks.isEmpty() ? 1 : tasks.getLast().first + tasks.getLast().variants.size();
    }

    /** What identifier {@code id} stands for; a TrmException for the blank or an unknown one. */
    public Lookup lookup(int id) {
        int lo = 0, hi = tasks.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            Entry e = tasks.get(mid);
            if (id < e.first) hi = mid - 1;
            else if (id >= e.first + e.variants.size()) lo = mid + 1;
            else return new Lookup(e, id - e.first, e.variants.get(id - e.first));
        }
        throw new TrmException("puzzle identifier " + id + " is not in the table (1.." + (count() - 1) + ")");
    }

    /** As JSON: a list of {task, subset, first_identifier, variants: "T:CCCCCCCCCC T:…"}. */
    public ArrayNode toJson(ObjectMapper json) {
        ArrayNode a = json.createArrayNode();
        for (Entry e : tasks) {
            ObjectNode n = a.addObject();
            n.put("task", e.taskId).put("subset", e.subset).put("first_identifier", e.first);
            StringBuilder sb = new StringBuilder();
            for (ArcVariant v : e.variants) sb.append(sb.isEmpty() ? "" : " ").append(v);
            n.put("variants", sb.toString());
        }
        return a;
    }

    public static ArcIdentifiers fromJson(JsonNode a, String source) {
        if (a == null || !a.isArray()) throw new TrmException(source + ": no identifier table (a list under \"identifiers\")");
        List<Entry> out = new ArrayList<>();
        for (JsonNode n : a) {
            String task = n.path("task").asText(null);
            if (task == null || !n.path("first_identifier").isInt() || !n.path("variants").isTextual())
                throw new TrmException(source + ": identifier table entry " + out.size() + " lacks task, first_identifier or variants");
            List<ArcVariant> vs = new ArrayList<>();
            try {
                for (String v : n.get("variants").asText().split(" ")) vs.add(ArcVariant.parse(v));
            } catch (TrmException | IllegalArgumentException e) {
                throw new TrmException(source + ": task " + task + ": " + e.getMessage());
            }
            out.add(new Entry(task, n.path("subset").asText(""), n.get("first_identifier").asInt(), vs));
        }
        try {
            return new ArcIdentifiers(out);
        } catch (TrmException e) {
            throw new TrmException(source + ": " + e.getMessage());
        }
    }
}
