package trm.trainer.cli;

import trm.engine.TrmException;
import trm.engine.io.Safetensors;
import trm.engine.model.TrmModel;
import trm.trainer.Inference;
import trm.trainer.data.Sample;
import trm.trainer.data.arc.ArcAugmenter;
import trm.trainer.data.arc.ArcCanvas;
import trm.trainer.data.arc.ArcDataset;
import trm.trainer.data.arc.ArcEvaluator;
import trm.trainer.data.arc.ArcGrid;
import trm.trainer.data.arc.ArcIdentifiers;
import trm.trainer.data.arc.ArcJson;
import trm.trainer.data.arc.ArcManifest;
import trm.trainer.data.arc.ArcPicture;
import trm.trainer.data.arc.ArcSource;
import trm.trainer.data.arc.ArcSubmission;
import trm.trainer.data.arc.ArcTask;
import trm.trainer.data.arc.ArcVariant;
import trm.trainer.data.arc.ArcVoter;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The command line's ARC wiring: the {@code arc:DIR} data spec for train, eval and solve. */
final class ArcCommands {
    static final String PREFIX = "arc:";
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private ArcCommands() {}

    static boolean isSpec(String data) { return data != null && data.startsWith(PREFIX); }

    /** The dataset of an {@code arc:DIR} spec (DIR holds manifest.json). */
    static ArcDataset dataset(String spec) {
        String dir = spec.substring(PREFIX.length());
        if (dir.isEmpty()) throw new TrmException("--data arc:DIR needs the folder of a manifest (trm data arc --out DIR)");
        return ArcManifest.read(Path.of(dir)).dataset();
    }

    /** Held-out test inputs in their original frame (the identity variant), with labels: what training's periodic evaluation scores. */
    static List<Sample> heldOutOriginals(ArcDataset d, Integer limit) {
        List<Sample> out = new ArrayList<>();
        for (int t = 0; t < d.tasks().size(); t++) {
            if (!d.heldOut(d.tasks().get(t))) continue;
            for (int j = 0; j < d.tasks().get(t).test().size(); j++) {
                ArcDataset.EvalItem it = d.evalItem(t, j, 0);
                if (it.sample().labels() != null) out.add(it.sample());
                if (limit != null && out.size() == limit) return out;
            }
        }
        return out;
    }

    /** Refuses a model that cannot have been trained on this dataset: another canvas, too few identifiers, another table. */
    static void checkModel(TrmModel model, Path weights, ArcDataset d) {
        if (model.config.seqLen() != d.canvas().seqLen())
            throw new TrmException(weights + " takes " + model.config.seqLen() + " tokens, the ARC canvas " + d.canvas().seqLen() + ": not an ARC model");
        if (model.config.puzzleEmbNdim() > 0 && model.config.numPuzzleIdentifiers() < d.identifiers().count())
            throw new TrmException(weights + " has " + model.config.numPuzzleIdentifiers() + " puzzle identifiers, the dataset "
                    + d.identifiers().count() + ": it was trained on other data");
        String saved = Safetensors.read(weights).meta(ArcSource.IDENTIFIERS_KEY).orElse(null);
        if (saved == null) System.err.println("trm: " + weights + " has no ARC identifier table; trusting the manifest's");
        else if (!saved.equals(d.identifiers().toJson(JSON).toString()))
            throw new TrmException(weights + " was trained with another identifier table than this manifest's (other --aug, --seed or tasks)");
    }

    static ArcEvaluator.Predictor predictor(Inference inf) {
        return samples -> inf.solve(samples, false, false).stream()
                .map(a -> new ArcEvaluator.Prediction(a.prediction(), a.qHalt())).toList();
    }

    /** {@code trm eval --data arc:DIR}: pass@k as a table and JSON, and the submission file. */
    static void evaluate(TrmModel model, Path weights, String spec, int batch, Integer limitTasks, boolean jsonOnly, Path submission) {
        ArcDataset d = dataset(spec);
        checkModel(model, weights, d);
        long t0 = System.nanoTime();
        ArcEvaluator.Result r;
        try (Inference inf = new Inference(model, batch)) {
            r = ArcEvaluator.evaluate(d, predictor(inf), batch, limitTasks);
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        ArcSubmission.write(submission, r.tasks(), r.voter());
        if (!jsonOnly) {
            System.out.println(r.score().table());
            System.out.printf("(%,d predictions, %,d distinct candidates, %.1f s; submission in %s)%n", r.predictions(),
                    r.voter().distinctCandidates(), secs, submission);
        }
        System.out.println(r.score().json());
    }

    /** {@code trm solve --arc TASK_ID|FILE}: every variant of each test input, voted; top-2 beside the truth. */
    static void solve(TrmModel model, Path weights, String spec, String taskOrFile, int batch, Path png) {
        ArcDataset d = spec == null ? null : dataset(spec);
        Path file = Path.of(taskOrFile);
        ArcTask task;
        List<ArcVariant> variants;
        int firstId;
        ArcCanvas canvas;
        int index = d == null ? -1 : indexOf(d, taskOrFile);
        ArcTask fromFile = index < 0 && Files.isRegularFile(file) ? ArcJson.readTask(file) : null;
        if (fromFile != null && d != null) { // a file of a task the model trained on: its own identifiers
            int i = indexOf(d, fromFile.id());
            if (i >= 0 && d.tasks().get(i).train().equals(fromFile.train())) index = i;
        }
        if (index >= 0) {
            checkModel(model, weights, d);
            task = d.tasks().get(index);
            ArcIdentifiers.Entry e = d.identifiers().tasks().get(index);
            variants = e.variants();
            firstId = e.first();
            canvas = d.canvas();
        } else if (fromFile != null) {
            task = fromFile;
            int side = (int) Math.round(Math.sqrt(model.config.seqLen()));
            if (side * side != model.config.seqLen() || side > ArcGrid.MAX_SIDE)
                throw new TrmException(weights + " takes " + model.config.seqLen() + " tokens: not a square ARC canvas");
            canvas = new ArcCanvas(side);
            // A task the model never trained on has no identifiers of its own: the blank row, 8 transforms.
            variants = ArcAugmenter.variants(task, 8, 0);
            firstId = -1;
        } else {
            throw new TrmException(d == null ? "no task file " + taskOrFile + " (for a task id give --data arc:DIR too)"
                    : "no task " + taskOrFile + " in the dataset, and no such file");
        }
        ArcVoter voter = new ArcVoter();
        try (Inference inf = new Inference(model, batch)) {
            for (int j = 0; j < task.test().size(); j++) {
                ArcGrid in = task.test().get(j).input();
                if (!canvas.fits(in)) throw new TrmException("test input " + j + " of " + task.id() + " does not fit the model's " + canvas.side() + "-canvas");
                List<Sample> samples = new ArrayList<>();
                for (int v = 0; v < variants.size(); v++)
                    samples.add(new Sample(canvas.encode(variants.get(v).apply(in)), null, firstId < 0 ? ArcIdentifiers.BLANK : firstId + v));
                List<ArcEvaluator.Prediction> ps = predictor(inf).predict(samples);
                for (int v = 0; v < variants.size(); v++) {
                    ArcGrid g = canvas.decode(ps.get(v).tokens());
                    if (g != null) voter.vote(task.id(), j, variants.get(v).restore(g), ps.get(v).qHalt());
                }
            }
        }
        List<List<ArcPicture.Panel>> all = new ArrayList<>();
        int solved = 0, known = 0;
        for (int j = 0; j < task.test().size(); j++) {
            List<ArcVoter.Candidate> c = voter.ranked(task.id(), j);
            ArcGrid truth = task.test().get(j).output();
            List<ArcPicture.Panel> panels = new ArrayList<>();
            panels.add(new ArcPicture.Panel("test input " + j, task.test().get(j).input()));
            for (int k = 0; k < 2; k++)
                panels.add(new ArcPicture.Panel(k < c.size() ? "attempt " + (k + 1) + " (" + c.get(k).votes() + (c.get(k).votes() == 1 ? " vote)" : " votes)") : "attempt " + (k + 1),
                        k < c.size() ? c.get(k).grid() : null));
            if (truth != null) panels.add(new ArcPicture.Panel("truth", truth));
            System.out.println(task.id() + ", test input " + j + " (" + variants.size() + " variants, " + c.size() + " distinct answers):");
            System.out.print(ArcPicture.text(panels));
            if (truth != null) {
                known++;
                boolean pass = c.stream().limit(2).anyMatch(x -> x.grid().equals(truth));
                solved += pass ? 1 : 0;
                System.out.println(pass ? "solved (pass@2)" : "not solved");
            }
            System.out.println();
            all.add(panels);
        }
        if (known > 0) System.out.printf("%d of %d test inputs solved within 2 attempts%n", solved, known);
        if (png != null) {
            ArcPicture.png(png, all, 16);
            System.out.println("picture: " + png);
        }
    }

    private static int indexOf(ArcDataset d, String id) {
        for (int i = 0; i < d.tasks().size(); i++) if (d.tasks().get(i).id().equals(id)) return i;
        return -1;
    }

    /** The reference's ARC optimiser settings on top of the Sudoku defaults: puzzle-embedding lr 1e-2, weight decay 0.1. */
    static void arcOptimiser(trm.trainer.TrainOptions.Builder o) {
        o.weightDecay(0.1).puzzleEmbWeightDecay(0.1).puzzleEmbLr(1e-2);
    }
}
