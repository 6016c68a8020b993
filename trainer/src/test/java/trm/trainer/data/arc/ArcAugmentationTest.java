package trm.trainer.data.arc;

import org.junit.jupiter.api.Test;
import trm.trainer.data.Sample;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Properties of the variants and of the training samples made from them. */
class ArcAugmentationTest {
    static List<ArcTask> tasks() {
        Random r = new Random(11);
        List<ArcTask> out = new ArrayList<>();
        for (int i = 0; i < 12; i++) out.add(ArcTestData.randomTask(r, "t" + i, "training", 1 + r.nextInt(30), 2 + r.nextInt(9)));
        out.add(ArcTestData.randomTask(r, "two-colours", "training", 3, 2)); // few distinct variants exist
        out.add(new ArcTask("mono", "training", List.of(new ArcPair(new ArcGrid(1, 1, new int[] {0}), new ArcGrid(1, 1, new int[] {0}))),
                List.of(new ArcPair(new ArcGrid(1, 1, new int[] {0}), null)))); // only one variant exists
        return out;
    }

    @Test
    void everyVariantDecodesAndItsInverseRestoresTheTask() {
        for (ArcTask t : tasks()) {
            for (ArcVariant v : ArcAugmenter.variants(t, 60, 5)) {
                ArcTask a = v.apply(t);
                for (int i = 0; i < t.train().size(); i++) {
                    ArcPair o = t.train().get(i), p = a.train().get(i);
                    assertEquals(o.input(), v.restore(ArcCanvas.ARC.decode(ArcCanvas.ARC.encode(p.input()))), t.id() + " " + v);
                    assertEquals(o.output(), v.restore(ArcCanvas.ARC.decode(ArcCanvas.ARC.encode(p.output()))), t.id() + " " + v);
                }
                for (int i = 0; i < t.test().size(); i++)
                    assertEquals(t.test().get(i).input(), v.restore(ArcCanvas.ARC.decode(ArcCanvas.ARC.encode(a.test().get(i).input()))));
            }
        }
    }

    @Test
    void colourZeroIsFixedAndOtherColoursArePermuted() {
        Random r = new Random(2);
        Set<ColourMap> distinct = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            ColourMap m = ColourMap.random(r);
            assertEquals(0, m.apply(0));
            for (int c = 0; c < 10; c++) assertEquals(c, m.inverse().apply(m.apply(c)));
            distinct.add(m);
        }
        assertTrue(distinct.size() > 990, "random maps are spread over the 9! permutations: " + distinct.size());
        for (ArcTask t : tasks())
            for (ArcVariant v : ArcAugmenter.variants(t, 40, 1)) {
                ArcGrid g = t.train().getFirst().input(), a = v.apply(g);
                for (int k = 0; k < g.cells().length; k++) {
                    int target = v.transform().targetIndex(k, g.height(), g.width());
                    assertEquals(g.cells()[k] == 0, a.cells()[target] == 0, "background stays background");
                }
            }
    }

    @Test
    void noTwoVariantsOfATaskAreEqualAndTheOriginalComesFirst() {
        for (ArcTask t : tasks()) {
            List<ArcVariant> vs = ArcAugmenter.variants(t, 200, 9);
            assertEquals(ArcVariant.IDENTITY, vs.getFirst());
            Set<ArcTask> seen = new HashSet<>();
            for (ArcVariant v : vs) assertTrue(seen.add(v.apply(t)), t.id() + ": variant " + v + " repeats another");
            if (t.id().equals("mono")) assertEquals(1, vs.size());
            long colours = java.util.stream.Stream.concat(t.train().stream(), t.test().stream())
                    .flatMapToInt(p -> java.util.stream.IntStream.concat(java.util.Arrays.stream(p.input().cells()),
                            p.output() == null ? java.util.stream.IntStream.empty() : java.util.Arrays.stream(p.output().cells())))
                    .filter(c -> c != 0).distinct().count();
            // one colour besides 0: 8 transforms × 9 recolourings at most; three or more: thousands exist
            if (colours == 1) assertTrue(vs.size() <= 72, t.id() + ": " + vs.size());
            if (colours >= 3) assertEquals(200, vs.size(), "plenty of distinct variants exist for " + t.id());
        }
        // the same seed gives the same variants; another seed others
        ArcTask t = tasks().getFirst();
        assertEquals(ArcAugmenter.variants(t, 50, 3), ArcAugmenter.variants(t, 50, 3));
        assertNotEquals(ArcAugmenter.variants(t, 50, 3), ArcAugmenter.variants(t, 50, 4));
    }

    /** Bounding box of the colour tokens: {top, left, bottom, right} (inclusive), or null. */
    static int[] box(int[] t, int side) {
        int top = side, left = side, bottom = -1, right = -1;
        for (int i = 0; i < t.length; i++)
            if (t[i] >= 2) {
                top = Math.min(top, i / side);
                bottom = Math.max(bottom, i / side);
                left = Math.min(left, i % side);
                right = Math.max(right, i % side);
            }
        return bottom < 0 ? null : new int[] {top, left, bottom, right};
    }

    @Test
    void translationNeverMovesAGridOffTheCanvasAndKeepsOnePairAtTheOrigin() {
        List<ArcTask> ts = tasks();
        List<List<ArcVariant>> vs = ts.stream().map(t -> ArcAugmenter.variants(t, 8, 0)).toList();
        ArcDataset d = new ArcDataset(ArcCanvas.ARC, ts, ArcIdentifiers.of(ts, vs), "evaluation", 7, true);
        int moved = 0;
        for (int t = 0; t < ts.size(); t++)
            for (int p = 0; p < d.trainingPairs(t).size(); p++)
                for (int v = 0; v < vs.get(t).size(); v++) {
                    ArcPair pair = d.trainingPairs(t).get(p);
                    ArcGrid in = vs.get(t).get(v).apply(pair.input()), out = vs.get(t).get(v).apply(pair.output());
                    Sample s = d.trainingSample(t, p, v);
                    int[] bi = box(s.inputs(), 30), bo = box(s.labels(), 30);
                    // every cell is on the canvas: the colour tokens span exactly the grid
                    assertEquals(in.height(), bi[2] - bi[0] + 1);
                    assertEquals(in.width(), bi[3] - bi[1] + 1);
                    assertEquals(out.height(), bo[2] - bo[0] + 1);
                    assertEquals(out.width(), bo[3] - bo[1] + 1);
                    assertEquals(bi[0], bo[0], "input and output share the translation");
                    assertEquals(bi[1], bo[1]);
                    if (p == 0) assertEquals(0, bi[0] + bi[1], "the first pair stays at the origin");
                    if (bi[0] + bi[1] > 0) moved++;
                    assertEquals(vs.get(t).get(v), d.identifiers().lookup(s.puzzleId()).variant());
                }
        assertTrue(moved > 0, "some pairs are translated");
    }

    @Test
    void realTasksAugmentWithoutDuplicates() {
        var tasks = ArcJson.readSubset(ArcBenchmark.challenges(ArcTestData.arcDir(), "training"),
                ArcBenchmark.solutions(ArcTestData.arcDir(), "training"), "training").subList(0, 20);
        for (ArcTask t : tasks) {
            List<ArcVariant> vs = ArcAugmenter.variants(t, 100, 0);
            Set<ArcTask> seen = new HashSet<>();
            for (ArcVariant v : vs) {
                ArcTask a = v.apply(t);
                assertTrue(seen.add(a), t.id());
                for (int i = 0; i < t.test().size(); i++) assertEquals(t.test().get(i).output(), v.restore(a.test().get(i).output()));
            }
        }
    }
}
