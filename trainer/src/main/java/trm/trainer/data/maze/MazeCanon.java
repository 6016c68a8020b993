package trm.trainer.data.maze;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import trm.trainer.data.Dihedral;

/**
 * Canonical forms of mazes under the 8 dihedral transforms, so that a test set can share no maze
 * with a training set that is augmented with those transforms (a rotated training maze in the
 * test set would be seen in training).
 *
 * <p>The canonical key of a maze is the smallest, as a string, of its 8 images' questions written
 * as {@code "HxW:"} + the row-major text; two mazes have the same key exactly when one is a
 * transform of the other. Answers do not enter: a maze is its question.
 */
public final class MazeCanon {
    private MazeCanon() {}

    /** The canonical key of the example's question. */
    public static String key(MazeExample e) {
        return key(e.question(), e.height(), e.width());
    }

    /** The canonical key of a question grid (cell codes, row-major). */
    public static String key(int[] question, int height, int width) {
        String best = null;
        for (Dihedral t : Dihedral.values()) {
            String image = t.height(height, width) + "x" + t.width(height, width) + ":"
                    + MazeText.format(t.apply(question, height, width));
            if (best == null || image.compareTo(best) < 0) best = image;
        }
        return best;
    }

    /**
     * The candidates that share no maze, under any transform, with {@code train} nor with an
     * earlier candidate; in their order.
     */
    public static List<MazeExample> heldOut(List<MazeExample> train, List<MazeExample> candidates) {
        Set<String> seen = new HashSet<>();
        for (MazeExample e : train) seen.add(key(e));
        List<MazeExample> kept = new ArrayList<>();
        for (MazeExample e : candidates) if (seen.add(key(e))) kept.add(e);
        return kept;
    }

    /** How many of {@code test}'s mazes appear, under some transform, in {@code train}. */
    public static int overlap(List<MazeExample> train, List<MazeExample> test) {
        Set<String> trainKeys = new HashSet<>();
        for (MazeExample e : train) trainKeys.add(key(e));
        int shared = 0;
        for (MazeExample e : test) if (trainKeys.contains(key(e))) shared++;
        return shared;
    }
}
