package trm.trainer.serve;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import trm.engine.TrmException;
import trm.engine.model.TrmModel;
import trm.trainer.Inference;
import trm.trainer.data.Sample;
import trm.trainer.data.sudoku.SudokuTask;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Continuous batching: the same answers as one puzzle at a time, in fewer device steps than lock-step batches. */
class SlotSchedulerTest {
    static TrmModel model;
    static SudokuTask task;
    static List<int[]> inputs;

    @BeforeAll
    static void load() {
        model = ShippedModel.load();
        task = SudokuTask.forCellCountOrNull(model.config.seqLen());
        inputs = ShippedModel.puzzles(24, 11).stream().map(task::encode).toList();
    }

    /** Inference with a batch of 1: {@code trm solve}'s path before the scheduler, one puzzle per pass. */
    static List<Inference.Answer> onePerPass(TrmModel model, List<int[]> in, boolean earlyHalt, boolean trace) {
        Inference inf = new Inference(model, 1);
        List<Inference.Answer> out = new ArrayList<>();
        for (int[] t : in) out.add(inf.solve(List.of(new Sample(t, null, 0)), earlyHalt, trace).getFirst());
        return out;
    }

    static void assertSameAnswer(Inference.Answer want, Inference.Answer got, String what) {
        assertArrayEquals(want.prediction(), got.prediction(), what + ": grid");
        assertEquals(want.stepsUsed(), got.stepsUsed(), what + ": steps");
        assertEquals(Float.floatToIntBits(want.qHalt()), Float.floatToIntBits(got.qHalt()), what + ": q_halt bits");
        assertEquals(want.halted(), got.halted(), what + ": halted");
        assertEquals(want.trace().size(), got.trace().size(), what + ": trace length");
        for (int s = 0; s < want.trace().size(); s++) assertArrayEquals(want.trace().get(s), got.trace().get(s), what + ": trace step " + (s + 1));
    }

    @ParameterizedTest(name = "early halt {0}")
    @ValueSource(booleans = {true, false})
    void answersBitForBitAsOnePuzzleAtATime(boolean earlyHalt) {
        List<Inference.Answer> want = onePerPass(model, inputs, earlyHalt, true);
        SlotScheduler s = new SlotScheduler(model, 5, inputs.size()); // 5: slots refill at uneven places
        List<SlotScheduler.Result> got = s.solveAll(inputs, s.options(earlyHalt, true));
        for (int i = 0; i < inputs.size(); i++) assertSameAnswer(want.get(i), got.get(i).answer(), "puzzle " + i);
        if (!earlyHalt) for (SlotScheduler.Result r : got) assertEquals(model.config.haltMaxSteps(), r.answer().stepsUsed());
    }

    @Test
    void refillingHaltedSlotsTakesFewerDeviceStepsThanLockStep() {
        int B = 8;
        List<Inference.Answer> single = onePerPass(model, inputs, true, false);
        int min = single.stream().mapToInt(Inference.Answer::stepsUsed).min().orElseThrow();
        int max = single.stream().mapToInt(Inference.Answer::stepsUsed).max().orElseThrow();
        assertTrue(min < max, "the puzzles must need different step counts for the comparison to mean anything: " + min + ".." + max);
        // Lock-step (Inference.solve with a batch of B): each batch runs until its slowest puzzle halts.
        int lockStep = 0, total = 0;
        for (int from = 0; from < single.size(); from += B) {
            int slowest = 0;
            for (int i = from; i < Math.min(single.size(), from + B); i++) slowest = Math.max(slowest, single.get(i).stepsUsed());
            lockStep += slowest;
        }
        for (Inference.Answer a : single) total += a.stepsUsed();
        SlotScheduler s = new SlotScheduler(model, B, inputs.size());
        List<SlotScheduler.Result> got = s.solveAll(inputs, s.options(true, false));
        for (int i = 0; i < inputs.size(); i++) assertSameAnswer(single.get(i), got.get(i).answer(), "puzzle " + i);
        long steps = s.deviceSteps();
        System.out.printf("%d puzzles needing %d..%d steps (%d in all), %d slots: continuous batching %d device steps, lock-step %d%n",
                inputs.size(), min, max, total, B, steps, lockStep);
        assertTrue(steps < lockStep, "continuous batching took " + steps + " device steps, lock-step " + lockStep);
        assertTrue(steps >= (total + B - 1) / B, "fewer device steps (" + steps + ") than slot-steps allow (" + total + " / " + B + ")");
        assertEquals(inputs.size(), s.answered());
        assertEquals(0, s.occupied());
    }

    @Test
    void maxStepsStopsEverySlotThere() {
        SlotScheduler s = new SlotScheduler(model, 4, 10);
        List<SlotScheduler.Result> got = s.solveAll(inputs.subList(0, 10), new SlotScheduler.Options(2, false, false));
        for (SlotScheduler.Result r : got) assertEquals(2, r.answer().stepsUsed());
        assertEquals(3 * 2, s.deviceSteps()); // 10 puzzles in 4 slots, 2 steps each: 3 waves
        assertThrows(TrmException.class, () -> s.submit(inputs.subList(0, 1), new SlotScheduler.Options(0, true, false)));
        assertThrows(TrmException.class, () -> s.submit(inputs.subList(0, 1), new SlotScheduler.Options(7, true, false)));
    }

    @Test
    void aCancelledRequestFreesItsSlotAtTheNextStep() throws InterruptedException {
        SlotScheduler s = new SlotScheduler(model, 1, 2);
        SlotScheduler.Options all = new SlotScheduler.Options(model.config.haltMaxSteps(), false, false);
        SlotScheduler.Ticket a = s.submit(inputs.subList(0, 1), all).getFirst();
        SlotScheduler.Ticket b = s.submit(inputs.subList(1, 2), all).getFirst();
        assertTrue(s.round()); // a takes the slot and runs one step; b waits
        assertEquals(1, s.occupied());
        assertEquals(1, s.queued());
        a.cancel();
        s.runUntilIdle();
        assertThrows(CancellationException.class, a.result::join);
        assertEquals(model.config.haltMaxSteps(), b.result.join().answer().stepsUsed());
        assertEquals(1, s.cancelled());
        assertEquals(1, s.answered());
        assertEquals(1 + model.config.haltMaxSteps(), s.deviceSteps(), "a ran one step, then b all of its");
    }

    @Test
    void theQueueBoundIsHeldAllOrNone() {
        SlotScheduler s = new SlotScheduler(model, 2, 3);
        SlotScheduler.Options o = s.options(true, false);
        var e = assertThrows(SlotScheduler.Refused.class, () -> s.submit(inputs.subList(0, 4), o));
        assertEquals(SlotScheduler.Refusal.QUEUE_FULL, e.reason);
        assertEquals(0, s.queued(), "a refused list leaves nothing behind");
        s.submit(inputs.subList(0, 2), o);
        s.submit(inputs.subList(2, 3), o);
        assertEquals(SlotScheduler.Refusal.QUEUE_FULL, assertThrows(SlotScheduler.Refused.class, () -> s.submit(inputs.subList(3, 4), o)).reason);
        s.runUntilIdle();
        assertEquals(3, s.answered());
        assertThrows(TrmException.class, () -> s.submit(List.of(new int[5]), o), "a puzzle of the wrong length");
    }
}
