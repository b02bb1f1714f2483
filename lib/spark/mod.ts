/**
 * The route to Apache Spark MLlib: export a split with the mapped hyper-parameters and the Zig
 * model's RMSE ({@linkcode exportSplit}), then `./run spark DIR` (lib/spark/als.py) fits Spark's
 * ALS on it. See README "Running on a cluster".
 *
 * @module
 */
export * from "./export.ts";
export * from "./ratings_file.ts";
