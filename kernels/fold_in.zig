//! Fold-in, the recommender's fast path: one person the model was not trained on, given as
//! (item, rating) pairs, gets the row the trained model's user half-step would give them (item
//! side fixed), every item is scored, and the best `top` items under an allowed-items mask are
//! kept, the person's rated items left out, all in one call.
//!
//! The row solve is the ALS-with-biases user half-step of kernels/als.zig for one row: with
//! z_j = [y_j; 1] and r'_j = r_j − μ − b_j over the person's n ratings,
//!   A = Σ z_j z_jᵀ + diag(λ_f·w, …, λ_f·w, λ_b·w),  c = Σ r'_j z_j,  [x; b] = A⁻¹ c,
//! w = n under ALS-WR and 1 otherwise. A is summed and factorised in f64 (one (k+1)² system: no
//! need for the blocked f32 path of a whole half-step). k = 0 is the bias-only model
//! (b = Σ r' / (n + λ_b·w), the half-step of kernels/bias_als.zig with λ_b = λ); no ratings give
//! x = 0, b = 0, as a row without ratings gets in the half-step.
//!
//! Scoring: s_i = b_i + x·y_i (f32 SIMD dot, as kernels/score.zig), ranked by s_i with ties to the
//! lower index; the reported score adds μ + b. The items are cut into `threads` contiguous ranges,
//! each with its own bounded heap, merged at the end; the order is total (score, then index), so
//! the list does not depend on the thread count.
const std = @import("std");
const assert = std.debug.assert;
const linalg = @import("linalg.zig");
const score = @import("score.zig");
const threads_mod = @import("threads.zig");
const als = @import("als.zig");

/// Longest top-N list one call may ask for (bounds the scratch).
pub const top_max: u32 = 1 << 16;
/// Most ratings one person may give (bounds the scratch and the O(n k²) solve).
pub const ratings_max: u32 = 1 << 20;
/// Items per thread at least (below this one thread scores them all).
const items_per_thread_min: usize = 1 << 14;

/// The row solve takes the half-step's parameters (`als.Params`), which it accepts as the half-step
/// does and also with k = 0 (the bias-only model: λ_f is not used).
pub fn paramsValid(params: als.Params) bool {
    if (params.k >= 1) return params.valid();
    return std.math.isFinite(params.mu) and params.lambda_bias >= 0 and
        std.math.isFinite(params.lambda_bias);
}

/// The model's fixed item side: factors `n × k` row-major, one bias per item.
pub const Items = struct {
    factors: []const f32,
    bias: []const f32,

    pub fn count(self: Items) usize {
        return self.bias.len;
    }
};

/// Everything one call needs, allocated once.
pub const Scratch = struct {
    size: usize,
    stride: usize,
    /// size × stride f64: A (upper triangle), then its Cholesky factor.
    a: []f64,
    /// size: c, then the solution.
    c: []f64,
    /// size: z = [y; 1] in f32.
    z: []f32,
    /// The rated items, ascending (for the exclusion).
    sorted: []u32,
    /// (parts + 1) × top heap entries: one heap per part and the merged one.
    heap_scores: []f32,
    heap_items: []u32,

    pub fn init(allocator: std.mem.Allocator, k: u32, rated: usize, parts: u32, top: u32) !Scratch {
        assert(k <= als.k_max);
        assert(rated <= ratings_max);
        assert(top <= top_max);
        assert(parts >= 1);
        assert(parts <= threads_mod.threads_max);
        const size: usize = @as(usize, k) + 1;
        const stride = linalg.padToLanes(size);
        const heap_len = (@as(usize, parts) + 1) * top;
        var self: Scratch = .{
            .size = size,
            .stride = stride,
            .a = &.{},
            .c = &.{},
            .z = &.{},
            .sorted = &.{},
            .heap_scores = &.{},
            .heap_items = &.{},
        };
        errdefer self.deinit(allocator);
        self.a = try allocator.alloc(f64, size * stride);
        self.c = try allocator.alloc(f64, size);
        self.z = try allocator.alloc(f32, size);
        self.sorted = try allocator.alloc(u32, rated);
        self.heap_scores = try allocator.alloc(f32, heap_len);
        self.heap_items = try allocator.alloc(u32, heap_len);
        return self;
    }

    pub fn deinit(self: *Scratch, allocator: std.mem.Allocator) void {
        inline for (.{ "a", "c", "z", "sorted", "heap_scores", "heap_items" }) |name| {
            if (@field(self, name).len > 0) allocator.free(@field(self, name));
        }
        self.* = undefined;
    }

    /// Heap `index` of `parts + 1`, empty, with room for `top` entries.
    fn heap(self: *Scratch, index: usize, top: usize) score.Heap {
        return .{
            .scores = self.heap_scores[index * top ..][0..top],
            .items = self.heap_items[index * top ..][0..top],
            .len = 0,
        };
    }
};

/// Solves the person's row into `row` (k factors, then the bias): see the module notes. Items must
/// be distinct and `< items.count()`, ratings finite (the export checks). False when A is not
/// numerically positive definite or the solution is not finite.
pub fn solveRow(
    s: *Scratch,
    items: Items,
    params: als.Params,
    rated: []const u32,
    ratings: []const f32,
    row: []f32,
) bool {
    assert(paramsValid(params));
    const k: usize = params.k;
    assert(s.size == k + 1);
    assert(row.len == k + 1);
    assert(rated.len == ratings.len);
    assert(rated.len <= ratings_max);
    assert(items.factors.len == items.count() * k);
    if (rated.len == 0) {
        @memset(row, 0);
        return true;
    }
    // Zero padding: the factorisation reads whole SIMD vectors of every row.
    @memset(s.a, 0);
    @memset(s.c, 0);
    s.z[k] = 1;
    for (rated, ratings) |item, rating| {
        assert(item < items.count());
        @memcpy(s.z[0..k], items.factors[@as(usize, item) * k ..][0..k]);
        linalg.gramRank1Upper(s.a, s.stride, s.z);
        const residual: f64 = @as(f64, rating) - params.mu - items.bias[item];
        for (s.c, s.z) |*c, z| c.* += residual * z;
    }
    const n: f64 = @floatFromInt(rated.len);
    const w: f64 = if (params.weighted) n else 1;
    for (0..k) |p| s.a[p * s.stride + p] += @as(f64, params.lambda_factors) * w;
    s.a[k * s.stride + k] += @as(f64, params.lambda_bias) * w;
    if (!linalg.choleskyFactor(f64, s.a, s.size, s.stride)) return false;
    linalg.choleskySolve(f64, s.a, s.size, s.stride, s.c);
    for (row, s.c) |*dst, v| dst.* = @floatCast(v);
    for (row) |v| if (!std.math.isFinite(v)) return false;
    return true;
}

/// Whether the ascending `sorted` holds `item`.
fn contains(sorted: []const u32, item: u32) bool {
    var lo: usize = 0;
    var hi: usize = sorted.len;
    while (lo < hi) {
        const mid = lo + (hi - lo) / 2;
        if (sorted[mid] < item) lo = mid + 1 else hi = mid;
    }
    return lo < sorted.len and sorted[lo] == item;
}

const Ranking = struct {
    items: Items,
    k: usize,
    /// x, the person's factors.
    x: []const f32,
    /// μ + b: added to every reported score.
    offset: f32,
    allowed: ?[]const u8,
    excluded: []const u32,
    heaps: []score.Heap,
    all_scores: ?[]f32,
    parts: u32,

    fn run(self: *const Ranking, part: u32) void {
        const k = self.k;
        const range = threads_mod.partRange(self.items.count(), self.parts, part);
        const heap = &self.heaps[part];
        for (range.begin..range.end) |i| {
            const y = self.items.factors[i * k ..][0..k];
            const s = self.items.bias[i] + (if (k == 0) 0 else linalg.dot(self.x, y));
            if (self.all_scores) |out| out[i] = s + self.offset;
            if (heap.scores.len == 0) continue; // top = 0: the scores only
            if (self.allowed) |mask| if (mask[i] == 0) continue;
            if (!(s > heap.threshold())) continue; // also refuses NaN
            const item: u32 = @intCast(i);
            if (contains(self.excluded, item)) continue;
            heap.offer(s, item);
        }
    }
};

/// What to rank and where to write it.
pub const Output = struct {
    /// `top` entries each, best first; padded with item maxInt(u32) and score −inf.
    items: []u32,
    scores: []f32,
    /// μ + b + s_i for every item, when given (`items.count()` entries).
    all_scores: ?[]f32,
};

/// Scores every item for the row `row` (k factors, bias) and writes the best `out.items.len`
/// among the allowed ones (`allowed[i] ≠ 0`, or all when null) that are not in `excluded`
/// (ascending). `s` must have been made for at least `parts` parts and this `top`.
pub fn rank(
    s: *Scratch,
    items: Items,
    mu: f32,
    row: []const f32,
    allowed: ?[]const u8,
    excluded: []const u32,
    out: Output,
    parts: u32,
) void {
    const k: usize = s.size - 1;
    const top = out.items.len;
    assert(row.len == k + 1);
    assert(out.scores.len == top);
    assert(items.factors.len == items.count() * k);
    if (allowed) |mask| assert(mask.len == items.count());
    if (out.all_scores) |all| assert(all.len == items.count());
    assert(parts >= 1);
    assert((@as(usize, parts) + 1) * top <= s.heap_scores.len);
    var heaps: [threads_mod.threads_max + 1]score.Heap = undefined;
    for (heaps[0 .. parts + 1], 0..) |*h, j| h.* = s.heap(j, top);
    const context: Ranking = .{
        .items = items,
        .k = k,
        .x = row[0..k],
        .offset = mu + row[k],
        .allowed = allowed,
        .excluded = excluded,
        .heaps = heaps[0..parts],
        .all_scores = out.all_scores,
        .parts = parts,
    };
    threads_mod.run(parts, &context, Ranking.run);
    const merged = &heaps[parts];
    for (heaps[0..parts]) |h| {
        for (h.scores[0..h.len], h.items[0..h.len]) |value, item| merged.offer(value, item);
    }
    merged.drain(context.offset, out.items, out.scores);
}

/// The parts `rank` splits the items into for a requested thread count.
pub fn partsFor(threads: u32, n_items: usize) u32 {
    return threads_mod.clampThreads(threads, n_items, items_per_thread_min);
}

// ---------------------------------------------------------------------------------------------
// Tests

const testing = std.testing;
const rows_mod = @import("rows.zig");
const status_mod = @import("status.zig");

fn randomFill(seed: u64, out: []f32, scale: f32) void {
    var rng = std.Random.DefaultPrng.init(seed);
    for (out) |*v| v.* = (rng.random().float(f32) - 0.5) * scale;
}

test "the fold-in row of a training user equals the half-step's row (ALS, ALS-WR, bias-only)" {
    const n_users = 40;
    const n_items = 300;
    var rng = std.Random.DefaultPrng.init(7);
    const random = rng.random();
    // Users rate 3 to 60 items: short rows (the half-step's dual solve) and long (primal).
    var ptr: [n_users + 1]u32 = undefined;
    var index: std.ArrayList(u32) = .empty;
    defer index.deinit(testing.allocator);
    var values: std.ArrayList(f32) = .empty;
    defer values.deinit(testing.allocator);
    ptr[0] = 0;
    for (0..n_users) |u| {
        const want = 3 + (u * 57) / n_users;
        for (0..n_items) |i| {
            if (random.uintLessThan(usize, n_items) >= want) continue;
            try index.append(testing.allocator, @intCast(i));
            const stars: f32 = @floatFromInt(random.intRangeAtMost(u32, 1, 10));
            try values.append(testing.allocator, stars * 0.5);
        }
        ptr[u + 1] = @intCast(index.items.len);
    }
    const rows: rows_mod.Rows = .{ .ptr = &ptr, .index = index.items, .values = values.items };
    for ([_]u32{ 0, 4, 24, 70 }) |k| {
        for ([_]bool{ false, true }) |weighted| {
            const params: als.Params = .{
                .k = k,
                .mu = 3.4,
                .lambda_factors = 0.3,
                .lambda_bias = 0.2,
                .weighted = weighted,
            };
            const item_factors = try testing.allocator.alloc(f32, n_items * k);
            defer testing.allocator.free(item_factors);
            var item_bias: [n_items]f32 = undefined;
            randomFill(k + 1, item_factors, 1);
            randomFill(k + 2, &item_bias, 1);
            const user_factors = try testing.allocator.alloc(f32, n_users * k);
            defer testing.allocator.free(user_factors);
            var user_bias: [n_users]f32 = undefined;
            var info: status_mod.ErrorRecord = .{};
            if (k == 0) {
                const bias_als = @import("bias_als.zig");
                const p: bias_als.Params = .{
                    .mu = params.mu,
                    .lambda = params.lambda_bias,
                    .weighted = weighted,
                };
                bias_als.halfStep(rows, &item_bias, &user_bias, p, 1);
            } else {
                const other: als.SideConst = .{ .factors = item_factors, .bias = &item_bias };
                const side: als.Side = .{ .factors = user_factors, .bias = &user_bias };
                const a = testing.allocator;
                const status = als.halfStep(a, rows, other, side, params, 1, &info);
                try testing.expectEqual(status_mod.Status.ok, status);
            }
            var s = try Scratch.init(testing.allocator, k, 64, 1, 1);
            defer s.deinit(testing.allocator);
            const row = try testing.allocator.alloc(f32, k + 1);
            defer testing.allocator.free(row);
            const items: Items = .{ .factors = item_factors, .bias = &item_bias };
            for (0..n_users) |u| {
                const b = rows.begin(u);
                const e = rows.end(u);
                const rated = rows.index[b..e];
                const solved = solveRow(&s, items, params, rated, rows.values[b..e], row);
                try testing.expect(solved);
                for (0..k) |f| {
                    const want = user_factors[u * k + f];
                    try testing.expectApproxEqAbs(want, row[f], 2e-5 * @max(1, @abs(want)));
                }
                const want = user_bias[u];
                try testing.expectApproxEqAbs(want, row[k], 2e-5 * @max(1, @abs(want)));
            }
        }
    }
}

test "the row solve accepts the half-step's parameters and the bias-only model" {
    const base: als.Params = .{
        .k = 3,
        .mu = 3.5,
        .lambda_factors = 0.1,
        .lambda_bias = 0.2,
        .weighted = true,
    };
    try testing.expect(paramsValid(base));
    var no_lambda = base;
    no_lambda.lambda_factors = 0;
    try testing.expect(!paramsValid(no_lambda)); // as `als.Params.valid`
    var bias_only = no_lambda;
    bias_only.k = 0;
    try testing.expect(paramsValid(bias_only)); // λ_f is not used
    bias_only.lambda_bias = -1;
    try testing.expect(!paramsValid(bias_only));
    bias_only.lambda_bias = 0;
    bias_only.mu = std.math.inf(f32);
    try testing.expect(!paramsValid(bias_only));
}

test "no ratings give the zero row; a singular system is refused" {
    var s = try Scratch.init(testing.allocator, 2, 2, 1, 1);
    defer s.deinit(testing.allocator);
    const factors = [_]f32{ 1, 0, 0, 1 };
    const bias = [_]f32{ 0, 0 };
    const items: Items = .{ .factors = &factors, .bias = &bias };
    var row = [_]f32{ 9, 9, 9 };
    const params: als.Params = .{
        .k = 2,
        .mu = 3,
        .lambda_factors = 0.1,
        .lambda_bias = 1,
        .weighted = false,
    };
    // 1.1 x₀ + b = 2 and x₀ + 2b = 2: x₀ = 5/3, x₁ = 0, b = 1/6.
    try testing.expect(solveRow(&s, items, params, &.{}, &.{}, &row));
    try testing.expectEqualSlices(f32, &.{ 0, 0, 0 }, &row);
    try testing.expect(solveRow(&s, items, params, &.{0}, &.{5}, &row));
    try testing.expectApproxEqAbs(@as(f32, 5.0 / 3.0), row[0], 1e-6);
    try testing.expectApproxEqAbs(@as(f32, 1.0 / 6.0), row[2], 1e-6);
    const huge = [_]f32{ std.math.nan(f32), 0, 0, 1 };
    const broken: Items = .{ .factors = &huge, .bias = &bias };
    try testing.expect(!solveRow(&s, broken, params, &.{0}, &.{5}, &row));
}

test "rank equals brute force under a mask, leaves out rated items, same for any thread count" {
    const n_items = 3 * items_per_thread_min + 123; // several parts for 2, 3 and 4 threads
    const k = 7;
    const factors = try testing.allocator.alloc(f32, n_items * k);
    defer testing.allocator.free(factors);
    const bias = try testing.allocator.alloc(f32, n_items);
    defer testing.allocator.free(bias);
    const allowed = try testing.allocator.alloc(u8, n_items);
    defer testing.allocator.free(allowed);
    randomFill(1, factors, 1);
    randomFill(2, bias, 1);
    var rng = std.Random.DefaultPrng.init(3);
    for (allowed) |*a| a.* = @intFromBool(rng.random().float(f32) < 0.3);
    bias[10] = bias[11]; // an exact tie, both allowed
    @memcpy(factors[11 * k ..][0..k], factors[10 * k ..][0..k]);
    allowed[10] = 1;
    allowed[11] = 1;
    const items: Items = .{ .factors = factors, .bias = bias };
    const row = [_]f32{ 0.5, -0.2, 0.1, 0.9, -0.4, 0.3, 0.05, 0.25 };
    // Exclude the best allowed items of a first unrestricted ranking.
    const top = 25;
    var first_items: [top]u32 = undefined;
    var first_scores: [top]f32 = undefined;
    var s = try Scratch.init(testing.allocator, k, 8, 4, top);
    defer s.deinit(testing.allocator);
    const first: Output = .{ .items = &first_items, .scores = &first_scores, .all_scores = null };
    rank(&s, items, 3, &row, allowed, &.{}, first, 1);
    var excluded = [_]u32{ first_items[0], first_items[3], first_items[7], 5 };
    std.mem.sort(u32, &excluded, {}, std.sort.asc(u32));
    const all = try testing.allocator.alloc(f32, n_items);
    defer testing.allocator.free(all);
    var got_items: [top]u32 = undefined;
    var got_scores: [top]f32 = undefined;
    var one_items: [top]u32 = undefined;
    for ([_]u32{ 1, 2, 3, 4 }) |parts| {
        const got: Output = .{ .items = &got_items, .scores = &got_scores, .all_scores = all };
        rank(&s, items, 3, &row, allowed, &excluded, got, parts);
        if (parts == 1) {
            one_items = got_items;
        } else {
            try testing.expectEqualSlices(u32, &one_items, &got_items);
        }
    }
    // Brute force: sort the allowed, not excluded items by (score desc, index asc).
    const Entry = struct { score: f32, item: u32 };
    var candidates: std.ArrayList(Entry) = .empty;
    defer candidates.deinit(testing.allocator);
    for (0..n_items) |i| {
        const item: u32 = @intCast(i);
        if (allowed[i] == 0 or contains(&excluded, item)) continue;
        const raw = bias[i] + linalg.dot(row[0..k], factors[i * k ..][0..k]);
        try candidates.append(testing.allocator, .{ .score = raw, .item = item });
        try testing.expectEqual(raw + (3 + row[k]), all[i]);
    }
    std.mem.sort(Entry, candidates.items, {}, struct {
        fn better(_: void, a: Entry, b: Entry) bool {
            return a.score > b.score or (a.score == b.score and a.item < b.item);
        }
    }.better);
    for (0..top) |j| {
        try testing.expectEqual(candidates.items[j].item, got_items[j]);
        try testing.expectEqual(candidates.items[j].score + (3 + row[k]), got_scores[j]);
        try testing.expect(allowed[got_items[j]] == 1 and !contains(&excluded, got_items[j]));
    }
    for (excluded) |e| try testing.expect(std.mem.indexOfScalar(u32, &got_items, e) == null);
}

test "rank pads a list longer than the allowed items" {
    var s = try Scratch.init(testing.allocator, 0, 1, 1, 4);
    defer s.deinit(testing.allocator);
    const bias = [_]f32{ 0.5, -0.5, 1 };
    const items: Items = .{ .factors = &.{}, .bias = &bias };
    var out_items: [4]u32 = undefined;
    var out_scores: [4]f32 = undefined;
    const row = [_]f32{0.25};
    const out: Output = .{ .items = &out_items, .scores = &out_scores, .all_scores = null };
    rank(&s, items, 3, &row, null, &.{2}, out, 1);
    const none = std.math.maxInt(u32);
    try testing.expectEqualSlices(u32, &.{ 0, 1, none, none }, &out_items);
    try testing.expectEqual(@as(f32, 3.75), out_scores[0]);
    try testing.expectEqual(-std.math.inf(f32), out_scores[3]);
    // top = 0 asks for the scores only.
    var all: [3]f32 = undefined;
    const scores_only: Output = .{ .items = &.{}, .scores = &.{}, .all_scores = &all };
    rank(&s, items, 3, &row, null, &.{}, scores_only, 1);
    try testing.expectEqualSlices(f32, &.{ 3.75, 2.75, 4.25 }, &all);
}
