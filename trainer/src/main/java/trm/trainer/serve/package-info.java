/**
 * Continuous batching over halting slots ({@link trm.trainer.serve.SlotScheduler}), shared by
 * {@code trm solve} and {@code trm serve}, and the HTTP server around it
 * ({@link trm.trainer.serve.SolveServer}). Kept apart from trm.trainer.cli so that both the
 * command line and the server (and tests, benchmarks) use it without the picocli layer.
 */
package trm.trainer.serve;
