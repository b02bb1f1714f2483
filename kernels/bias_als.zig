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

const Rows = rows_mod.Rows;

pub const Params = struct {
    mu: f32,
    lambda: f32,
    /// Multiply λ by the row's rating count (ALS-WR).
    weighted: bool,
};

const HalfStep = struct {
    rows: Rows,
    other_bias: []const f32,
    bias: []f32,
    params: Params,
    bounds: []const usize,

    fn run(self: *const HalfStep, part: u32) void {
        var r = self.bounds[part];
        while (r < self.bounds[part + 1]) : (r += 1) self.bias[r] = solveRow(self, r);
    }

    fn solveRow(self: *const HalfStep, r: usize) f32 {
        const begin = self.rows.begin(r);
        const end = self.rows.end(r);
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
pub fn halfStep(rows: Rows, other_bias: []const f32, bias: []f32, params: Params, threads: u32) void {
    assert(bias.len == rows.count());
    assert(params.lambda >= 0);
    const parts = threads_mod.clampThreads(threads, rows.count(), 4096);
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
pub fn epoch(users: Rows, items: Rows, user_bias: []f32, item_bias: []f32, params: Params, threads: u32) void {
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
        epoch(users, items, &user_bias, &item_bias, .{ .mu = mu, .lambda = 1, .weighted = false }, threads);
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
    const want0 = (4.0 - 3 - @as(f64, item_bias[0]) + 2 - 3 - @as(f64, item_bias[1])) / (2 + 0.5 * 2);
    try testing.expectApproxEqAbs(want0, bias3[0], 1e-6);
    try testing.expectEqual(@as(f32, 0), bias3[2]);
}
