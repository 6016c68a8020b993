package trm.trainer.data.maze;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;

import trm.engine.TrmException;
import trm.trainer.data.Dihedral;
import trm.trainer.data.Sample;
import trm.trainer.data.Seeds;

/**
 * A fixed list of mazes of one size, turned into model tokens.
 *
 * <p>Tokens: a cell's token is its index in {@code "# SGo"} + 1 ({@link MazeCell#token()}),
 * PAD = 0, vocabulary 6; inputs are the question's cells, labels the answer's, and every cell is
 * supervised (TRM_SPEC §8). Training epochs are shuffled and, if asked, each sample is seen
 * through one of the 8 dihedral transforms drawn from (seed, epoch, position) — square mazes
 * only, since a transpose would change a non-square maze's shape.
 */
public final class MazeDataset {
    private final List<MazeExample> examples;
    private final int height;
    private final int width;

    /**
     * One draw of an epoch.
     *
     * @param index     the example's index in this dataset
     * @param example   the (possibly transformed) example
     * @param transform the transform applied (identity without augmentation)
     * @param sample    what the model sees: question tokens, answer tokens (one per cell, row-major), puzzle id 0
     */
    public record Draw(int index, MazeExample example, Dihedral transform, Sample sample) {}

    public MazeDataset(List<MazeExample> examples) {
        if (examples.isEmpty()) throw new TrmException("a maze dataset needs at least one maze");
        this.examples = List.copyOf(examples);
        this.height = examples.getFirst().height();
        this.width = examples.getFirst().width();
        for (int i = 0; i < this.examples.size(); i++) {
            MazeExample e = this.examples.get(i);
            if (e.height() != height || e.width() != width) {
                throw new TrmException("maze " + i + " is " + e.height() + "x" + e.width() + " but the dataset is " + height + "x" + width);
            }
        }
    }

    /** A Maze-Hard CSV ({@code .csv}) or a block-form text file (anything else). */
    public static MazeDataset load(Path file) {
        boolean csv = String.valueOf(file.getFileName()).toLowerCase(java.util.Locale.ROOT).endsWith(".csv");
        return new MazeDataset(csv ? MazeCsv.readAll(file) : MazeText.readExamples(file));
    }

    public int size() { return examples.size(); }
    public MazeExample get(int index) { return examples.get(index); }
    public List<MazeExample> examples() { return examples; }
    public int height() { return height; }
    public int width() { return width; }
    public int vocabSize() { return MazeCell.VOCAB_SIZE; }
    public int sequenceLength() { return height * width; }

    /** Question tokens: cell code + 1. */
    public static int[] inputTokens(MazeExample e) {
        int[] tokens = new int[e.cellCount()];
        for (int c = 0; c < tokens.length; c++) tokens[c] = e.question(c) + 1;
        return tokens;
    }

    /** Answer tokens: cell code + 1; every cell is a target. */
    public static int[] labelTokens(MazeExample e) {
        int[] tokens = new int[e.cellCount()];
        for (int c = 0; c < tokens.length; c++) tokens[c] = e.answer(c) + 1;
        return tokens;
    }

    /** The cell codes of predicted tokens (token - 1); PAD or out-of-range tokens become -1. */
    public static int[] cellsOfTokens(int[] tokens) {
        int[] cells = new int[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            int t = tokens[i];
            cells[i] = t >= 1 && t <= MazeCell.VOCAB_SIZE - 1 ? t - 1 : -1;
        }
        return cells;
    }

    /** {@code count} distinct mazes drawn without replacement, determined by {@code seed}, in their original order. */
    public MazeDataset subsample(int count, long seed) {
        if (count < 1 || count > examples.size()) throw new TrmException("cannot take " + count + " mazes from a dataset of " + examples.size());
        int[] chosen = java.util.Arrays.copyOf(Seeds.permutation(examples.size(), Seeds.random(seed)), count);
        java.util.Arrays.sort(chosen);
        return new MazeDataset(java.util.Arrays.stream(chosen).mapToObj(examples::get).toList());
    }

    /** The draw of example {@code index}, untransformed (evaluation). */
    public Draw draw(int index) {
        return toDraw(index, examples.get(index), Dihedral.IDENTITY);
    }

    /** Every example once, untransformed, in order: a test set. */
    public List<Sample> testSamples() {
        return examples.stream().map(MazeDataset::sampleOf).toList();
    }

    /** The model's view of an example: question tokens, answer tokens, puzzle id 0. */
    public static Sample sampleOf(MazeExample e) {
        return new Sample(inputTokens(e), labelTokens(e), 0);
    }

    /**
     * Epoch {@code epoch}: every example once, in an order shuffled from (seed, epoch); with
     * {@code augment}, each seen through a transform drawn from (seed, epoch, position). Epochs are
     * independent, so any epoch can be replayed alone.
     */
    public Iterator<Draw> epoch(long seed, int epoch, boolean augment) {
        if (augment && height != width) {
            throw new TrmException("dihedral augmentation needs square mazes; these are " + height + "x" + width);
        }
        return Seeds.epoch(examples.size(), seed, epoch, (index, position) -> {
            Dihedral t = augment
                    ? Dihedral.of(Seeds.random(Seeds.derive(seed, epoch, position)).nextInt(8))
                    : Dihedral.IDENTITY;
            return toDraw(index, examples.get(index), t);
        });
    }

    private static Draw toDraw(int index, MazeExample e, Dihedral t) {
        MazeExample seen = t == Dihedral.IDENTITY ? e : e.transformed(t);
        return new Draw(index, seen, t, sampleOf(seen));
    }

}
