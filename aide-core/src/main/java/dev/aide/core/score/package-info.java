/**
 * Metrics that the harness computes itself from a task's true labels and a solution's predictions:
 * {@link dev.aide.core.score.ScoreMetric} and the built-ins in {@link
 * dev.aide.core.score.ScoreMetrics} (accuracy, balanced accuracy, ROC AUC, log loss, F1, RMSE,
 * RMSLE, MAE, R²), found by name with {@link dev.aide.core.score.ScoreMetrics#named}.
 */
@NullMarked
package dev.aide.core.score;

import org.jspecify.annotations.NullMarked;
