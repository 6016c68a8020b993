package trm.trainer.data.arc;

import trm.engine.TrmException;
import trm.trainer.data.Sample;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * Tasks, their variants' identifiers and the canvas: everything tokens are made from, on the
 * fly. Training pairs of a task: its demonstrations, plus its test pairs unless it belongs to
 * the held-out subset ({@code evalSubset}); held-out items: the test inputs of that subset, once
 * per variant, at the top-left. A training pair gets a translation shared by input and output,
 * fixed per (seed, identifier, pair) as the reference fixes it when it builds the dataset,
 * except each task's first pair, which stays at the origin.
 */
public final class ArcDataset {
    private final ArcCanvas canvas;
    private final List<ArcTask> tasks;
    private final ArcIdentifiers identifiers;
    private final String evalSubset;
    private final long seed;
    private final boolean translate;

    public ArcDataset(ArcCanvas canvas, List<ArcTask> tasks, ArcIdentifiers identifiers, String evalSubset, long seed, boolean translate) {
        if (tasks.size() != identifiers.tasks().size())
            throw new TrmException("the identifier table has " + identifiers.tasks().size() + " tasks, the data " + tasks.size());
        for (int i = 0; i < tasks.size(); i++) {
            ArcTask t = tasks.get(i);
            if (!t.id().equals(identifiers.tasks().get(i).taskId()))
                throw new TrmException("task " + i + " is " + t.id() + " but the identifier table says " + identifiers.tasks().get(i).taskId());
            for (List<ArcPair> ps : List.of(t.train(), t.test()))
                for (ArcPair p : ps)
                    if (!canvas.fits(p.input()) || (p.output() != null && !canvas.fits(p.output())))
                        throw new TrmException("task " + t.id() + " has a grid larger than the " + canvas.side() + "-canvas");
        }
        this.canvas = canvas;
        this.tasks = List.copyOf(tasks);
        this.identifiers = identifiers;
        this.evalSubset = evalSubset;
        this.seed = seed;
        this.translate = translate;
    }

    public ArcCanvas canvas() { return canvas; }

    public List<ArcTask> tasks() { return tasks; }

    public ArcIdentifiers identifiers() { return identifiers; }

    public String evalSubset() { return evalSubset; }

    public long seed() { return seed; }

    public boolean heldOut(ArcTask t) { return t.subset().equals(evalSubset); }

    /** The tasks whose test pairs are held out, in order. */
    public List<ArcTask> evalTasks() { return tasks.stream().filter(this::heldOut).toList(); }

    /** The pairs task {@code i} contributes to training (see the class comment). */
    public List<ArcPair> trainingPairs(int i) {
        ArcTask t = tasks.get(i);
        if (heldOut(t)) return t.train();
        List<ArcPair> out = new ArrayList<>(t.train());
        for (ArcPair p : t.test()) if (p.output() != null) out.add(p);
        return out;
    }

    /** The training sample of pair {@code pair} of task {@code task} seen through its variant {@code variant}. */
    public Sample trainingSample(int task, int pair, int variant) {
        ArcIdentifiers.Entry e = identifiers.tasks().get(task);
        ArcVariant v = e.variants().get(variant);
        ArcPair p = trainingPairs(task).get(pair);
        ArcGrid in = v.apply(p.input()), out = v.apply(p.output());
        int id = e.first() + variant, row = 0, col = 0;
        if (translate && pair > 0) {
            SplittableRandom rng = new SplittableRandom(seed ^ (long) id * 0x9E3779B97F4A7C15L ^ (long) pair * 0xC2B2AE3D27D4EB4FL);
            row = rng.nextInt(canvas.side() - Math.max(in.height(), out.height()) + 1);
            col = rng.nextInt(canvas.side() - Math.max(in.width(), out.width()) + 1);
        }
        return new Sample(canvas.encode(in, row, col), canvas.encode(out, row, col), id);
    }

    /** One held-out query: test input {@code test} of task {@code task} through variant {@code variant}. */
    public record EvalItem(int task, int test, int variant, Sample sample) {}

    /** Number of held-out queries: Σ over held-out tasks of test inputs × variants. */
    public long evalItemCount() {
        long n = 0;
        for (int i = 0; i < tasks.size(); i++)
            if (heldOut(tasks.get(i))) n += (long) tasks.get(i).test().size() * identifiers.tasks().get(i).variants().size();
        return n;
    }

    /** The held-out queries, made as they are drawn (task, then test input, then variant); labels null when unknown. */
    public Iterator<EvalItem> evalItems() {
        return new Iterator<>() {
            int task = nextHeldOut(0), test, variant;

            @Override public boolean hasNext() { return task < tasks.size(); }

            @Override
            public EvalItem next() {
                if (!hasNext()) throw new NoSuchElementException();
                EvalItem item = evalItem(task, test, variant);
                if (++variant == identifiers.tasks().get(task).variants().size()) {
                    variant = 0;
                    if (++test == tasks.get(task).test().size()) {
                        test = 0;
                        task = nextHeldOut(task + 1);
                    }
                }
                return item;
            }
        };
    }

    /** Test input {@code test} of task {@code task} through variant {@code variant}, at the top-left. */
    public EvalItem evalItem(int task, int test, int variant) {
        ArcIdentifiers.Entry e = identifiers.tasks().get(task);
        ArcVariant v = e.variants().get(variant);
        ArcPair p = tasks.get(task).test().get(test);
        int[] labels = p.output() == null ? null : canvas.encode(v.apply(p.output()));
        return new EvalItem(task, test, variant, new Sample(canvas.encode(v.apply(p.input())), labels, e.first() + variant));
    }

    private int nextHeldOut(int from) {
        int i = from;
        while (i < tasks.size() && !heldOut(tasks.get(i))) i++;
        return i;
    }
}
