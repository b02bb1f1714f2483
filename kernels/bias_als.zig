//! Bias-only ALS: r̂ = μ + b_u + b_i, fitted by alternating exact minimisations of
//! Σ (r − μ − b_u − b_i)² + λ Σ w b². One epoch first solves every user given the item biases,
//!   b_u = Σ_{i ∈ I_u} (r_ui − μ − b_i) / (n_u + λ·w_u),
//! then every item given the new user biases (the mirror). w = n (ALS-WR) or 1; a row without
//! ratings gets bias 0. Sums are accumulated in f64; results are stored as f32. Rows are
//! independent, so the numbers do not depend on the thread count.
const std = @import("std");
const assert = std.debug.assert;
const threads_mod = @import("threads.zig");
const rows_mod = @import("rows.zig");
const sparse = @import("sparse.zig");

const Rows = rows_mod.Rows;

/// The fewest rows a half-step gives one thread: a side with fewer than `threads ×
/// rows_per_thread_min` rows runs on fewer threads than asked for (tests size their data by it).
pub const rows_per_thread_min: u32 = 4096;

pub const Params = struct {
    mu: f32,
    lambda: f32,
    /// Multiply λ by the row's rating count (ALS-WR).
    weighted: bool,

    pub fn valid(self: Params) bool {
        return std.math.isFinite(self.mu) and self.lambda >= 0 and std.math.isFinite(self.lambda);
    }
};

const HalfStep = struct {
    rows: Rows,
    other_bias: []const f32,
    bias: []f32,
    params: Params,
    bounds: []const usize,

    fn run(self: *const HalfStep, part: u32) void {
        assert(part + 1 < self.bounds.len);
        assert(self.bounds[part] <= self.bounds[part + 1]);
        assert(self.bounds[part + 1] <= self.bias.len);
        var r = self.bounds[part];
        while (r < self.bounds[part + 1]) : (r += 1) self.bias[r] = solveRow(self, r);
    }

    fn solveRow(self: *const HalfStep, r: usize) f32 {
        const begin = self.rows.begin(r);
        const end = self.rows.end(r);
        assert(begin <= end);
        if (begin == end) return 0;
        const mu: f64 = self.params.mu;
        var sum: f64 = 0;
        for (self.rows.index[begin..end], self.rows.values[begin..end]) |other, value| {
            sum += @as(f64, value) - mu - @as(f64, self.other_bias[other]);
        }
        const n: f64 = @floatFromInt(end - begin);
        const weight: f64 = if (self.params.weighted) n else 1;
        return @floatCast(sum / (n + @as(f64, self.params.lambda) * weight));
    }
};

/// Solves every row's bias given the other side's biases (one half of an epoch).
pub fn halfStep(
    rows: Rows,
    other_bias: []const f32,
    bias: []f32,
    params: Params,
    threads: u32,
) void {
    assert(params.valid());
    rows.assertShape();
    assert(bias.len == rows.count());
    const parts = threads_mod.clampThreads(threads, rows.count(), rows_per_thread_min);
    var bounds: [threads_mod.threads_max + 1]usize = undefined;
    rows_mod.balancedBounds(rows.ptr, parts, 8, bounds[0 .. parts + 1]);
    const context: HalfStep = .{
        .rows = rows,
        .other_bias = other_bias,
        .bias = bias,
        .params = params,
        .bounds = bounds[0 .. parts + 1],
    };
    threads_mod.run(parts, &context, HalfStep.run);
}

/// One epoch: users given items, then items given the new users.
pub fn epoch(
    users: Rows,
    items: Rows,
    user_bias: []f32,
    item_bias: []f32,
    params: Params,
    threads: u32,
) void {
    assert(params.valid());
    assert(users.index.len == items.index.len);
    assert(user_bias.len == users.count());
    assert(item_bias.len == items.count());
    halfStep(users, item_bias, user_bias, params, threads);
    halfStep(items, user_bias, item_bias, params, threads);
}

const testing = std.testing;

test "one epoch of bias ALS by hand" {
    // Ratings: u0: i0=4, i1=2; u1: i0=5. μ = 11/3, λ = 1, item biases start at 0.
    const user_ptr = [_]u32{ 0, 2, 3 };
    const user_items = [_]u32{ 0, 1, 0 };
    const user_values = [_]f32{ 4, 2, 5 };
    const item_ptr = [_]u32{ 0, 2, 3 };
    const item_users = [_]u32{ 0, 1, 0 };
    const item_values = [_]f32{ 4, 5, 2 };
    const users: Rows = .{ .ptr = &user_ptr, .index = &user_items, .values = &user_values };
    const items: Rows = .{ .ptr = &item_ptr, .index = &item_users, .values = &item_values };
    const mu: f32 = 11.0 / 3.0;
    var user_bias = [_]f32{ 0, 0 };
    var item_bias = [_]f32{ 0, 0 };
    for ([_]u32{ 1, 2 }) |threads| {
        user_bias = .{ 0, 0 };
        item_bias = .{ 0, 0 };
        const params: Params = .{ .mu = mu, .lambda = 1, .weighted = false };
        epoch(users, items, &user_bias, &item_bias, params, threads);
        const m: f64 = mu;
        const bu0 = (4 - m + 2 - m) / 3;
        const bu1 = (5 - m) / 2;
        const bi0 = (4 - m - bu0 + 5 - m - bu1) / 3;
        const bi1 = (2 - m - bu0) / 2;
        try testing.expectApproxEqAbs(bu0, user_bias[0], 1e-6);
        try testing.expectApproxEqAbs(bu1, user_bias[1], 1e-6);
        try testing.expectApproxEqAbs(bi0, item_bias[0], 1e-6);
        try testing.expectApproxEqAbs(bi1, item_bias[1], 1e-6);
    }
    // ALS-WR: λ·n in the denominator; a row without ratings gets 0.
    const empty_ptr = [_]u32{ 0, 2, 3, 3 };
    const three: Rows = .{ .ptr = &empty_ptr, .index = &user_items, .values = &user_values };
    var bias3 = [_]f32{ 9, 9, 9 };
    halfStep(three, &item_bias, &bias3, .{ .mu = 3, .lambda = 0.5, .weighted = true }, 2);
    const residuals = 4.0 - 3 - @as(f64, item_bias[0]) + 2 - 3 - @as(f64, item_bias[1]);
    const want0 = residuals / (2 + 0.5 * 2);
    try testing.expectApproxEqAbs(want0, bias3[0], 1e-6);
    try testing.expectEqual(@as(f32, 0), bias3[2]);
}

/// A CSR matrix whose every user rates 0 to `degree_max` distinct random items, with ratings on
/// the half-star scale.
fn randomUserRows(
    allocator: std.mem.Allocator,
    n_users: u32,
    n_items: u32,
    degree_max: u32,
    seed: u64,
) !sparse.OwnedLayout {
    assert(degree_max <= n_items);
    var rng = std.Random.DefaultPrng.init(seed);
    const random = rng.random();
    const user_ptr = try allocator.alloc(u32, n_users + 1);
    errdefer allocator.free(user_ptr);
    const user_items = try allocator.alloc(u32, n_users * degree_max);
    errdefer allocator.free(user_items);
    const user_values = try allocator.alloc(f32, n_users * degree_max);
    errdefer allocator.free(user_values);
    user_ptr[0] = 0;
    var nnz: u32 = 0;
    for (0..n_users) |u| {
        const degree = random.uintAtMost(u32, degree_max);
        const row = user_items[nnz..][0..degree];
        var filled: usize = 0;
        while (filled < degree) {
            const item = random.uintLessThan(u32, n_items);
            if (std.mem.indexOfScalar(u32, row[0..filled], item) != null) continue;
            row[filled] = item;
            filled += 1;
        }
        std.mem.sort(u32, row, {}, std.sort.asc(u32));
        for (user_values[nnz..][0..degree]) |*v| {
            v.* = @as(f32, @floatFromInt(random.intRangeAtMost(u32, 1, 10))) * 0.5;
        }
        nnz += degree;
        user_ptr[u + 1] = nnz;
    }
    return .{ .ptr = user_ptr, .index = user_items, .values = user_values };
}

/// One half-step written plainly (f64 throughout): the reference of the threaded `halfStep`.
fn referenceHalfStep(rows: Rows, other: []const f64, out: []f64, params: Params) void {
    assert(out.len == rows.count());
    for (out, 0..) |*b, r| {
        var sum: f64 = 0;
        const row_index = rows.index[rows.begin(r)..rows.end(r)];
        const row_values = rows.values[rows.begin(r)..rows.end(r)];
        for (row_index, row_values) |o, v| sum += @as(f64, v) - params.mu - other[o];
        const n: f64 = @floatFromInt(rows.end(r) - rows.begin(r));
        const weight: f64 = if (params.weighted) n else 1;
        b.* = if (n == 0) 0 else sum / (n + params.lambda * weight);
    }
}

test "1, 2 and 3 threads give bit-identical biases, with both sides really cut into 2 and 3 parts" {
    // 3 threads make 3 partitions only from 3 × grain rows: both sides get more than that.
    const rows_per_part = rows_per_thread_min;
    const n_users: u32 = @intCast(3 * rows_per_part + 101);
    const n_items: u32 = @intCast(3 * rows_per_part + 37);
    for ([_]u32{ 2, 3 }) |threads| {
        try testing.expectEqual(threads, threads_mod.clampThreads(threads, n_users, rows_per_part));
        try testing.expectEqual(threads, threads_mod.clampThreads(threads, n_items, rows_per_part));
    }
    // Each user rates 0 to 7 distinct random items (about 3.5 ratings per item, a few items none).
    const by_user = try randomUserRows(testing.allocator, n_users, n_items, 7, 17);
    defer by_user.deinit(testing.allocator);
    const nnz = by_user.ptr[n_users];
    // The same ratings by item (users ascending within an item), by the loader's own transpose.
    const by_item = try sparse.transposed(
        testing.allocator,
        by_user.ptr,
        by_user.index[0..nnz],
        by_user.values[0..nnz],
        n_items,
    );
    defer by_item.deinit(testing.allocator);
    const users: Rows = .{
        .ptr = by_user.ptr,
        .index = by_user.index[0..nnz],
        .values = by_user.values[0..nnz],
    };
    const items: Rows = .{ .ptr = by_item.ptr, .index = by_item.index, .values = by_item.values };

    const user_bias = try testing.allocator.alloc(f32, n_users);
    defer testing.allocator.free(user_bias);
    const item_bias = try testing.allocator.alloc(f32, n_items);
    defer testing.allocator.free(item_bias);
    const first_user = try testing.allocator.alloc(f32, n_users);
    defer testing.allocator.free(first_user);
    const first_item = try testing.allocator.alloc(f32, n_items);
    defer testing.allocator.free(first_item);
    const want_user = try testing.allocator.alloc(f64, n_users);
    defer testing.allocator.free(want_user);
    const want_item = try testing.allocator.alloc(f64, n_items);
    defer testing.allocator.free(want_item);
    for ([_]bool{ false, true }) |weighted| {
        const params: Params = .{ .mu = 3.25, .lambda = 2, .weighted = weighted };
        // Three epochs written plainly (f64 throughout), from zero biases.
        @memset(want_user, 0);
        @memset(want_item, 0);
        for (0..3) |_| {
            referenceHalfStep(users, want_item, want_user, params);
            referenceHalfStep(items, want_user, want_item, params);
        }
        // Thread counts in an order that also repeats one (the same count twice gives the same
        // bits).
        for ([_]u32{ 1, 2, 3, 2 }, 0..) |threads, run| {
            @memset(user_bias, 0);
            @memset(item_bias, 0);
            for (0..3) |_| epoch(users, items, user_bias, item_bias, params, threads);
            for (want_user, user_bias) |want, got| try testing.expectApproxEqAbs(want, got, 1e-4);
            for (want_item, item_bias) |want, got| try testing.expectApproxEqAbs(want, got, 1e-4);
            if (run == 0) {
                @memcpy(first_user, user_bias);
                @memcpy(first_item, item_bias);
            } else {
                // Bit patterns, so that even -0 and 0 differ.
                try testing.expectEqualSlices(u32, @ptrCast(first_user), @ptrCast(user_bias));
                try testing.expectEqualSlices(u32, @ptrCast(first_item), @ptrCast(item_bias));
            }
        }
    }
}
