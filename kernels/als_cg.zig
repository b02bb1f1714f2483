//! Explicit ALS with biases (the model and loss of als.zig) with conjugate-gradient row solves:
//! instead of forming and factorising each row's (K+1) × (K+1) system
//!   A θ = c,  A = Σ z_i z_iᵀ + D,  c = Σ r'_i z_i,  z_i = [y_i; 1],  θ = [x_u; b_u],
//! a few CG steps start from the row's current θ (the previous epoch's solution) and use A only
//! through products A v = Σ z_i (z_i·v) + D v, which cost O(n K) per step instead of the
//! O(n K² + K³) of the exact solve. The result is an approximation that improves with the steps
//! and across epochs; als.zig stays the exact reference.
//! Rows are solved by one thread each from the same inputs in the same order, so the numbers are
//! the same whatever the thread count.
const std = @import("std");
const assert = std.debug.assert;
const threads_mod = @import("threads.zig");
const rows_mod = @import("rows.zig");
const linalg = @import("linalg.zig");
const als = @import("als.zig");

const Rows = rows_mod.Rows;

/// Per-thread vectors of k + 1 entries (factors, then the bias).
const Vectors = struct {
    theta: []f32,
    r: []f32,
    p: []f32,
    ap: []f32,
    buffer: []f32,

    fn init(allocator: std.mem.Allocator, k: usize) !Vectors {
        assert(k >= 1);
        assert(k <= als.k_max);
        const buffer = try allocator.alloc(f32, 4 * (k + 1));
        const n = k + 1;
        return .{
            .theta = buffer[0..n],
            .r = buffer[n .. 2 * n],
            .p = buffer[2 * n .. 3 * n],
            .ap = buffer[3 * n ..],
            .buffer = buffer,
        };
    }

    fn deinit(self: *Vectors, allocator: std.mem.Allocator) void {
        allocator.free(self.buffer);
        self.* = undefined;
    }
};

const HalfStep = struct {
    allocator: std.mem.Allocator,
    rows: Rows,
    other: als.SideConst,
    side: als.Side,
    params: als.Params,
    cg_steps: u32,
    bounds: []const usize,
    failed: []bool,

    fn run(self: *const HalfStep, part: u32) void {
        assert(part < self.failed.len);
        assert(self.bounds.len == self.failed.len + 1);
        var v = Vectors.init(self.allocator, self.params.k) catch {
            self.failed[part] = true;
            return;
        };
        defer v.deinit(self.allocator);
        assert(self.bounds[part] <= self.bounds[part + 1]);
        assert(self.bounds[part + 1] <= self.rows.count());
        var r = self.bounds[part];
        while (r < self.bounds[part + 1]) : (r += 1) self.solveRow(&v, r);
    }

    /// Row r's system A = Σ z zᵀ + D (z = [y; 1], D = diag(d_factors, …, d_factors, d_bias)), for
    /// `linalg.conjugateGradient`.
    const RowSystem = struct {
        half: *const HalfStep,
        r: usize,
        d_factors: f32,
        d_bias: f32,

        /// out = A v.
        pub fn multiply(self: RowSystem, v: []const f32, out: []f32) void {
            const h = self.half;
            const k: usize = h.params.k;
            assert(v.len == k + 1);
            assert(out.len == k + 1);
            for (out[0..k], v[0..k]) |*o, x| o.* = self.d_factors * x;
            out[k] = self.d_bias * v[k];
            for (h.rows.index[h.rows.begin(self.r)..h.rows.end(self.r)]) |o| {
                const y = h.other.factors[@as(usize, o) * k ..][0..k];
                const t = linalg.dot(y, v[0..k]) + v[k];
                linalg.axpy(f32, t, y, out[0..k]);
                out[k] += t;
            }
        }
    };

    fn solveRow(self: *const HalfStep, v: *Vectors, r: usize) void {
        const k: usize = self.params.k;
        const begin = self.rows.begin(r);
        const end = self.rows.end(r);
        assert(begin <= end);
        const factors = self.side.factors[r * k ..][0..k];
        if (begin == end) {
            @memset(factors, 0);
            self.side.bias[r] = 0;
            return;
        }
        const weight: f32 = if (self.params.weighted) @floatFromInt(end - begin) else 1;
        const d_factors = self.params.lambda_factors * weight;
        const d_bias = self.params.lambda_bias * weight;
        @memcpy(v.theta[0..k], factors);
        v.theta[k] = self.side.bias[r];
        // r = c − A θ = Σ (r' − z·θ) z − D θ.
        for (v.r[0..k], v.theta[0..k]) |*res, x| res.* = -d_factors * x;
        v.r[k] = -d_bias * v.theta[k];
        for (begin..end) |e| {
            const o: usize = self.rows.index[e];
            const y = self.other.factors[o * k ..][0..k];
            const residual = self.rows.values[e] - self.params.mu - self.other.bias[o];
            const coefficient = residual - (linalg.dot(y, v.theta[0..k]) + v.theta[k]);
            linalg.axpy(f32, coefficient, y, v.r[0..k]);
            v.r[k] += coefficient;
        }
        const system: RowSystem = .{
            .half = self,
            .r = r,
            .d_factors = d_factors,
            .d_bias = d_bias,
        };
        linalg.conjugateGradient(system, self.cg_steps, v.theta, v.r, v.p, v.ap);
        for (v.theta) |x| if (!std.math.isFinite(x)) return; // keep the previous row
        @memcpy(factors, v.theta[0..k]);
        self.side.bias[r] = v.theta[k];
    }
};

/// One half-step: every row of `rows` given the other side, by `cg_steps` CG steps from the
/// current values. Returns false when scratch could not be allocated.
pub fn halfStep(
    allocator: std.mem.Allocator,
    rows: Rows,
    other: als.SideConst,
    side: als.Side,
    params: als.Params,
    cg_steps: u32,
    threads: u32,
) bool {
    assert(params.valid());
    assert(cg_steps >= 1);
    assert(cg_steps <= linalg.cg_steps_max);
    rows.assertShape();
    const k: usize = params.k;
    assert(side.bias.len == rows.count());
    assert(side.factors.len == side.bias.len * k);
    assert(other.factors.len == other.bias.len * k);
    const parts = threads_mod.clampThreads(threads, rows.count(), als.rows_per_thread_min);
    var bounds: [threads_mod.threads_max + 1]usize = undefined;
    rows_mod.balancedBounds(rows.ptr, parts, @as(u64, cg_steps) + 2, bounds[0 .. parts + 1]);
    var failed = [_]bool{false} ** threads_mod.threads_max;
    const context: HalfStep = .{
        .allocator = allocator,
        .rows = rows,
        .other = other,
        .side = side,
        .params = params,
        .cg_steps = cg_steps,
        .bounds = bounds[0 .. parts + 1],
        .failed = failed[0..parts],
    };
    threads_mod.run(parts, &context, HalfStep.run);
    for (failed[0..parts]) |f| if (f) return false;
    return true;
}

/// One epoch: users given items, then items given the new users.
pub fn epoch(
    allocator: std.mem.Allocator,
    users: Rows,
    items: Rows,
    user: als.Side,
    item: als.Side,
    params: als.Params,
    cg_steps: u32,
    threads: u32,
) bool {
    assert(users.index.len == items.index.len);
    assert(user.bias.len == users.count());
    assert(item.bias.len == items.count());
    const item_const: als.SideConst = .{ .factors = item.factors, .bias = item.bias };
    if (!halfStep(allocator, users, item_const, user, params, cg_steps, threads)) return false;
    const user_const: als.SideConst = .{ .factors = user.factors, .bias = user.bias };
    return halfStep(allocator, items, user_const, item, params, cg_steps, threads);
}

// ---------------------------------------------------------------------------------------------
// Tests

const testing = std.testing;
const rng_mod = @import("rng.zig");
const sparse = @import("sparse.zig");
const status_mod = @import("status.zig");

const Problem = struct {
    ptr: []u32,
    index: []u32,
    values: []f32,

    fn rows(self: Problem) Rows {
        return .{ .ptr = self.ptr, .index = self.index, .values = self.values };
    }

    fn deinit(self: Problem, allocator: std.mem.Allocator) void {
        allocator.free(self.ptr);
        allocator.free(self.index);
        allocator.free(self.values);
    }
};

fn randomRatings(
    allocator: std.mem.Allocator,
    n_users: usize,
    n_items: usize,
    density: f64,
    seed: u64,
) !Problem {
    var rng = rng_mod.Rng.stream(seed, 0);
    const ptr = try allocator.alloc(u32, n_users + 1);
    var index: std.ArrayList(u32) = .empty;
    defer index.deinit(allocator);
    var values: std.ArrayList(f32) = .empty;
    defer values.deinit(allocator);
    ptr[0] = 0;
    for (0..n_users) |u| {
        for (0..n_items) |i| if (rng.float() < density) {
            try index.append(allocator, @intCast(i));
            try values.append(allocator, @floatFromInt(1 + rng.below(5)));
        };
        ptr[u + 1] = @intCast(index.items.len);
    }
    return .{
        .ptr = ptr,
        .index = try index.toOwnedSlice(allocator),
        .values = try values.toOwnedSlice(allocator),
    };
}

fn randomArray(allocator: std.mem.Allocator, n: usize, scale: f64, seed: u64) ![]f32 {
    const out = try allocator.alloc(f32, n);
    var rng = rng_mod.Rng.stream(seed, 1);
    for (out) |*v| v.* = @floatCast(scale * rng.normal());
    return out;
}

test "CG half-step converges to the exact (Cholesky) half-step of als.zig, for any thread count" {
    const allocator = testing.allocator;
    const n_users = 150;
    const n_items = 60;
    const problem = try randomRatings(allocator, n_users, n_items, 0.2, 4);
    defer problem.deinit(allocator);
    inline for (.{ true, false }) |weighted| {
        const k = 10;
        const params: als.Params = .{
            .k = k,
            .mu = 3,
            .lambda_factors = 0.5,
            .lambda_bias = 2,
            .weighted = weighted,
        };
        const item_factors = try randomArray(allocator, n_items * k, 0.3, 1);
        defer allocator.free(item_factors);
        const item_bias = try randomArray(allocator, n_items, 0.2, 2);
        defer allocator.free(item_bias);
        const other: als.SideConst = .{ .factors = item_factors, .bias = item_bias };
        const exact_factors = try allocator.alloc(f32, n_users * k);
        defer allocator.free(exact_factors);
        const exact_bias = try allocator.alloc(f32, n_users);
        defer allocator.free(exact_bias);
        var info: status_mod.ErrorRecord = .{};
        const exact: als.Side = .{ .factors = exact_factors, .bias = exact_bias };
        const status = als.halfStep(allocator, problem.rows(), other, exact, params, 2, &info);
        try testing.expectEqual(status_mod.Status.ok, status);
        var runs: [2][n_users * k]f32 = undefined;
        for ([_]u32{ 1, 3 }, 0..) |threads, run| {
            @memset(&runs[run], 0);
            var bias = [_]f32{0} ** n_users;
            const side: als.Side = .{ .factors = &runs[run], .bias = &bias };
            const solved = halfStep(allocator, problem.rows(), other, side, params, 40, threads);
            try testing.expect(solved);
            for (exact_factors, runs[run]) |e, c| try testing.expectApproxEqAbs(e, c, 2e-4);
            for (exact_bias, bias) |e, c| try testing.expectApproxEqAbs(e, c, 2e-4);
        }
        try testing.expectEqualSlices(f32, &runs[0], &runs[1]);
    }
}

test "warm-started CG epochs lower the training error like exact epochs" {
    const allocator = testing.allocator;
    const n_users = 120;
    const n_items = 90;
    const problem = try randomRatings(allocator, n_users, n_items, 0.15, 9);
    defer problem.deinit(allocator);
    const by_item = try sparse.transposed(
        allocator,
        problem.ptr,
        problem.index,
        problem.values,
        n_items,
    );
    defer by_item.deinit(allocator);
    const items: Rows = .{ .ptr = by_item.ptr, .index = by_item.index, .values = by_item.values };
    const k = 6;
    const params: als.Params = .{
        .k = k,
        .mu = 3,
        .lambda_factors = 0.1,
        .lambda_bias = 0.1,
        .weighted = true,
    };
    const uf = try randomArray(allocator, n_users * k, 0.1, 3);
    defer allocator.free(uf);
    const itf = try randomArray(allocator, n_items * k, 0.1, 4);
    defer allocator.free(itf);
    var ub = [_]f32{0} ** n_users;
    var ib = [_]f32{0} ** n_items;
    const before = sse(problem.rows(), uf, itf, &ub, &ib, k, params.mu);
    const user: als.Side = .{ .factors = uf, .bias = &ub };
    const item: als.Side = .{ .factors = itf, .bias = &ib };
    for (0..8) |_| {
        try testing.expect(epoch(allocator, problem.rows(), items, user, item, params, 3, 2));
    }
    const after = sse(problem.rows(), uf, itf, &ub, &ib, k, params.mu);
    try testing.expect(after < 0.5 * before);
}

fn sse(
    rows: Rows,
    uf: []const f32,
    itf: []const f32,
    ub: []const f32,
    ib: []const f32,
    k: usize,
    mu: f32,
) f64 {
    var total: f64 = 0;
    for (0..rows.count()) |u| for (rows.begin(u)..rows.end(u)) |e| {
        const i: usize = rows.index[e];
        const xy = linalg.dot(uf[u * k ..][0..k], itf[i * k ..][0..k]);
        const d = rows.values[e] - (mu + ub[u] + ib[i] + xy);
        total += d * d;
    };
    return total;
}
