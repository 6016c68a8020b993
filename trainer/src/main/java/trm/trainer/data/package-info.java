/**
 * The data contract between tasks and the trainer: a {@link trm.trainer.data.Sample} is what the
 * model sees (tokens, labels, puzzle id), a {@link trm.trainer.data.SampleSource} a deterministic
 * stream of them for training, and a {@link trm.trainer.data.Task} what solving needs (parse a
 * puzzle, tokens both ways, render, check an answer).
 *
 * <p>One package per task owns everything about its data: its file formats and parsing, its
 * tokens (the same encode/decode for training, evaluation and solving), its augmentation and its
 * rendering — {@code data.sudoku} and {@code data.maze}; {@code data.arc} comes the same way. Shared
 * helpers: {@link trm.trainer.data.Seeds} (seeded randomness) and {@link trm.trainer.data.Dihedral}
 * (the 8 grid symmetries, numbered as the reference).
 * The trainer depends only on this package; the command line only wires a task's package to it.
 */
package trm.trainer.data;
