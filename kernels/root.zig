//! The C ABI of the kernel library: every `export fn` lives here and nowhere else. Each one turns
//! pointer + length arguments into slices, checks them, calls the kernel behind it and returns a
//! `Status` code (0 = ok). Details of a failure go into the caller's `ErrorRecord` (named fields).
//! Lengths are u32; all long-lived buffers belong to the caller (TypeScript).
const std = @import("std");
const abi = @import("abi.zig");
const status_mod = @import("status.zig");
const threads_mod = @import("threads.zig");
const parse = @import("parse.zig");
const sparse = @import("sparse.zig");
const io = @import("io.zig");
const rng = @import("rng.zig");
const synth = @import("synth.zig"); // synthetic MovieLens generator
const rows_mod = @import("rows.zig"); // explicit-feedback models
const linalg = @import("linalg.zig");
const bias_als = @import("bias_als.zig");
const als = @import("als.zig");
const score = @import("score.zig");
const genre_als = @import("genre_als.zig"); // genre ALS (own section at the end)

const assert = std.debug.assert;
const Status = status_mod.Status;
const ErrorRecord = status_mod.ErrorRecord;
const allocator = std.heap.c_allocator;

/// Bumped whenever an exported signature changes; the wrapper refuses a library of another version.
pub const abi_version: u32 = 9;

fn code(status: Status) i32 {
    return @intFromEnum(status);
}

/// The status code of a refused argument (the detail is in the error record already).
fn refused(err: abi.Refused) i32 {
    return switch (err) {
        error.InvalidArgument => code(.invalid_argument),
    };
}

/// Transparent-huge-page advice for fresh output buffers (see `io.adviseHugePages`).
fn adviseHuge(slices: anytype) void {
    inline for (slices) |slice| io.adviseHugePages(std.mem.sliceAsBytes(slice));
}

export fn rs_abi_version() u32 {
    return abi_version;
}

/// Advice that a large caller buffer about to be filled be backed by transparent huge pages.
export fn rs_advise_huge(bytes: ?[*]u8, len: u32, record: ?*ErrorRecord) i32 {
    const rec = record orelse return code(.invalid_argument);
    const buffer = abi.mutSlice(u8, bytes, len, 1, rec) catch |e| return refused(e);
    if (len > 0) io.adviseHugePages(buffer);
    return code(.ok);
}

/// SIMD lanes of f32 the library was built for (8 for AVX2, 16 for AVX-512, 4 for SSE/NEON).
export fn rs_simd_f32_lanes() u32 {
    return std.simd.suggestVectorLength(f32) orelse 1;
}

// ---------------------------------------------------------------------------------------------
// Ingestion: ratings.csv → columns → dense ids → CSR + CSC.

/// Pass one over ratings.csv: maps the file into `mapping` (held for `rs_ratings_parse`, so a
/// load maps it once), checks the header, cuts `parts` partitions at line starts and counts their
/// lines. `offsets` has `parts + 1` entries, `lines` has `parts`. On failure nothing stays mapped.
export fn rs_ratings_scan(
    path_ptr: ?[*]const u8,
    path_len: u32,
    parts: u32,
    offsets_ptr: ?[*]u64,
    lines_ptr: ?[*]u64,
    mapping: ?*abi.MappingView,
    record: ?*ErrorRecord,
) i32 {
    const rec = record orelse return code(.invalid_argument);
    if (path_len == 0) return refused(abi.refuse(rec, 2, 1, 0));
    const path = abi.constSlice(u8, path_ptr, path_len, 1, rec) catch |e| return refused(e);
    if (parts == 0 or parts > threads_mod.threads_max) {
        return refused(abi.refuse(rec, 3, threads_mod.threads_max, parts));
    }
    const offsets = abi.mutSlice(u64, offsets_ptr, parts + 1, 4, rec) catch |e| return refused(e);
    const lines = abi.mutSlice(u64, lines_ptr, parts, 5, rec) catch |e| return refused(e);
    const held = mapping orelse return refused(abi.refuse(rec, 6, 1, 0));
    if (held.mark == abi.mapped_mark) return refused(abi.refuse(rec, 6, 0, held.mark));
    const mapped = io.mapFile(path) catch return code(.io_error);
    const status = parse.scan(mapped.bytes, offsets, lines, rec);
    if (status != .ok) {
        mapped.unmap();
        return code(status);
    }
    abi.holdMapping(held, mapped);
    return code(.ok);
}

/// Pass two: parses the partitions `rs_ratings_scan` made of the file it mapped into the four
/// columns of `columns` (`rows` entries each) and their largest ids, then unmaps the file, whatever
/// the outcome. The first bad line is reported, whatever `parts`.
export fn rs_ratings_parse(
    mapping: ?*abi.MappingView,
    parts: u32,
    offsets_ptr: ?[*]const u64,
    lines_ptr: ?[*]const u64,
    columns: ?*abi.RatingColumnsView,
    record: ?*ErrorRecord,
) i32 {
    const rec = record orelse return code(.invalid_argument);
    const bytes = abi.mappingOf(mapping, 1, rec) catch |e| return refused(e);
    defer abi.releaseMapping(mapping.?);
    if (parts == 0 or parts > threads_mod.threads_max) {
        return refused(abi.refuse(rec, 2, threads_mod.threads_max, parts));
    }
    const offsets = abi.constSlice(u64, offsets_ptr, parts + 1, 3, rec) catch |e| return refused(e);
    const lines = abi.constSlice(u64, lines_ptr, parts, 4, rec) catch |e| return refused(e);
    const out = columns orelse return refused(abi.refuse(rec, 5, 1, 0));
    var total: u64 = 0;
    for (lines) |count| total += count;
    if (total != out.rows) return refused(abi.refuse(rec, 5, total, out.rows));
    const rows: usize = out.rows;
    const filled: parse.Columns = .{
        .users = out.users[0..rows],
        .movies = out.movies[0..rows],
        .ratings = out.ratings[0..rows],
        .times = out.times[0..rows],
    };
    if (offsets[0] > bytes.len) return refused(abi.refuse(rec, 3, bytes.len, offsets[0]));
    const data_end = parse.dataEnd(bytes, offsets[0]);
    if (offsets[parts] != data_end) return refused(abi.refuse(rec, 3, data_end, offsets[parts]));
    for (offsets[0..parts], offsets[1..]) |begin, end| {
        if (begin > end) return refused(abi.refuse(rec, 3, begin, end));
    }
    adviseHuge(.{ filled.users, filled.movies, filled.ratings, filled.times });
    var maxima: parse.Maxima = .{};
    const status = parse.parseMaxima(bytes, offsets, lines, filled, &maxima, rec);
    out.max_user = maxima.user;
    out.max_movie = maxima.movie;
    return code(status);
}

/// Unmaps what `rs_ratings_scan` mapped when the parse is not going to run; a mapping already
/// released is left alone.
export fn rs_ratings_unmap(mapping: ?*abi.MappingView, record: ?*ErrorRecord) i32 {
    const rec = record orelse return code(.invalid_argument);
    const held = mapping orelse return refused(abi.refuse(rec, 1, 1, 0));
    abi.releaseMapping(held);
    return code(.ok);
}

/// Most id columns one `rs_ids_densify` call takes.
const id_columns_max: u32 = 8;

/// Densifies `count` id columns in one call: each `raw` is rewritten in place to dense indices
/// and `ids[dense] = raw id` (ascending) filled for its `count` distinct ids. A column with more
/// distinct ids than its `capacity` is refused with `record.side` = the column and
/// `record.expected` = the distinct count.
export fn rs_ids_densify(
    columns: ?[*]abi.IdColumnView,
    count: u32,
    record: ?*ErrorRecord,
) i32 {
    const rec = record orelse return code(.invalid_argument);
    if (count == 0 or count > id_columns_max) {
        return refused(abi.refuse(rec, 2, id_columns_max, count));
    }
    const views = (columns orelse return refused(abi.refuse(rec, 1, 1, 0)))[0..count];
    for (views, 0..) |*view, side| {
        const raw = view.raw[0..view.len];
        view.count = 0;
        const found = sparse.distinct(allocator, raw) catch return code(.out_of_memory);
        assert(found.count <= raw.len);
        if (found.count > view.capacity) {
            rec.* = .{
                .argument = 1,
                .side = side,
                .expected = found.count,
                .actual = view.capacity,
            };
            return code(.invalid_argument);
        }
        const ids = view.ids[0..found.count];
        const status = sparse.densify(allocator, raw, found.max, ids) catch
            return code(.out_of_memory);
        if (status != .ok) {
            rec.side = side;
            return code(status);
        }
        view.count = found.count;
    }
    return code(.ok);
}

/// Builds CSR (`by_user`: rows = users, inner = items) and CSC (`by_item`) from coordinate entries
/// with dense indices. Both layouts have the coordinates' `nnz`; `ptr` arrays `rows + 1` entries.
/// An index out of range names the entry in `record.index`; a repeated pair the user in
/// `record.row` and the item in `record.index`.
export fn rs_matrix_build(
    coordinates: ?*const abi.CoordinatesView,
    by_user: ?*const abi.LayoutView,
    by_item: ?*const abi.LayoutView,
    threads: u32,
    record: ?*ErrorRecord,
) i32 {
    const rec = record orelse return code(.invalid_argument);
    const coo = abi.coordinatesOf(coordinates, 1, rec) catch |e| return refused(e);
    const csr = abi.layoutOf(by_user, 2, rec) catch |e| return refused(e);
    const csc = abi.layoutOf(by_item, 3, rec) catch |e| return refused(e);
    const nnz = coo.users.len;
    if (csr.index.len != nnz) return refused(abi.refuse(rec, 2, nnz, csr.index.len));
    if (csc.index.len != nnz) return refused(abi.refuse(rec, 3, nnz, csc.index.len));
    const user_inner = by_user.?.inner;
    const item_inner = by_item.?.inner;
    if (user_inner != csc.outer()) return refused(abi.refuse(rec, 2, csc.outer(), user_inner));
    if (item_inner != csr.outer()) return refused(abi.refuse(rec, 3, csr.outer(), item_inner));
    adviseHuge(.{ csr.index, csr.values, csr.times, csc.index, csc.values, csc.times });
    const status = sparse.build(
        allocator,
        coo.users,
        coo.items,
        coo.values,
        coo.times,
        csr,
        csc,
        threads,
        rec,
    ) catch return code(.out_of_memory);
    return code(status);
}

/// The other layout of a matrix: `to` (rows = `from.inner`, inner = `from.rows`) from `from`,
/// which is first validated in full (as `rs_rows_validate`), so `to` is valid by construction.
/// Within a row of `to` the indices ascend.
export fn rs_matrix_transpose(
    from: ?*const abi.LayoutView,
    to: ?*const abi.LayoutView,
    threads: u32,
    record: ?*ErrorRecord,
) i32 {
    const rec = record orelse return code(.invalid_argument);
    const source = abi.layoutOf(from, 1, rec) catch |e| return refused(e);
    const target = abi.layoutOf(to, 2, rec) catch |e| return refused(e);
    if (to.?.rows != from.?.inner) return refused(abi.refuse(rec, 2, from.?.inner, to.?.rows));
    if (to.?.inner != from.?.rows) return refused(abi.refuse(rec, 2, from.?.rows, to.?.inner));
    if (target.index.len != source.index.len) {
        return refused(abi.refuse(rec, 2, source.index.len, target.index.len));
    }
    const rows: rows_mod.Rows = .{
        .ptr = source.ptr,
        .index = source.index,
        .values = source.values,
    };
    const status = rows_mod.validate(rows, from.?.inner, rec);
    if (status != .ok) return code(status);
    sparse.transpose(allocator, source, target, threads) catch return code(.out_of_memory);
    return code(.ok);
}

// ---------------------------------------------------------------------------------------------
// Synthetic MovieLens (kernels/synth.zig; driven by lib/data/synthetic.ts).

/// Walker/Vose alias table of `n` positive, finite item weights into `prob` and `alias`.
export fn rs_synth_alias(
    weights: ?[*]const f64,
    n: u32,
    prob: ?[*]f64,
    alias: ?[*]u32,
    record: ?*ErrorRecord,
) i32 {
    const rec = record orelse return code(.invalid_argument);
    if (n == 0) return refused(abi.refuse(rec, 2, 1, 0));
    const w = abi.constSlice(f64, weights, n, 1, rec) catch |e| return refused(e);
    const p = abi.mutSlice(f64, prob, n, 3, rec) catch |e| return refused(e);
    const a = abi.mutSlice(u32, alias, n, 4, rec) catch |e| return refused(e);
    const work = allocator.alloc(u32, n) catch return code(.out_of_memory);
    defer allocator.free(work);
    return code(synth.buildAlias(w, p, a, work));
}

/// Writes the ratings.csv lines of users `user_begin..user_end` (userIds `user_begin + 1 ..`) of
/// `model` into `out` (`out_len` must hold `synth.line_bytes_max` bytes per rating), adds every
/// item's new ratings to `item_counts` (`model.n_items` entries) and sets `result`
/// (`synth.result_len` u64: bytes written, oracle tallies, histogram). The bytes depend on the
/// seed and the model, never on `threads`.
export fn rs_synth_ratings_csv(
    model: ?*const abi.SynthModelView,
    user_begin: u32,
    user_end: u32,
    threads: u32,
    out: ?[*]u8,
    out_len: u32,
    item_counts: ?[*]u32,
    result: ?*synth.Result,
    record: ?*ErrorRecord,
) i32 {
    const rec = record orelse return code(.invalid_argument);
    const planted = abi.synthModelOf(model, 1, rec) catch |e| return refused(e);
    if (user_begin > user_end) return refused(abi.refuse(rec, 2, user_end, user_begin));
    const n_users = model.?.n_users;
    if (user_end > n_users) return refused(abi.refuse(rec, 3, n_users, user_end));
    if (out == null) return refused(abi.refuse(rec, 5, 1, 0));
    const counts = abi.mutSlice(u32, item_counts, model.?.n_items, 7, rec) catch |e|
        return refused(e);
    const tallies = result orelse return refused(abi.refuse(rec, 8, 1, 0));
    const checked = synth.checkModel(&planted, rec);
    if (checked != .ok) return code(checked);
    const status = synth.ratingsCsv(
        allocator,
        &planted,
        user_begin,
        user_end,
        threads,
        out.?[0..out_len],
        counts,
        tallies,
        rec,
    ) catch return code(.out_of_memory);
    return code(status);
}

// End of the synthetic MovieLens section.
// ---------------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------------
// Explicit-feedback models (kernels/{rows,linalg,bias_als,als,score}.zig; wrapped in
// lib/ffi/kernels.ts, used by lib/models/). A rating matrix arrives as two `abi.RowsView`s (CSR
// by user, CSC by item) that `rs_rows_validate` has accepted; a model as one `abi.ModelView`.
// Argument numbers in `ErrorRecord.argument` are 1-based positions in the export's parameters.

/// The full O(nnz) check of one layout (`rows.validate`): pointers from 0 to nnz, non-decreasing,
/// indices ascending in a row and `< inner`, values finite. On success it marks `view` validated,
/// which the kernels below require; the wrapper does this once per matrix and keeps the view.
export fn rs_rows_validate(view: ?*abi.RowsView, record: ?*ErrorRecord) i32 {
    const rec = record orelse return code(.invalid_argument);
    const v = view orelse return refused(abi.refuse(rec, 1, 1, 0));
    return code(abi.validate(v, rec));
}

/// The matrix (arguments 1 and 2) and the model of its shape (argument 3) of an epoch export,
/// checked in O(1); k is not checked (the caller refuses k = 0 where it needs factors).
const FitInputs = struct {
    matrix: abi.Matrix,
    sides: abi.Sides,
};

fn fitInputs(
    users: ?*const abi.RowsView,
    items: ?*const abi.RowsView,
    model: ?*const abi.ModelView,
    rec: *ErrorRecord,
) abi.Refused!FitInputs {
    const matrix = try abi.matrixOf(users, items, 1, rec);
    const sides = try abi.sidesOf(model, matrix.shape(), 3, rec);
    assert(sides.user.bias.len == matrix.users.count());
    assert(sides.item.bias.len == matrix.items.count());
    return .{ .matrix = matrix, .sides = sides };
}

/// One epoch of bias-only ALS (users, then items) on the model's biases in place (its factors
/// are not read). `lambda ≥ 0`; `weighted` = 1 multiplies λ by the row's rating count.
export fn rs_bias_als_epoch(
    users: ?*const abi.RowsView,
    items: ?*const abi.RowsView,
    model: ?*const abi.ModelView,
    lambda: f32,
    weighted: u32,
    threads: u32,
    record: ?*ErrorRecord,
) i32 {
    const rec = record orelse return code(.invalid_argument);
    const fit = fitInputs(users, items, model, rec) catch |e| return refused(e);
    const matrix = fit.matrix;
    const sides = fit.sides;
    if (!(lambda >= 0) or !std.math.isFinite(lambda)) return refused(abi.refuse(rec, 4, 0, 0));
    if (weighted > 1) return refused(abi.refuse(rec, 5, 1, weighted));
    const params: bias_als.Params = .{
        .mu = model.?.mu,
        .lambda = lambda,
        .weighted = weighted == 1,
    };
    bias_als.epoch(matrix.users, matrix.items, sides.user.bias, sides.item.bias, params, threads);
    return code(.ok);
}

/// The explicit-ALS parameters of a call: k and μ from the model, the penalties and ALS-WR
/// (`weighted`, which the caller has refused unless 0 or 1) from its arguments. Not checked.
fn alsParams(
    model: *const abi.ModelView,
    lambda_factors: f32,
    lambda_bias: f32,
    weighted: u32,
) als.Params {
    assert(weighted <= 1);
    return .{
        .k = model.k,
        .mu = model.mu,
        .lambda_factors = lambda_factors,
        .lambda_bias = lambda_bias,
        .weighted = weighted == 1,
    };
}

/// The first six arguments of both explicit-ALS epochs (`rs_als_epoch`, `rs_als_cg_epoch`),
/// checked: the matrix (arguments 1, 2), the model as sides of its shape (3, refused when k = 0)
/// and the parameters (λ_f 4, λ_b 5, `weighted` 6; `als.Params.valid`).
const AlsInputs = struct {
    matrix: abi.Matrix,
    sides: abi.Sides,
    params: als.Params,
};

fn alsInputs(
    users: ?*const abi.RowsView,
    items: ?*const abi.RowsView,
    model: ?*const abi.ModelView,
    lambda_factors: f32,
    lambda_bias: f32,
    weighted: u32,
    rec: *ErrorRecord,
) abi.Refused!AlsInputs {
    const fit = try fitInputs(users, items, model, rec);
    if (weighted > 1) return abi.refuse(rec, 6, 1, weighted);
    const params = alsParams(model.?, lambda_factors, lambda_bias, weighted);
    if (params.k == 0) return abi.refuse(rec, 3, 1, 0);
    if (!params.valid()) return abi.refuse(rec, 4, 0, 0);
    return .{ .matrix = fit.matrix, .sides = fit.sides, .params = params };
}

/// One epoch of ALS with biases (every user given the items, then every item given the users) on
/// the model's four arrays in place. `1 ≤ k ≤ 1024`, `lambda_factors > 0`, `lambda_bias ≥ 0`.
/// A system that cannot be solved gives `not_finite` with `record.row` and `record.side`.
export fn rs_als_epoch(
    users: ?*const abi.RowsView,
    items: ?*const abi.RowsView,
    model: ?*const abi.ModelView,
    lambda_factors: f32,
    lambda_bias: f32,
    weighted: u32,
    threads: u32,
    record: ?*ErrorRecord,
) i32 {
    const rec = record orelse return code(.invalid_argument);
    const fit = alsInputs(users, items, model, lambda_factors, lambda_bias, weighted, rec) catch |e|
        return refused(e);
    const status = als.epoch(
        allocator,
        fit.matrix.users,
        fit.matrix.items,
        fit.sides.user,
        fit.sides.item,
        fit.params,
        threads,
        rec,
    );
    return code(status);
}

/// `out[j]` = the prediction for (users[j], items[j]) clamped to [rating_min, rating_max]; an
/// index ≥ n_users / n_items is an unknown id (see kernels/score.zig). `k` may be 0 (biases
/// only).
export fn rs_predict_pairs(
    model: ?*const abi.ModelView,
    count: u32,
    users: ?[*]const u32,
    items: ?[*]const u32,
    rating_min: f32,
    rating_max: f32,
    out: ?[*]f32,
    threads: u32,
    record: ?*ErrorRecord,
) i32 {
    const rec = record orelse return code(.invalid_argument);
    const m = abi.scoreModelOf(model, 1, rec) catch |e| return refused(e);
    const scale: score.Scale = .{ .min = rating_min, .max = rating_max };
    if (!scale.valid()) return refused(abi.refuse(rec, 5, 0, 0));
    const user_slice = abi.constSlice(u32, users, count, 3, rec) catch |e| return refused(e);
    const item_slice = abi.constSlice(u32, items, count, 4, rec) catch |e| return refused(e);
    const out_slice = abi.mutSlice(f32, out, count, 7, rec) catch |e| return refused(e);
    score.predictPairs(m, user_slice, item_slice, scale, out_slice, threads);
    return code(.ok);
}

/// Predicts every rating of a validated CSR view (users over items) and writes `sums[0]` = Σ
/// squared error, `sums[1]` = Σ absolute error (predictions clamped as in `rs_predict_pairs`).
/// `out` (nullable) receives the predictions in CSR entry order.
export fn rs_score_matrix(
    model: ?*const abi.ModelView,
    matrix: ?*const abi.RowsView,
    rating_min: f32,
    rating_max: f32,
    out: ?[*]f32,
    sums: ?*[2]f64,
    threads: u32,
    record: ?*ErrorRecord,
) i32 {
    const rec = record orelse return code(.invalid_argument);
    const m = abi.scoreModelOf(model, 1, rec) catch |e| return refused(e);
    const rows = abi.rowsOf(matrix, 2, rec) catch |e| return refused(e);
    const scale: score.Scale = .{ .min = rating_min, .max = rating_max };
    if (!scale.valid()) return refused(abi.refuse(rec, 3, 0, 0));
    const total = sums orelse return refused(abi.refuse(rec, 6, 1, 0));
    const predictions: ?[]f32 = if (out) |o| o[0..rows.index.len] else null;
    const result = score.scoreMatrix(allocator, m, rows, scale, predictions, threads) catch
        return code(.out_of_memory);
    total.* = .{ result.sse, result.sae };
    return code(.ok);
}

/// Top-`top` items for each of `count` users into `out_items`/`out_scores` (`count × top`, best
/// first; padding item 0xFFFFFFFF with score −inf). Items a user rated in `exclude` (a validated
/// CSR view, or null for none) are skipped.
export fn rs_recommend(
    model: ?*const abi.ModelView,
    count: u32,
    users: ?[*]const u32,
    top: u32,
    exclude: ?*const abi.RowsView,
    out_items: ?[*]u32,
    out_scores: ?[*]f32,
    threads: u32,
    record: ?*ErrorRecord,
) i32 {
    const rec = record orelse return code(.invalid_argument);
    const m = abi.scoreModelOf(model, 1, rec) catch |e| return refused(e);
    const total = @as(u64, count) * top;
    const total_max: u64 = std.math.maxInt(u32);
    if (total > total_max) return refused(abi.refuse(rec, 4, total_max, total));
    const excluded: ?rows_mod.Rows = if (exclude == null)
        null
    else
        abi.rowsOf(exclude, 5, rec) catch |e| return refused(e);
    const ok = score.recommend(
        allocator,
        m,
        abi.constSlice(u32, users, count, 3, rec) catch |e| return refused(e),
        top,
        excluded,
        abi.mutSlice(u32, out_items, total, 6, rec) catch |e| return refused(e),
        abi.mutSlice(f32, out_scores, total, 7, rec) catch |e| return refused(e),
        threads,
    ) catch return code(.out_of_memory);
    return code(if (ok) .ok else .out_of_memory);
}

// End of the explicit-feedback models section.
// ---------------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------------
// Genre ALS: feature-augmented ALS for cold-start items (kernels/genre_als.zig; wrapped in
// lib/ffi/kernels.ts as genreAlsEpoch, used by lib/models/genre_als.ts).

/// One epoch of genre ALS on the model and G (`n_features × k`), w (`n_features`) in place:
/// users as ALS, items pulled toward Gᵀf_i and wᵀf_i with weights τ and τ_b, then G and w refitted
/// by ridge regression (λ_G) and every item without ratings set to its prior. `features` is a
/// validated layout of `n_items` rows over `n_features = features.inner` columns. `not_finite`
/// names the side (0 users, 1 items, 2 the G/w regression) and the row.
export fn rs_genre_als_epoch(
    users: ?*const abi.RowsView,
    items: ?*const abi.RowsView,
    features: ?*const abi.RowsView,
    model: ?*const abi.ModelView,
    feature_factors: ?[*]f32,
    feature_bias: ?[*]f32,
    lambda_factors: f32,
    lambda_bias: f32,
    weighted: u32,
    tau: f32,
    tau_bias: f32,
    lambda_features: f32,
    threads: u32,
    record: ?*ErrorRecord,
) i32 {
    const rec = record orelse return code(.invalid_argument);
    const matrix = abi.matrixOf(users, items, 1, rec) catch |e| return refused(e);
    const feature_rows = abi.rowsOf(features, 3, rec) catch |e| return refused(e);
    if (feature_rows.count() != matrix.items.count()) {
        return refused(abi.refuse(rec, 3, matrix.items.count(), feature_rows.count()));
    }
    const n_features: usize = features.?.inner;
    if (n_features == 0 or n_features > genre_als.features_max) {
        return refused(abi.refuse(rec, 3, genre_als.features_max, n_features));
    }
    const sides = abi.sidesOf(model, matrix.shape(), 4, rec) catch |e| return refused(e);
    const k: usize = model.?.k;
    if (k == 0) return refused(abi.refuse(rec, 4, 1, 0));
    const g_len = n_features * k;
    const feature_model: genre_als.FeatureModel = .{
        .factors = abi.mutSlice(f32, feature_factors, g_len, 5, rec) catch |e| return refused(e),
        .bias = abi.mutSlice(f32, feature_bias, n_features, 6, rec) catch |e| return refused(e),
    };
    if (weighted > 1) return refused(abi.refuse(rec, 9, 1, weighted));
    const params: genre_als.Params = .{
        .als = alsParams(model.?, lambda_factors, lambda_bias, weighted),
        .tau = tau,
        .tau_bias = tau_bias,
        .lambda_features = lambda_features,
    };
    if (!params.valid()) return refused(abi.refuse(rec, 7, 0, 0));
    const status = genre_als.epoch(
        allocator,
        matrix.users,
        matrix.items,
        feature_rows,
        sides.user,
        sides.item,
        feature_model,
        params,
        threads,
        rec,
    );
    return code(status);
}

// End of the genre ALS section.
// ---------------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------------
// Implicit-feedback models and CG row solves (issue 14: kernels/ials.zig, kernels/bpr.zig,
// kernels/als_cg.zig; wrapped in the implicit section of lib/ffi/kernels.ts, used by
// lib/models/ials.ts, bpr.ts and als.ts).

const ials = @import("ials.zig");
const bpr = @import("bpr.zig");
const als_cg = @import("als_cg.zig");

/// One iALS epoch (users given items, then items given users) on the model's factors in place
/// (its biases and μ are not used). The matrix holds the training interactions; a value r ≥ 0
/// gives the confidence 1 + α·r. `solver` 0 = exact Cholesky, 1 = `cg_steps` conjugate-gradient
/// steps from the current factors. A system that cannot be solved gives `not_finite` with
/// `record.row` and `record.side` (0 user, 1 item).
export fn rs_ials_epoch(
    users: ?*const abi.RowsView,
    items: ?*const abi.RowsView,
    model: ?*const abi.ModelView,
    lambda: f32,
    alpha: f32,
    solver: u32,
    cg_steps: u32,
    threads: u32,
    record: ?*ErrorRecord,
) i32 {
    const rec = record orelse return code(.invalid_argument);
    const fit = fitInputs(users, items, model, rec) catch |e| return refused(e);
    const matrix = fit.matrix;
    const sides = fit.sides;
    if (model.?.k == 0) return refused(abi.refuse(rec, 3, 1, 0));
    if (solver > 1) return refused(abi.refuse(rec, 6, 1, solver));
    const params: ials.Params = .{
        .k = model.?.k,
        .lambda = lambda,
        .alpha = alpha,
        .solver = @enumFromInt(solver),
        .cg_steps = cg_steps,
    };
    if (!params.valid()) return refused(abi.refuse(rec, 4, 0, 0));
    for (matrix.users.values) |v| if (v < 0) return refused(abi.refuse(rec, 1, 0, 1));
    const status = ials.epoch(
        allocator,
        matrix.users,
        matrix.items,
        sides.user.factors,
        sides.item.factors,
        params,
        threads,
        rec,
    ) catch return code(.out_of_memory);
    return code(status);
}

/// One BPR epoch of `samples` triples on the model's factors and item bias in place (user bias
/// and μ unused); `users` is the validated CSR of the training positives. More than one thread
/// runs Hogwild (lock-free; results vary slightly run to run); one thread and a seed reproduce
/// exactly. `result` receives [triples drawn, ordered correctly before their update, skipped].
export fn rs_bpr_epoch(
    users: ?*const abi.RowsView,
    model: ?*const abi.ModelView,
    learning_rate: f32,
    lambda: f32,
    lambda_bias: f32,
    negatives: u32,
    verify: u32,
    seed: u32,
    epoch: u32,
    samples: u32,
    threads: u32,
    result: ?*[3]u64,
    record: ?*ErrorRecord,
) i32 {
    const rec = record orelse return code(.invalid_argument);
    const by_user = abi.rowsOf(users, 1, rec) catch |e| return refused(e);
    const shape: abi.Shape = .{ .users = by_user.count(), .items = users.?.inner };
    const sides = abi.sidesOf(model, shape, 2, rec) catch |e| return refused(e);
    const m = model.?;
    if (m.k == 0) return refused(abi.refuse(rec, 2, 1, 0));
    if (negatives > 1) return refused(abi.refuse(rec, 6, 1, negatives));
    if (verify > 1) return refused(abi.refuse(rec, 7, 1, verify));
    const out = result orelse return refused(abi.refuse(rec, 12, 1, 0));
    const params: bpr.Params = .{
        .k = m.k,
        .learning_rate = learning_rate,
        .lambda = lambda,
        .lambda_bias = lambda_bias,
        .negatives = @enumFromInt(negatives),
        .verify = verify == 1,
        .seed = seed,
        .epoch = epoch,
        .samples = samples,
    };
    if (!params.valid()) return refused(abi.refuse(rec, 3, 0, 0));
    const done = bpr.epoch(
        by_user,
        m.n_items,
        sides.user.factors,
        sides.item.factors,
        sides.item.bias,
        params,
        threads,
    );
    out.* = .{ done.samples, done.correct, done.skipped };
    return code(.ok);
}

/// One epoch of explicit ALS with biases (the model of `rs_als_epoch`) whose row solves are
/// `cg_steps` conjugate-gradient steps from the current values instead of exact Cholesky solves
/// (kernels/als_cg.zig).
export fn rs_als_cg_epoch(
    users: ?*const abi.RowsView,
    items: ?*const abi.RowsView,
    model: ?*const abi.ModelView,
    lambda_factors: f32,
    lambda_bias: f32,
    weighted: u32,
    cg_steps: u32,
    threads: u32,
    record: ?*ErrorRecord,
) i32 {
    const rec = record orelse return code(.invalid_argument);
    const fit = alsInputs(users, items, model, lambda_factors, lambda_bias, weighted, rec) catch |e|
        return refused(e);
    if (cg_steps < 1 or cg_steps > linalg.cg_steps_max) {
        return refused(abi.refuse(rec, 7, linalg.cg_steps_max, cg_steps));
    }
    const solved = als_cg.epoch(
        allocator,
        fit.matrix.users,
        fit.matrix.items,
        fit.sides.user,
        fit.sides.item,
        fit.params,
        cg_steps,
        threads,
    );
    if (!solved) return code(.out_of_memory);
    return code(.ok);
}

// End of the implicit-feedback models section.
// ---------------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------------
// Fold-in, the recommender's fast path (issue 15: kernels/fold_in.zig; wrapped in
// lib/ffi/kernels.ts as foldInRecommend, used by lib/models/fold_in.ts).

const fold_in = @import("fold_in.zig");

/// One person's fold-in, scores and top-N in one call. The model's item side, μ and k are read
/// (its user side is not: `n_users` may be 0). With `solve` = 1 the row [x; b] (`row`, k + 1
/// entries) is solved from the `count` (items, ratings) pairs as the ALS user half-step would
/// (λ_f, λ_b, `weighted` as the model was fitted; k = 0 is bias-only); with `solve` = 0 `row` is
/// given and `ratings` is not read. Every item is scored μ + b + b_i + x·y_i (into `all_scores`
/// when not null) and the best `top` among those `allowed` marks non-zero (null: all) and, when
/// `exclude_rated` = 1, not among `items`, go to `out_items`/`out_scores` best first (padding item
/// 0xFFFFFFFF, score −inf). An item ≥ n_items is `index_out_of_range`, a repeated item
/// `duplicate_pair`, a non-finite rating `not_finite` (each with `record.index` = its position);
/// a system that cannot be solved is `not_finite` with `record.argument` = 0.
export fn rs_fold_in_recommend(
    model: ?*const abi.ModelView,
    count: u32,
    items: ?[*]const u32,
    ratings: ?[*]const f32,
    lambda_factors: f32,
    lambda_bias: f32,
    weighted: u32,
    solve: u32,
    row: ?[*]f32,
    allowed: ?[*]const u8,
    top: u32,
    exclude_rated: u32,
    out_items: ?[*]u32,
    out_scores: ?[*]f32,
    all_scores: ?[*]f32,
    threads: u32,
    record: ?*ErrorRecord,
) i32 {
    const rec = record orelse return code(.invalid_argument);
    const m = abi.scoreModelOf(model, 1, rec) catch |e| return refused(e);
    if (count > fold_in.ratings_max) return refused(abi.refuse(rec, 2, fold_in.ratings_max, count));
    const rated = abi.constSlice(u32, items, count, 3, rec) catch |e| return refused(e);
    if (weighted > 1) return refused(abi.refuse(rec, 7, 1, weighted));
    if (solve > 1) return refused(abi.refuse(rec, 8, 1, solve));
    const values: []const f32 = if (solve == 1)
        abi.constSlice(f32, ratings, count, 4, rec) catch |e| return refused(e)
    else
        &.{};
    const params = alsParams(model.?, lambda_factors, lambda_bias, weighted);
    if (solve == 1 and !fold_in.paramsValid(params)) return refused(abi.refuse(rec, 5, 0, 0));
    const n_items = m.items();
    const k: usize = m.k;
    const person_row = abi.mutSlice(f32, row, k + 1, 9, rec) catch |e| return refused(e);
    const mask: ?[]const u8 = if (allowed) |a| a[0..n_items] else null;
    if (top > fold_in.top_max) return refused(abi.refuse(rec, 11, fold_in.top_max, top));
    if (exclude_rated > 1) return refused(abi.refuse(rec, 12, 1, exclude_rated));
    const output: fold_in.Output = .{
        .items = abi.mutSlice(u32, out_items, top, 13, rec) catch |e| return refused(e),
        .scores = abi.mutSlice(f32, out_scores, top, 14, rec) catch |e| return refused(e),
        .all_scores = if (all_scores) |a| a[0..n_items] else null,
    };
    for (rated, 0..) |item, j| {
        if (item >= n_items) {
            rec.* = .{ .argument = 3, .index = j, .expected = n_items, .actual = item };
            return code(.index_out_of_range);
        }
        if (solve == 1 and !std.math.isFinite(values[j])) {
            rec.* = .{ .argument = 4, .index = j };
            return code(.not_finite);
        }
    }
    const parts = fold_in.partsFor(threads, n_items);
    var scratch = fold_in.Scratch.init(allocator, m.k, count, parts, top) catch
        return code(.out_of_memory);
    defer scratch.deinit(allocator);
    @memcpy(scratch.sorted, rated);
    std.mem.sort(u32, scratch.sorted, {}, std.sort.asc(u32));
    const repeats = if (scratch.sorted.len > 1) scratch.sorted[1..] else &[_]u32{};
    for (repeats, 1..) |item, j| {
        if (item == scratch.sorted[j - 1]) {
            const position = std.mem.indexOfScalar(u32, rated, item) orelse 0;
            rec.* = .{ .argument = 3, .index = position, .actual = item };
            return code(.duplicate_pair);
        }
    }
    const item_side: fold_in.Items = .{ .factors = m.item_factors, .bias = m.item_bias };
    if (solve == 1 and !fold_in.solveRow(&scratch, item_side, params, rated, values, person_row)) {
        return code(.not_finite);
    }
    const excluded: []const u32 = if (exclude_rated == 1) scratch.sorted else &.{};
    fold_in.rank(&scratch, item_side, m.mu, person_row, mask, excluded, output, parts);
    return code(.ok);
}

test "rs_fold_in_recommend: bad arguments give a status and name the argument" {
    const testing = std.testing;
    var factors = [_]f32{ 1, 0, 0, 1, 0.5, 0.5 };
    var bias = [_]f32{ 0.1, -0.1, 0 };
    const Call = struct {
        view: abi.ModelView,
        items: []const u32 = &.{ 0, 2 },
        ratings: []const f32 = &.{ 5, 4 },
        lambda: f32 = 0.1,
        top: u32 = 2,
        row: [3]f32 = undefined,
        top_items: [2]u32 = undefined,
        top_scores: [2]f32 = undefined,
        rec: ErrorRecord = .{},

        fn run(c: *@This()) i32 {
            const n: u32 = @intCast(c.items.len);
            const i = c.items.ptr;
            const r = c.ratings.ptr;
            const out_i = &c.top_items;
            const out_s = &c.top_scores;
            const lb = 0.1;
            return rs_fold_in_recommend(
                &c.view,
                n,
                i,
                r,
                c.lambda,
                lb,
                0,
                1,
                &c.row,
                null,
                c.top,
                1,
                out_i,
                out_s,
                null,
                1,
                &c.rec,
            );
        }
    };
    const view: abi.ModelView = .{
        .user_factors = &factors,
        .item_factors = &factors,
        .user_bias = &bias,
        .item_bias = &bias,
        .n_users = 0,
        .n_items = 3,
        .k = 2,
        .mu = 3,
    };
    var ok: Call = .{ .view = view };
    try testing.expectEqual(code(.ok), ok.run());
    try testing.expectEqual(@as(u32, 1), ok.top_items[0]); // the only item not rated
    try testing.expectEqual(std.math.maxInt(u32), ok.top_items[1]);
    var nobody: Call = .{ .view = view, .items = &.{}, .ratings = &.{} };
    try testing.expectEqual(code(.ok), nobody.run());
    try testing.expectEqualSlices(f32, &.{ 0, 0, 0 }, &nobody.row);
    try testing.expectEqualSlices(u32, &.{ 0, 2 }, &nobody.top_items); // by item bias
    var unknown: Call = .{ .view = view, .items = &.{ 0, 3 } };
    try testing.expectEqual(code(.index_out_of_range), unknown.run());
    try testing.expectEqual(@as(u64, 1), unknown.rec.index);
    var twice: Call = .{ .view = view, .items = &.{ 2, 2 } };
    try testing.expectEqual(code(.duplicate_pair), twice.run());
    var nan: Call = .{ .view = view, .ratings = &.{ 5, std.math.nan(f32) } };
    try testing.expectEqual(code(.not_finite), nan.run());
    try testing.expectEqual(@as(u64, 4), nan.rec.argument);
    var no_lambda: Call = .{ .view = view, .lambda = 0 };
    try testing.expectEqual(code(.invalid_argument), no_lambda.run());
    try testing.expectEqual(@as(u64, 5), no_lambda.rec.argument);
    var long: Call = .{ .view = view, .top = fold_in.top_max + 1 };
    try testing.expectEqual(code(.invalid_argument), long.run());
    try testing.expectEqual(@as(u64, 11), long.rec.argument);
    var infinite: Call = .{ .view = view };
    infinite.view.mu = std.math.inf(f32);
    try testing.expectEqual(code(.invalid_argument), infinite.run());
    try testing.expectEqual(@as(u64, 1), infinite.rec.argument);
}

// End of the fold-in section.
// ---------------------------------------------------------------------------------------------

test {
    _ = status_mod;
    _ = abi;
    _ = threads_mod;
    _ = parse;
    _ = sparse;
    _ = rng;
    _ = synth;
    _ = rows_mod;
    _ = linalg;
    _ = bias_als;
    _ = als;
    _ = score;
    _ = genre_als;
    _ = @import("pack.zig");
    _ = @import("ials.zig");
    _ = @import("bpr.zig");
    _ = @import("als_cg.zig");
    _ = @import("fold_in.zig");
}
