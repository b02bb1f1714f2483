//! Using a fitted model r̂_ui = μ + b_u + b_i + x_u·y_i (k = 0 for bias-only models): predicting
//! (user, item) pairs, scoring a whole rating matrix (squared and absolute error), and top-N
//! recommendation with exclusion of the user's rated items.
//!
//! Unknown ids: a user index ≥ the model's user count is "unknown" and contributes neither bias
//! nor factors (r̂ = μ + b_i), likewise an unknown item (r̂ = μ + b_u); both unknown give μ.
//! Predictions are clamped to the rating scale and are never NaN (a NaN falls back to μ, clamped).
//!
//! Recommendation scores every item for a block of users with a register-blocked matrix product
//! (6 users × 2 SIMD vectors of items per tile, item factors packed into panels once per call),
//! and keeps each user's best N in a small heap (partial selection). Ranking scores are the
//! unclamped predictions; ties go to the lower item index. Each user's result is computed with the
//! same arithmetic in the same order whatever the batch or thread count.
const std = @import("std");
const assert = std.debug.assert;
const threads_mod = @import("threads.zig");
const rows_mod = @import("rows.zig");
const linalg = @import("linalg.zig");

const Rows = rows_mod.Rows;
const V = linalg.V;
const lanes = linalg.lanes;

pub const Model = struct {
    k: u32,
    mu: f32,
    user_factors: []const f32,
    item_factors: []const f32,
    user_bias: []const f32,
    item_bias: []const f32,

    pub fn users(self: Model) usize {
        return self.user_bias.len;
    }

    pub fn items(self: Model) usize {
        return self.item_bias.len;
    }

    pub fn consistent(self: Model) bool {
        const k: usize = self.k;
        const users_ok = self.user_factors.len == self.users() * k;
        return users_ok and self.item_factors.len == self.items() * k;
    }

    /// The unclamped prediction with the unknown-id fallback.
    pub fn raw(self: Model, user: u32, item: u32) f32 {
        const k: usize = self.k;
        const user_known = user < self.users();
        const item_known = item < self.items();
        var s = self.mu;
        if (user_known) s += self.user_bias[user];
        if (item_known) s += self.item_bias[item];
        if (user_known and item_known and k > 0) {
            s += linalg.dot(
                self.user_factors[user * k ..][0..k],
                self.item_factors[item * k ..][0..k],
            );
        }
        return s;
    }
};

/// The rating scale predictions are clamped to.
pub const Scale = struct {
    min: f32,
    max: f32,

    pub fn valid(self: Scale) bool {
        return std.math.isFinite(self.min) and std.math.isFinite(self.max) and self.min <= self.max;
    }

    pub fn clamp(self: Scale, value: f32, fallback: f32) f32 {
        const v = if (std.math.isNan(value)) fallback else value;
        const c = @min(@max(v, self.min), self.max);
        return if (std.math.isNan(c)) self.min else c;
    }
};

const Pairs = struct {
    model: Model,
    users: []const u32,
    items: []const u32,
    scale: Scale,
    out: []f32,
    parts: u32,

    fn run(self: *const Pairs, part: u32) void {
        const range = threads_mod.partRange(self.out.len, self.parts, part);
        const ahead = 16;
        var j = range.begin;
        while (j < range.end) : (j += 1) {
            if (j + ahead < range.end) self.prefetch(self.users[j + ahead], self.items[j + ahead]);
            const value = self.model.raw(self.users[j], self.items[j]);
            self.out[j] = self.scale.clamp(value, self.model.mu);
        }
    }

    /// Starts loading both biases and every cache line of both factor rows of a pair.
    fn prefetch(self: *const Pairs, user: u32, item: u32) void {
        const k: usize = self.model.k;
        if (user < self.model.users()) {
            @prefetch(self.model.user_bias.ptr + user, .{});
            prefetchRow(self.model.user_factors[user * k ..][0..k]);
        }
        if (item < self.model.items()) {
            @prefetch(self.model.item_bias.ptr + item, .{});
            prefetchRow(self.model.item_factors[item * k ..][0..k]);
        }
    }
};

/// Prefetches every cache line a row spans (rows need not start on a line).
fn prefetchRow(row: []const f32) void {
    if (row.len == 0) return;
    const line_bytes = 64;
    const first = @intFromPtr(row.ptr) & ~@as(usize, line_bytes - 1);
    const last = @intFromPtr(row.ptr + row.len - 1);
    var line = first;
    while (line <= last) : (line += line_bytes) @prefetch(@as([*]const u8, @ptrFromInt(line)), .{});
}

/// out[j] = clamped prediction for (users[j], items[j]).
pub fn predictPairs(
    model: Model,
    users: []const u32,
    items: []const u32,
    scale: Scale,
    out: []f32,
    threads: u32,
) void {
    assert(model.consistent());
    assert(scale.valid());
    assert(users.len == items.len);
    assert(users.len == out.len);
    const parts = threads_mod.clampThreads(threads, out.len, 1 << 14);
    const context: Pairs = .{
        .model = model,
        .users = users,
        .items = items,
        .scale = scale,
        .out = out,
        .parts = parts,
    };
    threads_mod.run(parts, &context, Pairs.run);
}

const Matrix = struct {
    model: Model,
    rows: Rows,
    scale: Scale,
    out: ?[]f32,
    /// Per row: squared and absolute error sums.
    row_sums: [][2]f64,
    bounds: []const usize,

    fn run(self: *const Matrix, part: u32) void {
        var r = self.bounds[part];
        while (r < self.bounds[part + 1]) : (r += 1) {
            var sse: f64 = 0;
            var sae: f64 = 0;
            for (self.rows.begin(r)..self.rows.end(r)) |e| {
                const item = self.rows.index[e];
                const predicted = self.scale.clamp(
                    self.model.raw(@intCast(r), item),
                    self.model.mu,
                );
                if (self.out) |out| out[e] = predicted;
                const err: f64 = @as(f64, self.rows.values[e]) - predicted;
                sse += err * err;
                sae += @abs(err);
            }
            self.row_sums[r] = .{ sse, sae };
        }
    }
};

/// Predicts every entry of `rows` (rows = users, index = items) and returns the sums of squared and
/// absolute errors. `out`, when given, receives the predictions in entry order. The sums are added
/// row by row in row order, so they do not depend on the thread count.
pub fn scoreMatrix(
    allocator: std.mem.Allocator,
    model: Model,
    rows: Rows,
    scale: Scale,
    out: ?[]f32,
    threads: u32,
) !struct { sse: f64, sae: f64 } {
    assert(model.consistent());
    assert(scale.valid());
    if (out) |o| assert(o.len == rows.index.len);
    const count = rows.count();
    const row_sums = try allocator.alloc([2]f64, count);
    defer allocator.free(row_sums);
    const parts = threads_mod.clampThreads(threads, rows.index.len, 1 << 14);
    var bounds: [threads_mod.threads_max + 1]usize = undefined;
    rows_mod.balancedBounds(rows.ptr, parts, 4, bounds[0 .. parts + 1]);
    const context: Matrix = .{
        .model = model,
        .rows = rows,
        .scale = scale,
        .out = out,
        .row_sums = row_sums,
        .bounds = bounds[0 .. parts + 1],
    };
    threads_mod.run(parts, &context, Matrix.run);
    var sse: f64 = 0;
    var sae: f64 = 0;
    for (row_sums) |sums| {
        sse += sums[0];
        sae += sums[1];
    }
    return .{ .sse = sse, .sae = sae };
}

// ---------------------------------------------------------------------------------------------
// Top-N.

/// Items per packed panel (the width of a recommendation tile).
const panel_width = 2 * lanes;
/// Users per register tile.
const tile_users = 6;
/// Users whose heaps and factor rows are kept while the items stream past.
const block_users = 8 * tile_users;
/// Panels per item block (about 128 KiB of packed factors at k = 64, an L2-sized block).
fn blockPanels(k: usize) usize {
    return @max(4, (128 * 1024) / (@max(k, 1) * panel_width * @sizeOf(f32)));
}

/// Item factors packed as panels of `panel_width` items: panel p holds, for each factor f, the
/// values of items p·W .. p·W+W−1 contiguously. Padding items have zero factors and bias −inf.
const Packed = struct {
    factors: []f32,
    bias: []f32,
    panels: usize,

    fn init(allocator: std.mem.Allocator, model: Model) !Packed {
        const k: usize = model.k;
        const panels = (model.items() + panel_width - 1) / panel_width;
        const factors = try allocator.alloc(f32, panels * panel_width * k);
        errdefer allocator.free(factors);
        const bias = try allocator.alloc(f32, panels * panel_width);
        @memset(bias, -std.math.inf(f32));
        @memcpy(bias[0..model.items()], model.item_bias);
        @memset(factors, 0);
        for (0..model.items()) |i| {
            const panel = factors[(i / panel_width) * panel_width * k ..][0 .. panel_width * k];
            const column = i % panel_width;
            for (model.item_factors[i * k ..][0..k], 0..) |value, f| {
                panel[f * panel_width + column] = value;
            }
        }
        return .{ .factors = factors, .bias = bias, .panels = panels };
    }

    fn deinit(self: *Packed, allocator: std.mem.Allocator) void {
        allocator.free(self.factors);
        allocator.free(self.bias);
        self.* = undefined;
    }
};

/// A bounded min-heap of (score, item) keeping the best `capacity` entries. "Better" is a higher
/// score, then a lower item index.
/// A sift down moves one level per step; a binary heap of at most 2^32 entries has 33 levels, so
/// the loops that walk it are bounded by this (and assert they stopped before it).
pub const heap_depth_max: usize = 40;

pub const Heap = struct {
    scores: []f32,
    items: []u32,
    len: usize,

    fn worse(a_score: f32, a_item: u32, b_score: f32, b_item: u32) bool {
        return a_score < b_score or (a_score == b_score and a_item > b_item);
    }

    /// Scores at or below this cannot enter (−inf until the heap is full).
    pub fn threshold(self: *const Heap) f32 {
        return if (self.len < self.scores.len) -std.math.inf(f32) else self.scores[0];
    }

    pub fn offer(self: *Heap, score: f32, item: u32) void {
        const capacity = self.scores.len;
        if (capacity == 0) return;
        if (self.len < capacity) {
            var j = self.len;
            self.len += 1;
            while (j > 0) { // sift up
                const parent = (j - 1) / 2;
                if (!worse(score, item, self.scores[parent], self.items[parent])) break;
                self.scores[j] = self.scores[parent];
                self.items[j] = self.items[parent];
                j = parent;
            }
            self.scores[j] = score;
            self.items[j] = item;
            return;
        }
        if (!worse(self.scores[0], self.items[0], score, item)) return;
        var j: usize = 0;
        var depth: usize = 0;
        while (depth < heap_depth_max) : (depth += 1) { // sift down
            const left = 2 * j + 1;
            if (left >= capacity) break;
            var child = left;
            const right = left + 1;
            if (right < capacity and
                worse(self.scores[right], self.items[right], self.scores[left], self.items[left]))
            {
                child = right;
            }
            if (!worse(self.scores[child], self.items[child], score, item)) break;
            self.scores[j] = self.scores[child];
            self.items[j] = self.items[child];
            j = child;
        }
        assert(depth < heap_depth_max);
        assert(j < capacity);
        self.scores[j] = score;
        self.items[j] = item;
    }

    /// Writes the entries best first into `items`/`scores` (length = capacity), padding with
    /// item maxInt(u32) and score −inf, and adds `offset` to every real score.
    pub fn drain(self: *Heap, offset: f32, items: []u32, scores: []f32) void {
        assert(items.len == self.scores.len);
        assert(scores.len == self.scores.len);
        // Heap sort in place: repeatedly move the worst to the end of the live range.
        var n = self.len;
        while (n > 1) {
            n -= 1;
            std.mem.swap(f32, &self.scores[0], &self.scores[n]);
            std.mem.swap(u32, &self.items[0], &self.items[n]);
            var j: usize = 0;
            var depth: usize = 0;
            while (depth < heap_depth_max) : (depth += 1) { // sift down
                const left = 2 * j + 1;
                if (left >= n) break;
                var child = left;
                if (left + 1 < n and
                    worse(
                        self.scores[left + 1],
                        self.items[left + 1],
                        self.scores[left],
                        self.items[left],
                    ))
                {
                    child = left + 1;
                }
                if (!worse(
                    self.scores[child],
                    self.items[child],
                    self.scores[j],
                    self.items[j],
                )) break;
                std.mem.swap(f32, &self.scores[j], &self.scores[child]);
                std.mem.swap(u32, &self.items[j], &self.items[child]);
                j = child;
            }
            assert(depth < heap_depth_max);
        }
        // Now best first in 0..len.
        for (0..self.scores.len) |j| {
            if (j < self.len) {
                items[j] = self.items[j];
                scores[j] = self.scores[j] + offset;
            } else {
                items[j] = std.math.maxInt(u32);
                scores[j] = -std.math.inf(f32);
            }
        }
        self.len = 0;
    }
};

fn isExcluded(exclude: ?Rows, user: u32, item: u32) bool {
    const rows = exclude orelse return false;
    if (user >= rows.count()) return false;
    const rated = rows.index[rows.begin(user)..rows.end(user)];
    var lo: usize = 0;
    var hi: usize = rated.len;
    while (lo < hi) {
        const mid = lo + (hi - lo) / 2;
        if (rated[mid] < item) lo = mid + 1 else hi = mid;
    }
    return lo < rated.len and rated[lo] == item;
}

const Recommend = struct {
    allocator: std.mem.Allocator,
    model: Model,
    packed_items: *const Packed,
    users: []const u32,
    top: usize,
    exclude: ?Rows,
    out_items: []u32,
    out_scores: []f32,
    parts: u32,
    failed: []bool,

    fn run(self: *const Recommend, part: u32) void {
        const k: usize = self.model.k;
        const heap_len = block_users * self.top;
        const heap_scores = self.allocator.alloc(f32, heap_len) catch return self.fail(part);
        defer self.allocator.free(heap_scores);
        const heap_items = self.allocator.alloc(u32, heap_len) catch return self.fail(part);
        defer self.allocator.free(heap_items);
        // Factor rows of the block's users (zeros for unknown users).
        const x = self.allocator.alloc(f32, block_users * @max(k, 1)) catch return self.fail(part);
        defer self.allocator.free(x);
        var heaps: [block_users]Heap = undefined;
        for (&heaps, 0..) |*heap, b| heap.* = .{
            .scores = heap_scores[b * self.top ..][0..self.top],
            .items = heap_items[b * self.top ..][0..self.top],
            .len = 0,
        };
        const range = threads_mod.partRange(self.users.len, self.parts, part);
        var start = range.begin;
        while (start < range.end) : (start += block_users) {
            const count = @min(block_users, range.end - start);
            self.recommendBlock(self.users[start..][0..count], x, heaps[0..count]);
            for (heaps[0..count], 0..) |*heap, b| {
                const user = self.users[start + b];
                const known = user < self.model.users();
                const offset = self.model.mu + (if (known) self.model.user_bias[user] else 0);
                const slot = (start + b) * self.top;
                heap.drain(
                    offset,
                    self.out_items[slot..][0..self.top],
                    self.out_scores[slot..][0..self.top],
                );
            }
        }
    }

    fn fail(self: *const Recommend, part: u32) void {
        self.failed[part] = true;
    }

    fn recommendBlock(self: *const Recommend, users: []const u32, x: []f32, heaps: []Heap) void {
        const k: usize = self.model.k;
        for (users, 0..) |user, b| {
            const row = x[b * k ..][0..k];
            if (user < self.model.users()) {
                @memcpy(row, self.model.user_factors[user * k ..][0..k]);
            } else {
                @memset(row, 0);
            }
        }
        const panels_per_block = blockPanels(k);
        var panel0: usize = 0;
        while (panel0 < self.packed_items.panels) : (panel0 += panels_per_block) {
            const panel_end = @min(self.packed_items.panels, panel0 + panels_per_block);
            var t: usize = 0;
            while (t < users.len) : (t += tile_users) {
                const mr = @min(tile_users, users.len - t);
                switch (mr) {
                    inline 1...tile_users => |m| self.scoreTiles(
                        m,
                        users[t..][0..m],
                        x[t * k ..],
                        heaps[t..][0..m],
                        panel0,
                        panel_end,
                    ),
                    else => unreachable,
                }
            }
        }
    }

    fn scoreTiles(
        self: *const Recommend,
        comptime mr: usize,
        users: *const [mr]u32,
        x: []const f32,
        heaps: *[mr]Heap,
        panel0: usize,
        panel_end: usize,
    ) void {
        const k: usize = self.model.k;
        var panel = panel0;
        while (panel < panel_end) : (panel += 1) {
            const panel_len = panel_width * k;
            const factors = self.packed_items.factors[panel * panel_len ..][0..panel_len];
            var acc: [mr][2]V = undefined;
            inline for (0..mr) |r| {
                acc[r][0] = @splat(0);
                acc[r][1] = @splat(0);
            }
            for (0..k) |f| {
                const v0: V = factors[f * panel_width ..][0..lanes].*;
                const v1: V = factors[f * panel_width + lanes ..][0..lanes].*;
                inline for (0..mr) |r| {
                    const s: V = @splat(x[r * k + f]);
                    acc[r][0] = linalg.mulAdd(V, s, v0, acc[r][0]);
                    acc[r][1] = linalg.mulAdd(V, s, v1, acc[r][1]);
                }
            }
            const bias = self.packed_items.bias[panel * panel_width ..][0..panel_width];
            const b0: V = bias[0..lanes].*;
            const b1: V = bias[lanes..][0..lanes].*;
            inline for (0..mr) |r| {
                const scores = [2]V{ acc[r][0] + b0, acc[r][1] + b1 };
                inline for (0..2) |half| {
                    const limit: V = @splat(heaps[r].threshold());
                    const mask: std.meta.Int(.unsigned, lanes) = @bitCast(scores[half] > limit);
                    if (mask != 0) self.offerMasked(
                        &heaps[r],
                        users[r],
                        scores[half],
                        mask,
                        panel * panel_width + half * lanes,
                    );
                }
            }
        }
    }

    fn offerMasked(
        self: *const Recommend,
        heap: *Heap,
        user: u32,
        scores: V,
        mask_bits: std.meta.Int(.unsigned, lanes),
        first_item: usize,
    ) void {
        const values: [lanes]f32 = scores;
        var mask = mask_bits;
        while (mask != 0) {
            const lane = @ctz(mask);
            mask &= mask - 1;
            const item: u32 = @intCast(first_item + lane);
            if (values[lane] <= heap.threshold()) continue;
            if (isExcluded(self.exclude, user, item)) continue;
            heap.offer(values[lane], item);
        }
    }
};

/// Top-`top` items for each user in `users`: `out_items`/`out_scores` get `users.len × top`
/// entries, best first. Items the user rated in `exclude` (rows = users, index ascending) are
/// skipped; slots beyond the available items hold item maxInt(u32) and score −inf.
pub fn recommend(
    allocator: std.mem.Allocator,
    model: Model,
    users: []const u32,
    top: u32,
    exclude: ?Rows,
    out_items: []u32,
    out_scores: []f32,
    threads: u32,
) !bool {
    assert(model.consistent());
    assert(out_items.len == users.len * top);
    assert(out_scores.len == out_items.len);
    if (users.len == 0 or top == 0) return true;
    var packed_items = try Packed.init(allocator, model);
    defer packed_items.deinit(allocator);
    const parts = threads_mod.clampThreads(threads, users.len, tile_users);
    var failed = [_]bool{false} ** threads_mod.threads_max;
    const context: Recommend = .{
        .allocator = allocator,
        .model = model,
        .packed_items = &packed_items,
        .users = users,
        .top = top,
        .exclude = exclude,
        .out_items = out_items,
        .out_scores = out_scores,
        .parts = parts,
        .failed = failed[0..parts],
    };
    threads_mod.run(parts, &context, Recommend.run);
    for (failed[0..parts]) |f| if (f) return false;
    return true;
}

const testing = std.testing;

test "predictions: fallback for unknown ids, clamping, never NaN" {
    const user_factors = [_]f32{ 1, 0, 0, 2 };
    const item_factors = [_]f32{ 1, 1, 3, -1 };
    const model: Model = .{
        .k = 2,
        .mu = 3,
        .user_factors = &user_factors,
        .item_factors = &item_factors,
        .user_bias = &.{ 0.5, -0.5 },
        .item_bias = &.{ 0.25, -1 },
    };
    const scale: Scale = .{ .min = 0.5, .max = 5 };
    const users = [_]u32{ 0, 1, 0, 7, 7, 1 };
    const items = [_]u32{ 0, 0, 9, 1, 9, 1 };
    var out: [6]f32 = undefined;
    predictPairs(model, &users, &items, scale, &out, 2);
    // (0,0): 3 + .5 + .25 + 1 = 4.75; (1,0): 3 - .5 + .25 + 2 = 4.75;
    // (0, unknown): 3.5; (unknown, 1): 2; both unknown: 3; (1,1): 3 - .5 - 1 - 2 = -0.5 → 0.5.
    try testing.expectEqualSlices(f32, &.{ 4.75, 4.75, 3.5, 2, 3, 0.5 }, &out);
    const nan_bias = [_]f32{ std.math.nan(f32), 0 };
    const broken: Model = .{
        .k = 2,
        .mu = 3,
        .user_factors = &user_factors,
        .item_factors = &item_factors,
        .user_bias = &nan_bias,
        .item_bias = &.{ 0, 0 },
    };
    predictPairs(broken, &users, &items, scale, &out, 1);
    for (out) |v| try testing.expect(!std.math.isNan(v));
}

test "scoreMatrix sums errors by hand" {
    const model: Model = .{
        .k = 0,
        .mu = 3,
        .user_factors = &.{},
        .item_factors = &.{},
        .user_bias = &.{ 1, 0 },
        .item_bias = &.{ 0, -1 },
    };
    // Ratings: (0,0)=5 → pred 4, err 1; (0,1)=3 → pred 3, err 0; (1,1)=4 → pred 2, err 2.
    const rows: Rows = .{ .ptr = &.{ 0, 2, 3 }, .index = &.{ 0, 1, 1 }, .values = &.{ 5, 3, 4 } };
    var out: [3]f32 = undefined;
    const sums = try scoreMatrix(
        testing.allocator,
        model,
        rows,
        .{ .min = 0.5, .max = 5 },
        &out,
        2,
    );
    try testing.expectEqual(@as(f64, 5), sums.sse);
    try testing.expectEqual(@as(f64, 3), sums.sae);
    try testing.expectEqualSlices(f32, &.{ 4, 3, 2 }, &out);
}

test "recommend equals brute force, excludes rated items, same for any batch and threads" {
    const n_users = 23;
    const n_items = 77;
    const k = 5;
    var rng = std.Random.DefaultPrng.init(9);
    const random = rng.random();
    var user_factors: [n_users * k]f32 = undefined;
    var item_factors: [n_items * k]f32 = undefined;
    var user_bias: [n_users]f32 = undefined;
    var item_bias: [n_items]f32 = undefined;
    for (&user_factors) |*v| v.* = random.float(f32) - 0.5;
    for (&item_factors) |*v| v.* = random.float(f32) - 0.5;
    for (&user_bias) |*v| v.* = random.float(f32) - 0.5;
    for (&item_bias) |*v| v.* = random.float(f32) - 0.5;
    item_bias[3] = item_bias[4]; // a tie candidate
    @memcpy(item_factors[4 * k ..][0..k], item_factors[3 * k ..][0..k]);
    const model: Model = .{
        .k = k,
        .mu = 3,
        .user_factors = &user_factors,
        .item_factors = &item_factors,
        .user_bias = &user_bias,
        .item_bias = &item_bias,
    };
    // User u rated items u, u+1, ..., u+9 (mod n_items), ascending.
    var ptr: [n_users + 1]u32 = undefined;
    var index: [n_users * 10]u32 = undefined;
    var values: [n_users * 10]f32 = undefined;
    for (0..n_users) |u| {
        ptr[u] = @intCast(u * 10);
        var rated: [10]u32 = undefined;
        for (&rated, 0..) |*r, j| r.* = @intCast((u * 3 + j) % n_items);
        std.mem.sort(u32, &rated, {}, std.sort.asc(u32));
        @memcpy(index[u * 10 ..][0..10], &rated);
    }
    ptr[n_users] = n_users * 10;
    @memset(&values, 4);
    const exclude: Rows = .{ .ptr = &ptr, .index = &index, .values = &values };
    const top = 7;
    var all_users: [n_users + 1]u32 = undefined;
    for (0..n_users) |u| all_users[u] = @intCast(u);
    all_users[n_users] = 1000; // unknown user: ranked by item bias, nothing excluded
    var items_out: [(n_users + 1) * top]u32 = undefined;
    var scores_out: [(n_users + 1) * top]f32 = undefined;
    try testing.expect(
        try recommend(
            testing.allocator,
            model,
            &all_users,
            top,
            exclude,
            &items_out,
            &scores_out,
            2,
        ),
    );
    for (all_users, 0..) |user, b| {
        // Brute force in f64.
        var best: [n_items]struct { score: f64, item: u32 } = undefined;
        var count: usize = 0;
        for (0..n_items) |i| {
            const item: u32 = @intCast(i);
            if (isExcluded(exclude, user, item)) continue;
            var s: f64 = 3 + @as(f64, item_bias[i]);
            if (user < n_users) {
                s += user_bias[user];
                for (0..k) |f| s += @as(f64, user_factors[user * k + f]) * item_factors[i * k + f];
            }
            best[count] = .{ .score = s, .item = item };
            count += 1;
        }
        const Entry = @TypeOf(best[0]);
        std.mem.sort(Entry, best[0..count], {}, struct {
            fn lessThan(_: void, a: Entry, c: Entry) bool {
                return a.score > c.score or (a.score == c.score and a.item < c.item);
            }
        }.lessThan);
        for (0..top) |j| {
            try testing.expectEqual(best[j].item, items_out[b * top + j]);
            try testing.expectApproxEqAbs(best[j].score, scores_out[b * top + j], 1e-5);
            try testing.expect(!isExcluded(exclude, user, items_out[b * top + j]));
        }
    }
    // One user at a time and one thread: bit-identical.
    for (all_users, 0..) |user, b| {
        var one_items: [top]u32 = undefined;
        var one_scores: [top]f32 = undefined;
        try testing.expect(
            try recommend(
                testing.allocator,
                model,
                &.{user},
                top,
                exclude,
                &one_items,
                &one_scores,
                1,
            ),
        );
        try testing.expectEqualSlices(u32, items_out[b * top ..][0..top], &one_items);
        try testing.expectEqualSlices(f32, scores_out[b * top ..][0..top], &one_scores);
    }
}

test "recommend pads when fewer items than asked" {
    const model: Model = .{
        .k = 0,
        .mu = 3,
        .user_factors = &.{},
        .item_factors = &.{},
        .user_bias = &.{0},
        .item_bias = &.{ 0.5, -0.5, 1 },
    };
    const exclude: Rows = .{ .ptr = &.{ 0, 1 }, .index = &.{2}, .values = &.{5} };
    var items: [4]u32 = undefined;
    var scores: [4]f32 = undefined;
    try testing.expect(
        try recommend(testing.allocator, model, &.{0}, 4, exclude, &items, &scores, 1),
    );
    try testing.expectEqualSlices(
        u32,
        &.{ 0, 1, std.math.maxInt(u32), std.math.maxInt(u32) },
        &items,
    );
    try testing.expectEqual(@as(f32, 3.5), scores[0]);
    try testing.expectEqual(-std.math.inf(f32), scores[3]);
}
