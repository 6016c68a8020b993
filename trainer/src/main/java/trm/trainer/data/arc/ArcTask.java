package trm.trainer.data.arc;

import trm.trainer.data.Dihedral;

import java.util.ArrayList;
import java.util.List;

/**
 * One ARC task: demonstration pairs and test pairs (test outputs null when unknown).
 *
 * @param id     the task's identifier in its JSON file, e.g. {@code 007bbfb7}
 * @param subset the file it came from ({@code training}, {@code evaluation}, {@code concept}, …)
 */
public record ArcTask(String id, String subset, List<ArcPair> train, List<ArcPair> test) {
    public ArcTask {
        train = List.copyOf(train);
        test = List.copyOf(test);
    }

    /** The task seen through a variant: every grid transformed, then recoloured. */
    public ArcTask augment(Dihedral t, ColourMap colours) {
        return new ArcTask(id, subset, map(train, t, colours), map(test, t, colours));
    }

    private static List<ArcPair> map(List<ArcPair> pairs, Dihedral t, ColourMap colours) {
        List<ArcPair> out = new ArrayList<>(pairs.size());
        for (ArcPair p : pairs)
            out.add(new ArcPair(colours.apply(p.input().transform(t)), p.output() == null ? null : colours.apply(p.output().transform(t))));
        return out;
    }
}
