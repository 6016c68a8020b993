package trm.trainer.data.maze;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.random.RandomGenerator;

import trm.engine.TrmException;
import trm.trainer.data.Dihedral;
import trm.trainer.data.sudoku.Seeds;

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
     * One sample of an epoch.
     *
     * @param index     the example's index in this dataset
     * @param example   the (possibly transformed) example
     * @param transform the transform applied (identity without augmentation)
     * @param inputs    question tokens, one per cell, row-major
     * @param labels    answer tokens, one per cell
     */
    public record Sample(int index, MazeExample example, Dihedral transform, int[] inputs, int[] labels) {}

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

    /** The sample for example {@code index}, untransformed (evaluation). */
    public Sample sample(int index) {
        return toSample(index, examples.get(index), Dihedral.IDENTITY);
    }

    /**
     * Epoch {@code epoch}: every example once, in an order shuffled from (seed, epoch); with
     * {@code augment}, each seen through a transform drawn from (seed, epoch, position). Epochs are
     * independent, so any epoch can be replayed alone.
     */
    public Iterator<Sample> epoch(long seed, int epoch, boolean augment) {
        if (augment && height != width) {
            throw new TrmException("dihedral augmentation needs square mazes; these are " + height + "x" + width);
        }
        int[] order = permutation(examples.size(), Seeds.random(Seeds.derive(seed, epoch)));
        return new Iterator<>() {
            private int position;

            @Override
            public boolean hasNext() { return position < order.length; }

            @Override
            public Sample next() {
                if (!hasNext()) throw new NoSuchElementException();
                int index = order[position];
                Dihedral t = augment
                        ? Dihedral.of(Seeds.random(Seeds.derive(seed, epoch, position)).nextInt(8))
                        : Dihedral.IDENTITY;
                position++;
                return toSample(index, examples.get(index), t);
            }
        };
    }

    private static Sample toSample(int index, MazeExample e, Dihedral t) {
        MazeExample seen = t == Dihedral.IDENTITY ? e : e.transformed(t);
        return new Sample(index, seen, t, inputTokens(seen), labelTokens(seen));
    }

    private static int[] permutation(int size, RandomGenerator random) {
        int[] p = new int[size];
        for (int i = 0; i < size; i++) p[i] = i;
        for (int i = size - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
