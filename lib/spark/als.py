"""The project's ALS on Apache Spark MLlib, from an export made by `./run deno task export`.

    ./run spark DIR                     fit on DIR/train, score DIR/test, write DIR/spark/
    ./run spark DIR --master local[1]   one core; any Spark master works the same way
    spark-submit --master spark://host:7077 lib/spark/als.py DIR --checkpoint-dir hdfs:///tmp/ckpt

Reads DIR/export.json (written by lib/spark/export.ts) and the train / validation / test tables
(Parquet or CSV, raw MovieLens ids), fits `pyspark.ml.recommendation.ALS` on the objective the
Zig ALS of the export was fitted on, and writes DIR/spark/predictions (Parquet: userId, movieId,
rating, prediction) and DIR/spark/spark.json (RMSEs, counts, seconds, the Zig figures beside).

The mapping, exactly (lib/spark/export.ts derives it):

    project (lib/models/als.ts)                      Spark ALS
    K                                                rank
    epochs (one user half-step + one item half-step) maxIter (the same two half-steps)
    lambda with ALS-WR (weighted: lambda * n_u)      regParam (Spark always scales by n_u, n_i)
    mu + b_u + b_i + x_u.y_i with b pinned at 0      x_u.y_i fitted on r - mu, mu added back
    predictions clamped to [0.5, 5]                  the same clamp applied here

coldStartStrategy: a test pair whose user or movie has no training rating has no factors in
Spark. With "drop" (the default here, and what an evaluator needs) such rows are removed from
the predictions, so RegressionEvaluator scores only the known pairs. With "nan" they are kept
with prediction NaN, and RegressionEvaluator's RMSE is then NaN (any NaN poisons the mean);
this program reports both the RMSE over known pairs and the RMSE over all pairs with unknown
ones predicted as mu (which is what the Zig model predicts for them).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import shutil
import sys
import tempfile
import time

INT_MAX = 2**31 - 1


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="als.py",
        description="Spark MLlib ALS on an export of lib/spark/export.ts",
    )
    p.add_argument("export", help="the export folder (holds export.json)")
    p.add_argument("--master", default=None,
                   help="Spark master; default local[2] (spark-submit's --master wins)")
    p.add_argument("--out", default=None, help="output folder; default EXPORT/spark")
    p.add_argument("--cold-start", choices=["drop", "nan"], default="drop",
                   help="coldStartStrategy for Spark's own evaluator (default drop)")
    p.add_argument("--blocks", type=int, default=None,
                   help="numUserBlocks = numItemBlocks (default: the cores of a local[n] master, "
                        "else Spark's 10)")
    p.add_argument("--checkpoint-dir", default=None,
                   help="checkpoint folder; every --checkpoint-interval iterations the factor "
                        "lineage is cut (needed beyond ~30 iterations on a cluster)")
    p.add_argument("--checkpoint-interval", type=int, default=10)
    p.add_argument("--driver-memory", default="2g")
    p.add_argument("--time-iterations", action="store_true",
                   help="also fit with maxIter = 1 and report (t(maxIter) - t(1)) / (maxIter - 1) "
                        "as seconds per iteration")
    p.add_argument("--quiet", action="store_true", help="only the closing summary lines")
    args = p.parse_args(argv)
    if args.blocks is not None and not 1 <= args.blocks <= 10_000:
        p.error(f"--blocks expects a whole number in 1..10000, got {args.blocks}")
    if not 1 <= args.checkpoint_interval <= 10_000:
        p.error(f"--checkpoint-interval expects 1..10000, got {args.checkpoint_interval}")
    return args


class ExportError(Exception):
    """A problem with the export folder: named file, what was expected."""


def read_manifest(folder: str) -> dict:
    path = os.path.join(folder, "export.json")
    if not os.path.isfile(path):
        raise ExportError(f"{path}: not found; make an export first with "
                          f"./run deno task export --out {folder}")
    try:
        with open(path, encoding="utf-8") as f:
            manifest = json.load(f)
    except (OSError, ValueError) as e:
        raise ExportError(f"{path}: not readable JSON ({e})") from e
    if manifest.get("version") != 1:
        raise ExportError(f"{path}: version {manifest.get('version')!r}, expected 1")
    for key in ("format", "files", "mu", "rating_scale", "spark", "zig", "counts"):
        if key not in manifest:
            raise ExportError(f"{path}: field {key!r} missing")
    if manifest["format"] not in ("parquet", "csv"):
        raise ExportError(f"{path}: format {manifest['format']!r}, expected parquet or csv")
    for name in ("train", "validation", "test"):
        table = os.path.join(folder, manifest["files"][name])
        if not os.path.isfile(table):
            raise ExportError(f"{table}: not found (export.json lists it)")
    return manifest


def start_spark(master: str | None, driver_memory: str):
    from pyspark.sql import SparkSession

    # The JVM picks its own address before any config is read; on a laptop that is the loopback
    # or the LAN address. Locally everything stays on 127.0.0.1 (spark-submit users set their own).
    if "PYSPARK_GATEWAY_PORT" not in os.environ:
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    builder = (
        SparkSession.builder.appName("recsys-als")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.memory", driver_memory)
        .config("spark.sql.shuffle.partitions", "4")
    )
    # Under spark-submit (which starts this process from its JVM and passes the gateway port)
    # the master comes from --master; a master set here would override it. Only a plain
    # `python als.py` needs one.
    if master is not None:
        builder = builder.master(master)
    elif "PYSPARK_GATEWAY_PORT" not in os.environ:
        builder = builder.master("local[2]")
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def read_table(spark, folder: str, manifest: dict, name: str):
    from pyspark.sql import functions as F
    from pyspark.sql.types import FloatType, LongType, StructField, StructType

    path = os.path.join(folder, manifest["files"][name])
    schema = StructType([
        StructField("userId", LongType(), False),
        StructField("movieId", LongType(), False),
        StructField("rating", FloatType(), False),
        StructField("timestamp", LongType(), False),
    ])
    if manifest["format"] == "parquet":
        df = spark.read.parquet(path)
        got = [(f.name, f.dataType.simpleString()) for f in df.schema.fields]
        want = [(f.name, f.dataType.simpleString()) for f in schema.fields]
        if got != want:
            raise ExportError(f"{path}: columns {got}, expected {want}")
    else:
        df = spark.read.csv(path, header=True, schema=schema, mode="FAILFAST")
    # Spark's ALS takes ids in the Integer range only; MovieLens ids may reach 2^32 - 1.
    row = df.agg(F.max("userId").alias("u"), F.max("movieId").alias("i"),
                 F.count("*").alias("n")).first()
    for column, top in (("userId", row["u"]), ("movieId", row["i"])):
        if top is not None and top > INT_MAX:
            raise ExportError(f"{path}: {column} {top} is above 2^31 - 1, the largest id "
                              "Spark's ALS accepts; re-map the ids densely before Spark")
    if row["n"] != manifest["counts"][name]:
        raise ExportError(f"{path}: {row['n']} ratings, export.json says "
                          f"{manifest['counts'][name]}")
    return df


def make_als(manifest: dict, args: argparse.Namespace, max_iter: int):
    from pyspark.ml.recommendation import ALS

    s = manifest["spark"]
    als = ALS(
        rank=s["rank"], maxIter=max_iter, regParam=s["regParam"], implicitPrefs=False,
        nonnegative=False, seed=s["seed"], userCol="userId", itemCol="movieId", ratingCol="r",
        coldStartStrategy="nan", checkpointInterval=args.checkpoint_interval,
    )
    blocks = args.blocks
    if blocks is None and args.local_cores is not None:
        blocks = args.local_cores  # one block per core: Spark's 10 only add tasks on one machine
    if blocks is not None:
        als.setNumUserBlocks(blocks).setNumItemBlocks(blocks)
    return als


def fit_timed(als, train) -> tuple[object, float]:
    started = time.perf_counter()
    model = als.fit(train)  # materialises both factor tables before returning
    return model, time.perf_counter() - started


def score(model, df, mu: float, scale: list[float], cold_start: str):
    """RMSEs of mu + x_u.y_i, clamped: known pairs, all pairs (unknown as mu), Spark's evaluator."""
    from pyspark.ml.evaluation import RegressionEvaluator
    from pyspark.sql import functions as F

    lo, hi = scale
    pred = model.transform(df).withColumn(
        "prediction",
        F.when(F.isnan("prediction"), F.lit(None)).otherwise(
            F.least(F.lit(hi), F.greatest(F.lit(lo), F.col("prediction") + F.lit(mu)))),
    )
    pred = pred.cache()  # scored twice below, and written for the test table
    sq = (F.col("rating") - F.col("prediction")) ** 2
    sq_all = (F.col("rating") - F.coalesce(F.col("prediction"),
                                           F.lit(min(hi, max(lo, mu))))) ** 2
    row = pred.agg(
        F.count("*").alias("n"), F.count("prediction").alias("known"),
        F.avg(sq).alias("mse_known"), F.avg(sq_all).alias("mse_all"),
    ).first()
    # What RegressionEvaluator says under each coldStartStrategy (NaN rows kept or dropped).
    nan_rows = pred.withColumn("prediction", F.coalesce(F.col("prediction"), F.lit(float("nan"))))
    evaluated = nan_rows if cold_start == "nan" else nan_rows.na.drop(subset=["prediction"]) \
        .filter(~F.isnan("prediction"))
    evaluator = RegressionEvaluator(metricName="rmse", labelCol="rating",
                                    predictionCol="prediction")
    evaluator_rmse = evaluator.evaluate(evaluated) if row["known"] > 0 or cold_start == "nan" \
        else None
    root = (lambda x: None if x is None else math.sqrt(x))
    return pred, {
        "count": row["n"],
        "count_known": row["known"],
        "rmse_known": root(row["mse_known"]),
        "rmse_all": root(row["mse_all"]),
        "evaluator_rmse": evaluator_rmse,
    }


def fmt(x) -> str:
    return "–" if x is None else ("NaN" if isinstance(x, float) and math.isnan(x) else f"{x:.4f}")


def json_safe(x):
    """NaN (what an evaluator says under coldStartStrategy "nan") as the string "NaN": JSON has
    no NaN, and readers such as JSON.parse refuse Python's bare NaN."""
    if isinstance(x, float) and not math.isfinite(x):
        return "NaN" if math.isnan(x) else ("Infinity" if x > 0 else "-Infinity")
    if isinstance(x, dict):
        return {k: json_safe(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [json_safe(v) for v in x]
    return x


def write_outputs(out: str, pred, report: dict) -> None:
    os.makedirs(out, exist_ok=True)
    target = os.path.join(out, "predictions")
    tmp = tempfile.mkdtemp(prefix=".predictions-", dir=out)
    os.rmdir(tmp)  # Spark creates it
    pred.select("userId", "movieId", "rating", "prediction").write.parquet(tmp)
    if os.path.exists(target):
        shutil.rmtree(target)
    os.replace(tmp, target)
    fd, tmp_json = tempfile.mkstemp(prefix=".spark-", suffix=".json", dir=out)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(json_safe(report), f, indent=2, allow_nan=False)
        f.write("\n")
    os.replace(tmp_json, os.path.join(out, "spark.json"))


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    log = (lambda *a: None) if args.quiet else (lambda *a: print(*a, flush=True))
    manifest = read_manifest(args.export)
    out = args.out or os.path.join(args.export, "spark")
    spark = start_spark(args.master, args.driver_memory)
    try:
        if args.checkpoint_dir:
            spark.sparkContext.setCheckpointDir(args.checkpoint_dir)
        master = spark.sparkContext.master
        local = re.fullmatch(r"local\[(\d+)\]", master)
        args.local_cores = int(local.group(1)) if local else (1 if master == "local" else None)
        log(f"spark {spark.version} on {master}, export {args.export} ({manifest['format']})")
        mu = float(manifest["mu"])
        scale = manifest["rating_scale"]
        from pyspark.sql import functions as F

        tables = {n: read_table(spark, args.export, manifest, n)
                  for n in ("train", "validation", "test")}
        train = tables["train"].withColumn("r", F.col("rating") - F.lit(mu)).cache()
        train.count()
        s = manifest["spark"]
        per_iteration = None
        if args.time_iterations and s["maxIter"] > 1:
            _, t1 = fit_timed(make_als(manifest, args, 1), train)
        model, seconds = fit_timed(make_als(manifest, args, s["maxIter"]), train)
        if args.time_iterations and s["maxIter"] > 1:
            per_iteration = (seconds - t1) / (s["maxIter"] - 1)
        log(f"ALS rank {s['rank']}, maxIter {s['maxIter']}, regParam {s['regParam']} on "
            f"r - mu (mu = {mu:.4f}): fitted in {seconds:.2f} s"
            + ("" if per_iteration is None else f", {per_iteration:.3f} s per iteration"))
        results = {}
        pred_test = None
        for name in ("train", "validation", "test"):
            if manifest["counts"][name] == 0:
                results[name] = None
                continue
            pred, results[name] = score(model, tables[name], mu, scale, args.cold_start)
            if name == "test":
                pred_test = pred
        zig = manifest["zig"]
        test = results["test"]
        diff = None if test["rmse_known"] is None or zig["test_rmse_warm"] is None \
            else test["rmse_known"] - zig["test_rmse_warm"]
        report = {
            "spark_version": spark.version,
            "master": master,
            "default_parallelism": spark.sparkContext.defaultParallelism,
            "params": {**s, "coldStartStrategy": args.cold_start,
                       "blocks": args.blocks or args.local_cores or 10,
                       "checkpointInterval": args.checkpoint_interval,
                       "checkpoint_dir": args.checkpoint_dir, "centre_mu": mu},
            "fit_seconds": seconds,
            "iteration_seconds": per_iteration,
            "train": results["train"],
            "validation": results["validation"],
            "test": test,
            "zig": zig,
            "test_rmse_known_minus_zig": diff,
        }
        write_outputs(out, pred_test, report)
        for name in ("train", "validation", "test"):
            r = results[name]
            if r is None:
                continue
            log(f"{name}: RMSE {fmt(r['rmse_known'])} on {r['count_known']:,} of {r['count']:,} "
                f"ratings with a known user and movie; {fmt(r['rmse_all'])} on all (unknown "
                f"as mu); RegressionEvaluator with coldStartStrategy={args.cold_start}: "
                f"{fmt(r['evaluator_rmse'])}")
        print(f"test RMSE: spark {fmt(test['rmse_known'])}, zig {fmt(zig['test_rmse_warm'])} "
              f"(known users and movies, difference {fmt(diff)}); all pairs: spark "
              f"{fmt(test['rmse_all'])}, zig {fmt(zig['test_rmse'])}")
        print(f"wrote {os.path.join(out, 'predictions')} and {os.path.join(out, 'spark.json')}")
        return 0
    finally:
        spark.stop()


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except ExportError as e:
        print(f"als.py: {e}", file=sys.stderr)
        sys.exit(1)
