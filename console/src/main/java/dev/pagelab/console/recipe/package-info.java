/**
 * Recipes: TOML files parsed into steps with expectations ({@link dev.pagelab.console.recipe.RecipeParser}), what a
 * machine must offer to run them ({@link dev.pagelab.console.recipe.RecipeRequirements}), the figures a report
 * offers to expectations ({@link dev.pagelab.console.recipe.Observations}) and the player that replays them step by
 * step, automatically or as a check.
 */
package dev.pagelab.console.recipe;
