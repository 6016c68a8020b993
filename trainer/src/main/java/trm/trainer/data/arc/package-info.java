/**
 * ARC-AGI-1 and -2 as the reference builds and scores them (TRM_SPEC §8, issue 19): the JSON
 * reader ({@link trm.trainer.data.arc.ArcJson}), the 30×30 canvas and its tokens
 * ({@link trm.trainer.data.arc.ArcCanvas}), variants — a {@link trm.trainer.data.Dihedral}
 * transform plus a {@link trm.trainer.data.arc.ColourMap} — drawn without duplicates
 * ({@link trm.trainer.data.arc.ArcAugmenter}), one puzzle identifier each
 * ({@link trm.trainer.data.arc.ArcIdentifiers}), the manifest ({@link trm.trainer.data.arc.ArcManifest}),
 * tokens made on the fly ({@link trm.trainer.data.arc.ArcDataset}, {@link trm.trainer.data.arc.ArcSource}),
 * and scoring: the streaming voter, pass@k and the ARC Prize submission
 * ({@link trm.trainer.data.arc.ArcEvaluator}, {@link trm.trainer.data.arc.ArcVoter},
 * {@link trm.trainer.data.arc.PassAtK}, {@link trm.trainer.data.arc.ArcSubmission}).
 * Read in that order.
 */
package trm.trainer.data.arc;
