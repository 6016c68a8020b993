package trm.engine.model;

import org.junit.jupiter.api.Test;
import trm.engine.TrmException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Configurations where the reference code and we once parted ways (issue 20): each is now
 * either computed as the reference computes it or refused in one line, never run silently
 * differently.
 */
class ReferenceDifferencesTest {
    private static final String SUDOKU_MLP = TrmConfig.preset("sudoku-mlp").toJson();

    private static TrmConfig with(String key, String value) {
        String json = SUDOKU_MLP.replaceFirst("\"" + key + "\" : [^,\\n]+", "\"" + key + "\" : " + value);
        assertTrue(json.contains("\"" + key + "\" : " + value + ","), "key " + key + " not set in " + json);
        return TrmConfig.fromJson(json, "c.json");
    }

    private static void refused(String expected, Runnable r) {
        TrmException e = assertThrows(TrmException.class, r::run);
        assertTrue(e.getMessage().contains(expected), "message '" + e.getMessage() + "' lacks '" + expected + "'");
        assertTrue(e.getMessage().startsWith("c.json: "), "names the file: " + e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }

    /** (1) The reference sizes 16 prefix positions it never fills and fails; we refuse instead of training a model it cannot load. */
    @Test
    void puzzleEmbLenWithoutPuzzleEmbeddingIsRefused() {
        refused("puzzle_emb_ndim 0 needs puzzle_emb_len 0 (got 16)", () -> with("puzzle_emb_ndim", "0"));
        TrmConfig none = TrmConfig.fromJson(SUDOKU_MLP.replace("\"puzzle_emb_ndim\" : 512", "\"puzzle_emb_ndim\" : 0")
                .replace("\"puzzle_emb_len\" : 16", "\"puzzle_emb_len\" : 0"), "c.json");
        assertEquals(0, none.prefixLen());
        assertEquals(81, none.totalLen());
    }

    /** (2) Python's round is half to even: 2.25 · 171 · 2/3 = 256.5 → 256 → 256 (Math.round would give 257 → 512). */
    @Test
    void swigluWidthRoundsHalfToEvenLikePython() {
        TrmConfig c = with("expansion", "2.25");
        assertEquals(256.5, 2.25 * 171 * 2 / 3, 0.0, "the product is an exact tie");
        assertEquals(256, c.swigluInter(171));
        assertEquals(512, c.swigluInter(172)); // 258 → 512: no tie, rounding up to 256s as before
        assertEquals(256, c.swigluInter(170)); // 255 → 256
        assertEquals(1536, TrmConfig.preset("sudoku-mlp").interChannels()); // 4 · 512 · 2/3 = 1365.33 → 1365 → 1536
    }

    /** (4) HRM's q_continue target is not implemented; the value is refused, not ignored. */
    @Test
    void actContinueIsRefused() {
        refused("no_ACT_continue false", () -> with("no_ACT_continue", "false"));
        assertTrue(with("no_ACT_continue", "true").noActContinue());
    }
}
