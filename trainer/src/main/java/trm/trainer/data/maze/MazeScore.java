package trm.trainer.data.maze;

import java.util.Arrays;
import java.util.List;

/**
 * How many of a model's maze answers are right, counted two ways: <b>exact</b> (every cell equals
 * the label, the metric the paper reports) and <b>valid shortest path</b> (the answer marks some
 * shortest S→G path and changes nothing else, {@link MazeRules#answerProblem}). They differ only
 * on mazes with several shortest paths, where an answer can be right without being the label;
 * {@link #otherShortest} counts those. Our generated mazes have one shortest path each, so there
 * the two agree; a real Maze-Hard file may have ties.
 *
 * @param count         mazes scored
 * @param exact         answers equal to the label
 * @param validShortest answers that mark a shortest path (exact ones included)
 */
public record MazeScore(int count, int exact, int validShortest) {

    /** Scores predicted tokens against the examples (same order, same size). */
    public static MazeScore of(List<MazeExample> examples, List<int[]> predictedTokens) {
        if (examples.size() != predictedTokens.size()) {
            throw new IllegalArgumentException(examples.size() + " mazes but " + predictedTokens.size() + " answers");
        }
        int exact = 0;
        int valid = 0;
        for (int i = 0; i < examples.size(); i++) {
            MazeExample e = examples.get(i);
            int[] answer = MazeDataset.cellsOfTokens(predictedTokens.get(i));
            if (Arrays.equals(answer, e.answer())) exact++;
            if (MazeRules.answerProblem(e.height(), e.width(), e.question(), answer) == null) valid++;
        }
        return new MazeScore(examples.size(), exact, valid);
    }

    /** Valid shortest paths that are not the label. */
    public int otherShortest() { return validShortest - exact; }

    public double exactAccuracy() { return count == 0 ? 0 : (double) exact / count; }

    public double validShortestAccuracy() { return count == 0 ? 0 : (double) validShortest / count; }

    /** "exact 0.9100 (182/200), valid shortest path 0.9150 (183/200; 1 other than the label)". */
    public String summary() {
        return String.format("exact %.4f (%d/%d), valid shortest path %.4f (%d/%d; %d other than the label)",
                exactAccuracy(), exact, count, validShortestAccuracy(), validShortest, count, otherShortest());
    }
}
