package trm.trainer.data;

/** One training or test example as the model sees it: token ids, label ids (0 = ignore), puzzle id. */
public record Sample(int[] inputs, int[] labels, int puzzleId) {}
