package trm.trainer.data.arc;

/**
 * An input grid and its output; the output is null for a test input whose solution is not known.
 */
public record ArcPair(ArcGrid input, ArcGrid output) {}
