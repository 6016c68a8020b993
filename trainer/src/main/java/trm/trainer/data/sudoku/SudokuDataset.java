package trm.trainer.data.sudoku;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.random.RandomGenerator;
import java.util.stream.IntStream;

import trm.engine.TrmException;
import trm.trainer.data.Sample;
import trm.trainer.data.Seeds;

/**
 * A fixed list of Sudoku examples of one geometry, with seeded epochs and subsamples, turned
 * into model samples by the geometry's {@link SudokuTask} (question → inputs, answer → labels).
 */
public final class SudokuDataset {
    private final List<SudokuExample> examples;
    private final SudokuGeometry geometry;
    private final SudokuTask task;

    /**
     * One draw of an epoch.
     *
     * @param index   the example's index in this dataset
     * @param example the (possibly augmented) example
     * @param sample  what the model sees of it: question tokens, answer tokens, puzzle id 0
     */
    public record Draw(int index, SudokuExample example, Sample sample) {}

    public SudokuDataset(List<SudokuExample> examples) {
        if (examples.isEmpty()) throw new TrmException("a Sudoku dataset needs at least one puzzle");
        this.examples = List.copyOf(examples);
        this.geometry = examples.getFirst().geometry();
        this.task = SudokuTask.of(geometry);
        for (int i = 0; i < this.examples.size(); i++) {
            if (this.examples.get(i).geometry() != geometry) {
                throw new TrmException("puzzle " + i + " is " + this.examples.get(i).geometry()
                        + " but the dataset is " + geometry);
            }
        }
    }

    /** Every row of a Sudoku-Extreme style CSV file. */
    public static SudokuDataset load(Path csv) {
        List<SudokuExample> examples = SudokuCsv.readAll(csv);
        if (examples.isEmpty()) throw new TrmException(csv + ": no puzzles after the header");
        return new SudokuDataset(examples);
    }

    /**
     * {@code count} rows drawn uniformly without replacement while streaming the CSV once
     * (reservoir sampling), so that a 3.8M-row file never sits in memory; kept in file order and
     * determined by {@code seed}. (Not the same draw as {@code load(csv).subsample(count, seed)}.)
     */
    public static SudokuDataset loadSubsample(Path csv, int count, long seed) {
        if (count < 1) throw new TrmException("cannot take " + count + " puzzles: the count must be positive");
        RandomGenerator random = Seeds.random(seed);
        SudokuExample[] kept = new SudokuExample[count];
        long[] rowOfKept = new long[count];
        long rows = 0;
        try (SudokuCsv.Reader reader = SudokuCsv.open(csv)) {
            while (reader.hasNext()) {
                SudokuExample e = reader.next();
                long slot = rows < count ? rows : random.nextLong(rows + 1);
                if (slot < count) {
                    kept[(int) slot] = e;
                    rowOfKept[(int) slot] = rows;
                }
                rows++;
            }
        }
        if (rows < count) throw new TrmException("cannot take " + count + " puzzles from " + csv + ": it has " + rows);
        Integer[] byRow = new Integer[count];
        for (int i = 0; i < count; i++) byRow[i] = i;
        Arrays.sort(byRow, (a, b) -> Long.compare(rowOfKept[a], rowOfKept[b]));
        return new SudokuDataset(Arrays.stream(byRow).map(i -> kept[i]).toList());
    }

    public int size() { return examples.size(); }
    public SudokuExample get(int index) { return examples.get(index); }
    public List<SudokuExample> examples() { return examples; }
    public SudokuGeometry geometry() { return geometry; }
    public SudokuTask task() { return task; }

    /** Example {@code index} without augmentation (evaluation). */
    public Draw draw(int index) {
        return toDraw(index, examples.get(index));
    }

    /** Every example once, unaugmented, in order: a test set. */
    public List<Sample> testSamples() {
        return IntStream.range(0, examples.size()).mapToObj(i -> draw(i).sample()).toList();
    }

    /**
     * {@code count} distinct examples drawn without replacement, determined by {@code seed}, kept
     * in their original order (the reference trains on a random 1000-puzzle subset).
     */
    public SudokuDataset subsample(int count, long seed) {
        if (count < 1 || count > examples.size()) {
            throw new TrmException("cannot take " + count + " puzzles from a dataset of " + examples.size());
        }
        int[] indices = Seeds.permutation(examples.size(), Seeds.random(seed));
        int[] chosen = Arrays.copyOf(indices, count);
        Arrays.sort(chosen);
        return new SudokuDataset(Arrays.stream(chosen).mapToObj(examples::get).toList());
    }

    /**
     * Epoch {@code epoch}: every example exactly once, in an order shuffled from (seed, epoch),
     * each freshly augmented (if asked) from (seed, epoch, position). Epochs are independent, so
     * any epoch can be replayed without running the ones before it.
     */
    public Iterator<Draw> epoch(long seed, int epoch, boolean augment) {
        return Seeds.epoch(examples.size(), seed, epoch, (index, position) -> {
            SudokuExample e = examples.get(index);
            if (augment) {
                RandomGenerator random = Seeds.random(Seeds.derive(seed, epoch, position));
                e = SudokuAugmentation.random(geometry, random).apply(e);
            }
            return toDraw(index, e);
        });
    }

    private Draw toDraw(int index, SudokuExample e) {
        return new Draw(index, e, new Sample(task.encode(e.question()), task.encode(e.answer()), 0));
    }

}
