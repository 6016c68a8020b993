package trm.engine;

/** Cross-entropy flavours of the lm head. The reference ships stablemax. */
public enum LossKind {
    SOFTMAX, STABLEMAX;

    public static LossKind parse(String s) {
        return switch (s.toLowerCase().replace("_cross_entropy", "").replace("-", "")) {
            case "softmax" -> SOFTMAX;
            case "stablemax" -> STABLEMAX;
            default -> throw new TrmException("unknown loss '" + s + "' (expected softmax or stablemax)");
        };
    }
}
