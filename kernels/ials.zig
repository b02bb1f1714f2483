//! Implicit ALS (Hu, Koren & Volinsky 2008): every user u and item i has a preference p_ui
//! (1 for an interaction, 0 otherwise) and a confidence c_ui = 1 + α·r_ui (r_ui the stored value,
//! 0 where there is none), and the loss is
//!   Σ_{u,i} c_ui (p_ui − x_u·y_i)² + λ (Σ ‖x_u‖² + Σ ‖y_i‖²)
//! over ALL user–item pairs. Given the items, user u's exact solution is
//!   x_u = (YᵀC_uY + λI)⁻¹ YᵀC_u p_u,   YᵀC_uY = YᵀY + Σ_{i∈I_u} (c_ui − 1) y_i y_iᵀ,
//! so the K × K Gram YᵀY + λI is computed once per half-step and each row adds only its own
//! n_u rank-1 terms: O(n_u K² + K³) per row instead of O(n_items K²). And mirrored for items.
//!
//! Two row solvers:
//! - `cholesky` (the reference): A = G + Σ (c−1) y yᵀ summed with the blocked Gram kernel (rows
//!   scaled by √(c−1)), factorised in f64.
//! - `cg` (the fast default): a few conjugate-gradient steps on A x = b, warm-started from the
//!   row's current factors (as implicit and Takács et al. do), never forming A: A p = G p +
//!   Σ (c−1)(y·p) y costs O(K² + n_u K) per step.
//! Every row is solved by one thread from the same inputs in the same order, and G is summed by
//! one thread, so the numbers are the same whatever the thread count.
const std = @import("std");
const assert = std.debug.assert;
const status_mod = @import("status.zig");
const threads_mod = @import("threads.zig");
const rows_mod = @import("rows.zig");
const linalg = @import("linalg.zig");
const als = @import("als.zig"); // its limits: k_max, rows_per_thread_min

const Status = status_mod.Status;
const ErrorRecord = status_mod.ErrorRecord;
const Rows = rows_mod.Rows;

pub const Solver = enum(u32) { cholesky = 0, cg = 1 };

pub const Params = struct {
    k: u32,
    lambda: f32,
    alpha: f32,
    solver: Solver,
    /// Conjugate-gradient steps per row (`cg` only).
    cg_steps: u32,

    pub fn valid(self: Params) bool {
        if (self.k < 1 or self.k > als.k_max) return false;
        if (!(self.lambda > 0) or !std.math.isFinite(self.lambda)) return false;
        if (!(self.alpha >= 0) or !std.math.isFinite(self.alpha)) return false;
        const cg_ok = self.cg_steps >= 1 and self.cg_steps <= linalg.cg_steps_max;
        return self.solver == .cholesky or cg_ok;
    }
};

/// Rows gathered per Gram chunk (about 16 KiB of f32, as in als.zig).
fn chunkRows(kp: usize) usize {
    return @max(16, 4096 / kp);
}

/// The shared K × K system of a half-step: G = FᵀF + λI over all `count` rows of the other
/// side's factors, full symmetric, in f64 (row stride `stride`) and as an f32 copy (stride k).
const Gram = struct {
    k: usize,
    stride: usize,
    g64: []f64,
    g32: []f32,

    fn init(allocator: std.mem.Allocator, k: usize) !Gram {
        assert(k >= 1);
        assert(k <= als.k_max);
        const stride = linalg.padToLanes(k) + linalg.lanes;
        const g64 = try allocator.alloc(f64, k * stride);
        errdefer allocator.free(g64);
        const g32 = try allocator.alloc(f32, k * k);
        return .{ .k = k, .stride = stride, .g64 = g64, .g32 = g32 };
    }

    fn deinit(self: *Gram, allocator: std.mem.Allocator) void {
        allocator.free(self.g64);
        allocator.free(self.g32);
        self.* = undefined;
    }

    /// Sums FᵀF with the blocked Gram kernel over chunks of gathered (zero-padded) rows, mirrors
    /// the upper triangle, adds λ on the diagonal.
    fn compute(self: *Gram, factors: []const f32, lambda: f64, z: []f32) void {
        const k = self.k;
        const kp = linalg.padToLanes(k);
        const chunk = chunkRows(kp);
        assert(factors.len % k == 0);
        assert(z.len >= chunk * kp);
        assert(lambda > 0);
        @memset(self.g64, 0);
        @memset(z, 0);
        const count = factors.len / k;
        var begin: usize = 0;
        while (begin < count) : (begin += chunk) {
            const rows = @min(chunk, count - begin);
            for (0..rows) |j| @memcpy(z[j * kp ..][0..k], factors[(begin + j) * k ..][0..k]);
            linalg.gramAccumulate(z, rows, k, kp, self.g64, self.stride, linalg.no_hook);
        }
        for (0..k) |a| {
            self.g64[a * self.stride + a] += lambda;
            for (a + 1..k) |b| self.g64[b * self.stride + a] = self.g64[a * self.stride + b];
        }
        for (0..k) |a| for (0..k) |b| {
            self.g32[a * k + b] = @floatCast(self.g64[a * self.stride + b]);
        };
    }
};

/// Per-thread scratch, allocated once per half-step.
const Scratch = struct {
    k: usize,
    kp: usize,
    chunk: usize,
    /// chunk × kp gathered, scaled rows (Cholesky), padding columns zero.
    z: []f32,
    /// k × stride f64 system (Cholesky).
    a: []f64,
    /// Right-hand side / solution (f64, k).
    b: []f64,
    /// CG vectors (f32, k each).
    x: []f32,
    r: []f32,
    p: []f32,
    ap: []f32,

    fn init(allocator: std.mem.Allocator, k: usize, stride: usize) !Scratch {
        assert(k >= 1);
        assert(stride >= k);
        const kp = linalg.padToLanes(k);
        const chunk = chunkRows(kp);
        var self: Scratch = .{
            .k = k,
            .kp = kp,
            .chunk = chunk,
            .z = &.{},
            .a = &.{},
            .b = &.{},
            .x = &.{},
            .r = &.{},
            .p = &.{},
            .ap = &.{},
        };
        errdefer self.deinit(allocator);
        self.z = try allocator.alloc(f32, chunk * kp);
        @memset(self.z, 0);
        self.a = try allocator.alloc(f64, k * stride);
        self.b = try allocator.alloc(f64, k);
        self.x = try allocator.alloc(f32, k);
        self.r = try allocator.alloc(f32, k);
        self.p = try allocator.alloc(f32, k);
        self.ap = try allocator.alloc(f32, k);
        return self;
    }

    fn deinit(self: *Scratch, allocator: std.mem.Allocator) void {
        inline for (.{ "z", "a", "b", "x", "r", "p", "ap" }) |name| {
            if (@field(self, name).len > 0) allocator.free(@field(self, name));
        }
        self.* = undefined;
    }
};

const HalfStep = struct {
    allocator: std.mem.Allocator,
    rows: Rows,
    other: []const f32,
    side: []f32,
    params: Params,
    gram: *const Gram,
    bounds: []const usize,
    results: []rows_mod.PartResult,

    fn run(self: *const HalfStep, part: u32) void {
        assert(part < self.results.len);
        assert(self.bounds.len == self.results.len + 1);
        var scratch = Scratch.init(self.allocator, self.params.k, self.gram.stride) catch {
            self.results[part] = .{ .status = .out_of_memory, .row = self.bounds[part] };
            return;
        };
        defer scratch.deinit(self.allocator);
        assert(self.bounds[part] <= self.bounds[part + 1]);
        assert(self.bounds[part + 1] <= self.rows.count());
        var r = self.bounds[part];
        while (r < self.bounds[part + 1]) : (r += 1) {
            const solved = switch (self.params.solver) {
                .cholesky => self.solveCholesky(&scratch, r),
                .cg => self.solveCg(&scratch, r),
            };
            if (!solved) {
                self.results[part] = .{ .status = .not_finite, .row = r };
                return;
            }
        }
    }

    /// A = G + Σ (c−1) y yᵀ, b = Σ c y, solved exactly (f64 Cholesky).
    fn solveCholesky(self: *const HalfStep, s: *Scratch, r: usize) bool {
        const k = s.k;
        const out = self.side[r * k ..][0..k];
        const begin = self.rows.begin(r);
        const end = self.rows.end(r);
        assert(begin <= end);
        if (begin == end) {
            @memset(out, 0); // b = 0: the exact solution is 0
            return true;
        }
        @memcpy(s.a, self.gram.g64);
        @memset(s.b, 0);
        const alpha = self.params.alpha;
        var chunk_begin = begin;
        while (chunk_begin < end) : (chunk_begin += s.chunk) {
            const count = @min(s.chunk, end - chunk_begin);
            for (0..count) |j| {
                const e = chunk_begin + j;
                const y = self.other[@as(usize, self.rows.index[e]) * k ..][0..k];
                const extra = alpha * self.rows.values[e]; // c − 1
                const scale = @sqrt(extra);
                const z = s.z[j * s.kp ..][0..k];
                for (z, y) |*dst, v| dst.* = scale * v;
                const c: f64 = 1 + @as(f64, extra);
                for (s.b, y) |*bb, v| bb.* += c * v;
            }
            linalg.gramAccumulate(s.z, count, k, s.kp, s.a, self.gram.stride, linalg.no_hook);
        }
        if (!linalg.choleskyFactor(f64, s.a, k, self.gram.stride)) return false;
        linalg.choleskySolve(f64, s.a, k, self.gram.stride, s.b);
        for (out, s.b) |*dst, v| dst.* = @floatCast(v);
        for (out) |v| if (!std.math.isFinite(v)) return false;
        return true;
    }

    /// Row r's system A = G + Σ (c−1) y yᵀ, for `linalg.conjugateGradient`.
    const RowSystem = struct {
        half: *const HalfStep,
        r: usize,

        /// A·v = G v + Σ (c−1)(y·v) y, into `out`.
        pub fn multiply(self: RowSystem, v: []const f32, out: []f32) void {
            const h = self.half;
            const k: usize = h.params.k;
            assert(v.len == k);
            assert(out.len == k);
            for (out, 0..) |*o, a| o.* = linalg.dot(h.gram.g32[a * k ..][0..k], v);
            const alpha = h.params.alpha;
            for (h.rows.begin(self.r)..h.rows.end(self.r)) |e| {
                const y = h.other[@as(usize, h.rows.index[e]) * k ..][0..k];
                const extra = alpha * h.rows.values[e];
                linalg.axpy(f32, extra * linalg.dot(y, v), y, out);
            }
        }
    };

    /// `cg_steps` conjugate-gradient steps on A x = b from the row's current factors.
    fn solveCg(self: *const HalfStep, s: *Scratch, r: usize) bool {
        const k = s.k;
        const out = self.side[r * k ..][0..k];
        if (self.rows.begin(r) == self.rows.end(r)) {
            @memset(out, 0);
            return true;
        }
        @memcpy(s.x, out);
        // r = b − A x = Σ (c − (c−1) y·x) y − G x.
        for (s.r, 0..) |*o, a| o.* = -linalg.dot(self.gram.g32[a * k ..][0..k], s.x);
        const alpha = self.params.alpha;
        for (self.rows.begin(r)..self.rows.end(r)) |e| {
            const y = self.other[@as(usize, self.rows.index[e]) * k ..][0..k];
            const extra = alpha * self.rows.values[e];
            linalg.axpy(f32, (1 + extra) - extra * linalg.dot(y, s.x), y, s.r);
        }
        const system: RowSystem = .{ .half = self, .r = r };
        linalg.conjugateGradient(system, self.params.cg_steps, s.x, s.r, s.p, s.ap);
        for (s.x) |v| if (!std.math.isFinite(v)) return false;
        @memcpy(out, s.x);
        return true;
    }
};

/// Solves every row of `rows` (one side) given the other side's factors `other`
/// (`rows.inner × k`), writing `side` (`rows.count() × k`). On failure `info.row` is the row and
/// `info.side` = `side_id`.
pub fn halfStep(
    allocator: std.mem.Allocator,
    rows: Rows,
    other: []const f32,
    side: []f32,
    params: Params,
    threads: u32,
    info: *ErrorRecord,
    side_id: u64,
) !Status {
    assert(params.valid());
    rows.assertShape();
    assert(side_id <= 1);
    const k: usize = params.k;
    assert(side.len == @as(usize, rows.count()) * k);
    assert(other.len % k == 0);
    var gram = try Gram.init(allocator, k);
    defer gram.deinit(allocator);
    {
        const kp = linalg.padToLanes(k);
        const z = try allocator.alloc(f32, chunkRows(kp) * kp);
        defer allocator.free(z);
        gram.compute(other, params.lambda, z);
    }
    const parts = threads_mod.clampThreads(threads, rows.count(), als.rows_per_thread_min);
    var bounds: [threads_mod.threads_max + 1]usize = undefined;
    const row_cost: u64 = switch (params.solver) {
        .cholesky => k * k / 4,
        .cg => @as(u64, k) * params.cg_steps,
    };
    rows_mod.balancedBounds(rows.ptr, parts, row_cost, bounds[0 .. parts + 1]);
    var results = [_]rows_mod.PartResult{.{}} ** threads_mod.threads_max;
    const context: HalfStep = .{
        .allocator = allocator,
        .rows = rows,
        .other = other,
        .side = side,
        .params = params,
        .gram = &gram,
        .bounds = bounds[0 .. parts + 1],
        .results = results[0..parts],
    };
    threads_mod.run(parts, &context, HalfStep.run);
    const status = rows_mod.firstFailure(results[0..parts], info);
    if (status != .ok) info.side = side_id;
    return status;
}

/// One iALS epoch: every user given the items, then every item given the users.
pub fn epoch(
    allocator: std.mem.Allocator,
    users: Rows,
    items: Rows,
    user_factors: []f32,
    item_factors: []f32,
    params: Params,
    threads: u32,
    info: *ErrorRecord,
) !Status {
    assert(params.valid());
    assert(users.index.len == items.index.len);
    assert(user_factors.len == @as(usize, users.count()) * params.k);
    assert(item_factors.len == @as(usize, items.count()) * params.k);
    const user_status = try halfStep(
        allocator,
        users,
        item_factors,
        user_factors,
        params,
        threads,
        info,
        0,
    );
    if (user_status != .ok) return user_status;
    return halfStep(allocator, items, user_factors, item_factors, params, threads, info, 1);
}

// ---------------------------------------------------------------------------------------------
// Tests

const testing = std.testing;
const rng_mod = @import("rng.zig");
const sparse = @import("sparse.zig");

/// The dense reference for one user: A = Σ over ALL items c_ui y_i y_iᵀ + λI, b = Σ c_ui p_ui y_i.
fn denseRow(
    allocator: std.mem.Allocator,
    rows: Rows,
    r: usize,
    other: []const f32,
    k: usize,
    params: Params,
) ![]f64 {
    const n_other = other.len / k;
    const confidence = try allocator.alloc(f64, n_other);
    defer allocator.free(confidence);
    @memset(confidence, 1);
    const preference = try allocator.alloc(f64, n_other);
    defer allocator.free(preference);
    @memset(preference, 0);
    for (rows.begin(r)..rows.end(r)) |e| {
        confidence[rows.index[e]] = 1 + @as(f64, params.alpha) * rows.values[e];
        preference[rows.index[e]] = 1;
    }
    const stride = linalg.padToLanes(k) + linalg.lanes;
    const a = try allocator.alloc(f64, k * stride);
    defer allocator.free(a);
    @memset(a, 0);
    const b = try allocator.alloc(f64, k);
    @memset(b, 0);
    for (0..n_other) |i| {
        const y = other[i * k ..][0..k];
        for (0..k) |p| {
            b[p] += confidence[i] * preference[i] * y[p];
            for (0..k) |q| a[p * stride + q] += confidence[i] * @as(f64, y[p]) * y[q];
        }
    }
    for (0..k) |p| a[p * stride + p] += params.lambda;
    try testing.expect(linalg.choleskyFactor(f64, a, k, stride));
    linalg.choleskySolve(f64, a, k, stride, b);
    return b;
}

/// A random implicit matrix (values 1 or a small count) with both layouts.
const Fixture = struct {
    users: sparse.OwnedLayout,
    items: sparse.OwnedLayout,
    n_users: u32,
    n_items: u32,

    fn init(
        allocator: std.mem.Allocator,
        n_users: u32,
        n_items: u32,
        density: f64,
        seed: u64,
    ) !Fixture {
        const ptr = try allocator.alloc(u32, n_users + 1);
        errdefer allocator.free(ptr);
        var index: std.ArrayList(u32) = .empty;
        defer index.deinit(allocator);
        var values: std.ArrayList(f32) = .empty;
        defer values.deinit(allocator);
        var rng = rng_mod.Rng.stream(seed, 0);
        ptr[0] = 0;
        for (0..n_users) |u| {
            for (0..n_items) |i| {
                if (rng.float() < density) {
                    try index.append(allocator, @intCast(i));
                    try values.append(allocator, @floatFromInt(1 + rng.below(3)));
                }
            }
            ptr[u + 1] = @intCast(index.items.len);
        }
        const users: sparse.OwnedLayout = .{
            .ptr = ptr,
            .index = try index.toOwnedSlice(allocator),
            .values = try values.toOwnedSlice(allocator),
        };
        const items = try sparse.transposed(
            allocator,
            users.ptr,
            users.index,
            users.values,
            n_items,
        );
        return .{ .users = users, .items = items, .n_users = n_users, .n_items = n_items };
    }

    fn deinit(self: *Fixture, allocator: std.mem.Allocator) void {
        self.users.deinit(allocator);
        self.items.deinit(allocator);
    }

    fn userRows(self: *const Fixture) Rows {
        return .{ .ptr = self.users.ptr, .index = self.users.index, .values = self.users.values };
    }

    fn itemRows(self: *const Fixture) Rows {
        return .{ .ptr = self.items.ptr, .index = self.items.index, .values = self.items.values };
    }
};

fn randomFactors(allocator: std.mem.Allocator, n: usize, k: usize, seed: u64) ![]f32 {
    const out = try allocator.alloc(f32, n * k);
    var rng = rng_mod.Rng.stream(seed, 1);
    for (out) |*v| v.* = @floatCast(0.3 * rng.normal());
    return out;
}

test "an iALS row (Cholesky) equals the dense solve over all items" {
    const allocator = testing.allocator;
    var fixture = try Fixture.init(allocator, 70, 90, 0.15, 3);
    defer fixture.deinit(allocator);
    for ([_]u32{ 1, 5, 16, 19 }) |k| {
        const params: Params = .{
            .k = k,
            .lambda = 0.3,
            .alpha = 2.5,
            .solver = .cholesky,
            .cg_steps = 0,
        };
        const items = try randomFactors(allocator, fixture.n_items, k, 7);
        defer allocator.free(items);
        const users = try allocator.alloc(f32, @as(usize, fixture.n_users) * k);
        defer allocator.free(users);
        var info: ErrorRecord = .{};
        const user_rows = fixture.userRows();
        const status = try halfStep(allocator, user_rows, items, users, params, 2, &info, 0);
        try testing.expectEqual(Status.ok, status);
        for ([_]usize{ 0, 13, 69 }) |u| {
            const want = try denseRow(allocator, fixture.userRows(), u, items, k, params);
            defer allocator.free(want);
            for (want, users[u * k ..][0..k]) |w, got| {
                try testing.expectApproxEqAbs(w, got, 1e-4 * (1 + @abs(w)));
            }
        }
    }
}

test "CG from zero converges to the Cholesky solution; a few warm steps come close" {
    const allocator = testing.allocator;
    var fixture = try Fixture.init(allocator, 80, 100, 0.12, 5);
    defer fixture.deinit(allocator);
    const k: u32 = 12;
    const items = try randomFactors(allocator, fixture.n_items, k, 9);
    defer allocator.free(items);
    const n = @as(usize, fixture.n_users) * k;
    const exact = try allocator.alloc(f32, n);
    defer allocator.free(exact);
    const iterative = try allocator.alloc(f32, n);
    defer allocator.free(iterative);
    var info: ErrorRecord = .{};
    const base: Params = .{ .k = k, .lambda = 0.5, .alpha = 3, .solver = .cholesky, .cg_steps = 0 };
    const user_rows = fixture.userRows();
    var status = try halfStep(allocator, user_rows, items, exact, base, 1, &info, 0);
    try testing.expectEqual(Status.ok, status);
    // From zero, k steps of exact-arithmetic CG solve a k × k system; in f32 a few more polish it.
    @memset(iterative, 0);
    var cg = base;
    cg.solver = .cg;
    cg.cg_steps = 3 * k;
    status = try halfStep(allocator, user_rows, items, iterative, cg, 2, &info, 0);
    try testing.expectEqual(Status.ok, status);
    for (exact, iterative) |e, i| try testing.expectApproxEqAbs(e, i, 1e-4);
    // Warm start: perturb the exact solution; 3 steps cut the error by far more than 10×.
    var rng = rng_mod.Rng.stream(11, 0);
    var before: f64 = 0;
    for (iterative, exact) |*i, e| {
        const noise: f32 = @floatCast(0.05 * rng.normal());
        i.* = e + noise;
        before += noise * noise;
    }
    cg.cg_steps = 3;
    status = try halfStep(allocator, user_rows, items, iterative, cg, 2, &info, 0);
    try testing.expectEqual(Status.ok, status);
    var after: f64 = 0;
    for (iterative, exact) |i, e| after += (i - e) * (i - e);
    try testing.expect(after * 100 < before);
}

test "an epoch lowers the iALS loss and gives the same numbers for any thread count" {
    const allocator = testing.allocator;
    var fixture = try Fixture.init(allocator, 300, 200, 0.05, 8);
    defer fixture.deinit(allocator);
    const k: u32 = 8;
    inline for (.{ Solver.cholesky, Solver.cg }) |solver| {
        const params: Params = .{
            .k = k,
            .lambda = 0.1,
            .alpha = 4,
            .solver = solver,
            .cg_steps = 3,
        };
        var first: ?[]f32 = null;
        defer if (first) |f| allocator.free(f);
        for ([_]u32{ 1, 2, 3 }) |threads| {
            const users = try randomFactors(allocator, fixture.n_users, k, 1);
            defer allocator.free(users);
            const items = try randomFactors(allocator, fixture.n_items, k, 2);
            defer allocator.free(items);
            var info: ErrorRecord = .{};
            const user_rows = fixture.userRows();
            const item_rows = fixture.itemRows();
            const loss_before = loss(user_rows, users, items, k, params);
            for (0..2) |_| {
                const status = try epoch(
                    allocator,
                    user_rows,
                    item_rows,
                    users,
                    items,
                    params,
                    threads,
                    &info,
                );
                try testing.expectEqual(Status.ok, status);
            }
            try testing.expect(loss(user_rows, users, items, k, params) < loss_before);
            if (first) |f| {
                try testing.expectEqualSlices(f32, f, items);
            } else {
                first = try allocator.dupe(f32, items);
            }
        }
    }
}

/// The full iALS loss over all pairs (dense; for small tests).
fn loss(
    users: Rows,
    user_factors: []const f32,
    item_factors: []const f32,
    k: usize,
    params: Params,
) f64 {
    const n_items = item_factors.len / k;
    var total: f64 = 0;
    for (0..users.count()) |u| {
        const x = user_factors[u * k ..][0..k];
        var e = users.begin(u);
        for (0..n_items) |i| {
            var c: f64 = 1;
            var p: f64 = 0;
            if (e < users.end(u) and users.index[e] == i) {
                c = 1 + @as(f64, params.alpha) * users.values[e];
                p = 1;
                e += 1;
            }
            const d = p - linalg.dot(x, item_factors[i * k ..][0..k]);
            total += c * d * d;
        }
        total += params.lambda * linalg.dotT(f32, x, x);
    }
    for (0..n_items) |i| {
        const y = item_factors[i * k ..][0..k];
        total += params.lambda * linalg.dotT(f32, y, y);
    }
    return total;
}
