package trm.engine.model;

/** Small configurations that exercise every code path in milliseconds. */
public final class TinyConfigs {
    private TinyConfigs() {}

    /**
     * D 16, 2 heads, 2 layers, seq 6 + prefix 2 (ndim 20 &lt; 2·16, so the row is zero-padded), vocab 5, 3 puzzle ids;
     * pos "rope2d" takes seq 9 (a 3×3 grid: rope2d needs a square).
     */
    public static TrmConfig tiny(boolean mlpT, String pos, int hCycles, int lCycles) {
        return TrmConfig.builder().hiddenSize(16).numHeads(2).expansion(2).layers(2).hCycles(hCycles).lCycles(lCycles)
                .mlpT(mlpT).posEncoding(PosEncoding.parse(pos)).puzzleEmbNdim(20).puzzleEmbLen(2).haltMaxSteps(4)
                .seqLen(pos.equals("rope2d") ? 9 : 6).vocabSize(5).numPuzzleIdentifiers(3).build();
    }
}
