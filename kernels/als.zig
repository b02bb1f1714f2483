//! Explicit-feedback ALS with biases: r̂_ui = μ + b_u + b_i + x_u·y_i, minimising
//!   Σ (r − r̂)² + λ_f (Σ w_u ‖x_u‖² + Σ w_i ‖y_i‖²) + λ_b (Σ w_u b_u² + Σ w_i b_i²),
//! with w = n (the row's rating count, ALS-WR) or 1.
//!
//! One half-step solves every user exactly given the items (and the mirror for items). For user u
//! with rated items I_u, z_i = [y_i; 1] (K+1 entries) and r'_ui = r_ui − μ − b_i:
//!   A = Σ z_i z_iᵀ + diag(λ_f·w, …, λ_f·w, λ_b·w),  b = Σ r'_ui z_i,  [x_u; b_u] = A⁻¹ b.
//! A row without ratings gets zero factors and zero bias.
//!
//! Numerics: the products y_i y_iᵀ are summed in f32 SIMD register tiles over chunks of at most
//! `chunk_rows` ratings and each chunk's sums are added into an f64 A (so long rows do not lose
//! precision); b, the Cholesky factorisation and the solves are f64; results are stored as f32.
//! Every row is solved by one thread from the same inputs in the same order, so the numbers are
//! identical whatever the thread count.
//!
//! Speed: per thread, scratch (the gathered factors of one chunk, A, b) is allocated once per
//! call; the Gram update is the blocked `linalg.gramAccumulate`; rows are cut into contiguous
//! ranges of equal work (ratings plus a per-row cost for the factorisation).
const std = @import("std");
const assert = std.debug.assert;
const status_mod = @import("status.zig");
const threads_mod = @import("threads.zig");
const rows_mod = @import("rows.zig");
const linalg = @import("linalg.zig");

const Status = status_mod.Status;
const ErrorInfo = status_mod.ErrorInfo;
const Rows = rows_mod.Rows;

/// Largest number of latent factors the kernels accept.
pub const k_max: u32 = 1024;

pub const Params = struct {
    k: u32,
    mu: f32,
    lambda_factors: f32,
    lambda_bias: f32,
    /// Multiply both λ by the row's rating count (ALS-WR).
    weighted: bool,

    pub fn valid(self: Params) bool {
        return self.k >= 1 and self.k <= k_max and std.math.isFinite(self.mu) and
            self.lambda_factors > 0 and std.math.isFinite(self.lambda_factors) and
            self.lambda_bias >= 0 and std.math.isFinite(self.lambda_bias);
    }
};

/// One side's parameters: `factors` is `count × k` row-major, `bias` has `count` entries.
pub const Side = struct {
    factors: []f32,
    bias: []f32,
};

pub const SideConst = struct {
    factors: []const f32,
    bias: []const f32,
};

/// Ratings gathered per chunk: about 32 KiB of f32 factors, at least 16 rows.
fn chunkRows(kp: usize) usize {
    return @max(16, 8192 / kp);
}

/// Per-thread scratch, allocated once per call.
const Scratch = struct {
    k: usize,
    kp: usize,
    stride: usize,
    chunk: usize,
    /// chunk × kp gathered factors; columns k..kp stay zero.
    z: []f32,
    /// chunk residuals r'.
    residual: []f32,
    /// (k+1) × stride, the system matrix (upper triangle).
    a: []f64,
    /// k+1 right-hand side, then solution.
    b: []f64,
    /// Σ z over the rows (f64, k entries).
    z_sum: []f64,
    /// Per-chunk f32 sums of z and r'·z (kp entries each).
    chunk_z: []f32,
    chunk_rz: []f32,

    fn init(allocator: std.mem.Allocator, k: usize) !Scratch {
        const kp = linalg.padToLanes(k);
        const stride = kp + linalg.lanes;
        const chunk = chunkRows(kp);
        const z = try allocator.alloc(f32, chunk * kp);
        errdefer allocator.free(z);
        @memset(z, 0);
        const residual = try allocator.alloc(f32, chunk);
        errdefer allocator.free(residual);
        const a = try allocator.alloc(f64, (k + 1) * stride);
        errdefer allocator.free(a);
        @memset(a, 0); // scratch lanes of the factorisation start finite
        const b = try allocator.alloc(f64, k + 1);
        errdefer allocator.free(b);
        const z_sum = try allocator.alloc(f64, k);
        errdefer allocator.free(z_sum);
        const chunk_z = try allocator.alloc(f32, kp);
        errdefer allocator.free(chunk_z);
        const chunk_rz = try allocator.alloc(f32, kp);
        return .{
            .k = k,
            .kp = kp,
            .stride = stride,
            .chunk = chunk,
            .z = z,
            .residual = residual,
            .a = a,
            .b = b,
            .z_sum = z_sum,
            .chunk_z = chunk_z,
            .chunk_rz = chunk_rz,
        };
    }

    fn deinit(self: *Scratch, allocator: std.mem.Allocator) void {
        allocator.free(self.z);
        allocator.free(self.residual);
        allocator.free(self.a);
        allocator.free(self.b);
        allocator.free(self.z_sum);
        allocator.free(self.chunk_z);
        allocator.free(self.chunk_rz);
        self.* = undefined;
    }
};

const PartResult = struct {
    status: Status = .ok,
    row: u64 = 0,
};

const HalfStep = struct {
    allocator: std.mem.Allocator,
    rows: Rows,
    other: SideConst,
    side: Side,
    params: Params,
    bounds: []const usize,
    results: []PartResult,

    fn run(self: *const HalfStep, part: u32) void {
        var scratch = Scratch.init(self.allocator, self.params.k) catch {
            self.results[part] = .{ .status = .out_of_memory, .row = self.bounds[part] };
            return;
        };
        defer scratch.deinit(self.allocator);
        var r = self.bounds[part];
        while (r < self.bounds[part + 1]) : (r += 1) {
            if (!self.solveRow(&scratch, r)) {
                self.results[part] = .{ .status = .not_finite, .row = r };
                return;
            }
        }
    }

    /// Builds and solves row r's system; false when A is not numerically positive definite.
    fn solveRow(self: *const HalfStep, s: *Scratch, r: usize) bool {
        const k = s.k;
        const begin = self.rows.begin(r);
        const end = self.rows.end(r);
        const factors = self.side.factors[r * k ..][0..k];
        if (begin == end) {
            @memset(factors, 0);
            self.side.bias[r] = 0;
            return true;
        }
        @memset(s.z_sum, 0);
        @memset(s.b, 0);
        var chunk_begin = begin;
        var first = true;
        while (chunk_begin < end) : (chunk_begin += s.chunk) {
            const chunk_end = @min(end, chunk_begin + s.chunk);
            self.accumulateChunk(s, chunk_begin, chunk_end, first);
            first = false;
        }
        const n: f64 = @floatFromInt(end - begin);
        const weight: f64 = if (self.params.weighted) n else 1;
        const lambda_factors = @as(f64, self.params.lambda_factors) * weight;
        for (0..k) |a| {
            s.a[a * s.stride + a] += lambda_factors;
            s.a[a * s.stride + k] = s.z_sum[a];
        }
        s.a[k * s.stride + k] = n + @as(f64, self.params.lambda_bias) * weight;
        if (!linalg.choleskyFactor(f64, s.a, k + 1, s.stride)) return false;
        linalg.choleskySolve(f64, s.a, k + 1, s.stride, s.b);
        for (factors, s.b[0..k]) |*dst, x| dst.* = @floatCast(x);
        self.side.bias[r] = @floatCast(s.b[k]);
        return std.math.isFinite(self.side.bias[r]);
    }

    /// Gathers entries `chunk_begin..chunk_end` of the row and adds their Gram and right-hand
    /// side into `s.a` (the first chunk stores instead of adding) and `s.b`.
    fn accumulateChunk(self: *const HalfStep, s: *Scratch, chunk_begin: usize, chunk_end: usize, first: bool) void {
        const k = s.k;
        const kp = s.kp;
        const count = chunk_end - chunk_begin;
        assert(count >= 1 and count <= s.chunk);
        const mu = self.params.mu;
        @memset(s.chunk_z, 0);
        @memset(s.chunk_rz, 0);
        var residual_sum: f64 = 0;
        for (0..count) |j| {
            const e = chunk_begin + j;
            const other = self.rows.index[e];
            const z_row = s.z[j * kp ..][0..kp];
            @memcpy(z_row[0..k], self.other.factors[@as(usize, other) * k ..][0..k]);
            const residual = self.rows.values[e] - mu - self.other.bias[other];
            s.residual[j] = residual;
            residual_sum += residual;
            linalg.axpy(f32, 1, z_row, s.chunk_z);
            linalg.axpy(f32, residual, z_row, s.chunk_rz);
        }
        for (0..k) |a| {
            s.z_sum[a] += s.chunk_z[a];
            s.b[a] += s.chunk_rz[a];
        }
        s.b[k] += residual_sum;
        if (first) zeroUpper(s);
        linalg.gramAccumulate(s.z, count, k, kp, s.a, s.stride);
    }

    /// Zeroes the entries of A that the Gram tiles add into (rows 0..k from their first tile).
    fn zeroUpper(s: *Scratch) void {
        const width = linalg.gram_vectors * linalg.lanes;
        for (0..s.k) |a| {
            const tile_row = a / linalg.gram_rows * linalg.gram_rows;
            const first_col = tile_row / width * width;
            @memset(s.a[a * s.stride + first_col ..][0 .. s.kp - first_col], 0);
        }
    }
};

/// Solves every row of `rows` given the other side (one half of an epoch). On failure `info.a` is
/// the first row whose system could not be solved.
pub fn halfStep(
    allocator: std.mem.Allocator,
    rows: Rows,
    other: SideConst,
    side: Side,
    params: Params,
    threads: u32,
    info: *ErrorInfo,
) Status {
    assert(params.valid());
    const k: usize = params.k;
    assert(side.bias.len == rows.count());
    assert(side.factors.len == side.bias.len * k);
    assert(other.factors.len == other.bias.len * k);
    const parts = threads_mod.clampThreads(threads, rows.count(), 64);
    var bounds: [threads_mod.threads_max + 1]usize = undefined;
    // A row's factorisation costs about (2/3)(k+1) ratings' worth of Gram updates.
    const row_cost: u64 = 2 * (@as(u64, params.k) + 1) / 3 + 4;
    rows_mod.balancedBounds(rows.ptr, parts, row_cost, bounds[0 .. parts + 1]);
    var results = [_]PartResult{.{}} ** threads_mod.threads_max;
    const context: HalfStep = .{
        .allocator = allocator,
        .rows = rows,
        .other = other,
        .side = side,
        .params = params,
        .bounds = bounds[0 .. parts + 1],
        .results = results[0..parts],
    };
    threads_mod.run(parts, &context, HalfStep.run);
    for (results[0..parts]) |result| {
        if (result.status != .ok) {
            info.set(0, 0, result.row, 0);
            return result.status;
        }
    }
    return .ok;
}

/// One epoch: every user given the items, then every item given the new users.
/// On failure `info.b` is 0 for the user half-step and 1 for the item half-step.
pub fn epoch(
    allocator: std.mem.Allocator,
    users: Rows,
    items: Rows,
    user: Side,
    item: Side,
    params: Params,
    threads: u32,
    info: *ErrorInfo,
) Status {
    const item_const: SideConst = .{ .factors = item.factors, .bias = item.bias };
    const user_status = halfStep(allocator, users, item_const, user, params, threads, info);
    if (user_status != .ok) return user_status;
    const user_const: SideConst = .{ .factors = user.factors, .bias = user.bias };
    const item_status = halfStep(allocator, items, user_const, item, params, threads, info);
    if (item_status != .ok) info.b = 1;
    return item_status;
}

const testing = std.testing;

/// The same half-step, written plainly: dense A in f64, rank-1 updates, unblocked.
fn referenceHalfStep(rows: Rows, other: SideConst, side: Side, params: Params) !void {
    const k: usize = params.k;
    const p = k + 1;
    const stride = (p + 7) / 8 * 8;
    const a = try testing.allocator.alloc(f64, p * stride);
    defer testing.allocator.free(a);
    const b = try testing.allocator.alloc(f64, p);
    defer testing.allocator.free(b);
    const z = try testing.allocator.alloc(f32, p);
    defer testing.allocator.free(z);
    for (0..rows.count()) |r| {
        @memset(a, 0);
        @memset(b, 0);
        const n = rows.end(r) - rows.begin(r);
        if (n == 0) {
            @memset(side.factors[r * k ..][0..k], 0);
            side.bias[r] = 0;
            continue;
        }
        for (rows.index[rows.begin(r)..rows.end(r)], rows.values[rows.begin(r)..rows.end(r)]) |o, v| {
            @memcpy(z[0..k], other.factors[o * k ..][0..k]);
            z[k] = 1;
            linalg.gramRank1Upper(a, stride, z);
            const residual: f64 = @as(f64, v) - params.mu - other.bias[o];
            for (b, z) |*bj, zj| bj.* += residual * zj;
        }
        const w: f64 = if (params.weighted) @floatFromInt(n) else 1;
        for (0..k) |j| a[j * stride + j] += params.lambda_factors * w;
        a[k * stride + k] += params.lambda_bias * w;
        try testing.expect(linalg.choleskyFactor(f64, a, p, stride));
        linalg.choleskySolve(f64, a, p, stride, b);
        for (0..k) |j| side.factors[r * k + j] = @floatCast(b[j]);
        side.bias[r] = @floatCast(b[k]);
    }
}

const Fixture = struct {
    users: Rows,
    items: Rows,
    n_users: usize,
    n_items: usize,
    u32_buffers: [4][]u32,
    f32_buffers: [2][]f32,

    /// A random sparse matrix with one long row (longer than a chunk) and one empty row.
    fn init(seed: u64, n_users: usize, n_items: usize) !Fixture {
        var rng = std.Random.DefaultPrng.init(seed);
        const random = rng.random();
        const user_ptr = try testing.allocator.alloc(u32, n_users + 1);
        const user_items = try testing.allocator.alloc(u32, n_users * n_items);
        const user_values = try testing.allocator.alloc(f32, n_users * n_items);
        user_ptr[0] = 0;
        var nnz: u32 = 0;
        for (0..n_users) |u| {
            for (0..n_items) |i| {
                const keep = u == 0 or (u != 1 and random.float(f32) < 0.3);
                if (!keep) continue;
                user_items[nnz] = @intCast(i);
                user_values[nnz] = @as(f32, @floatFromInt(random.intRangeAtMost(u32, 1, 10))) * 0.5;
                nnz += 1;
            }
            user_ptr[u + 1] = nnz;
        }
        const item_ptr = try testing.allocator.alloc(u32, n_items + 1);
        const item_users = try testing.allocator.alloc(u32, nnz);
        const item_values = try testing.allocator.alloc(f32, nnz);
        @memset(item_ptr, 0);
        for (user_items[0..nnz]) |i| item_ptr[i + 1] += 1;
        for (1..n_items + 1) |i| item_ptr[i] += item_ptr[i - 1];
        const cursor = try testing.allocator.dupe(u32, item_ptr[0..n_items]);
        defer testing.allocator.free(cursor);
        for (0..n_users) |u| for (user_ptr[u]..user_ptr[u + 1]) |e| {
            const i = user_items[e];
            item_users[cursor[i]] = @intCast(u);
            item_values[cursor[i]] = user_values[e];
            cursor[i] += 1;
        };
        return .{
            .users = .{ .ptr = user_ptr, .index = user_items[0..nnz], .values = user_values[0..nnz] },
            .items = .{ .ptr = item_ptr, .index = item_users, .values = item_values },
            .n_users = n_users,
            .n_items = n_items,
            .u32_buffers = .{ user_ptr, user_items, item_ptr, item_users },
            .f32_buffers = .{ user_values, item_values },
        };
    }

    fn deinit(self: *Fixture) void {
        for (self.u32_buffers) |buffer| testing.allocator.free(buffer);
        for (self.f32_buffers) |buffer| testing.allocator.free(buffer);
    }
};

fn randomFactors(seed: u64, out: []f32) void {
    var rng = std.Random.DefaultPrng.init(seed);
    for (out) |*x| x.* = (rng.random().float(f32) - 0.5) * 0.2;
}

test "half-step matches the plain reference, for several k and thread counts" {
    var fixture = try Fixture.init(3, 40, 700);
    defer fixture.deinit();
    for ([_]u32{ 1, 5, 8, 13, 32 }) |k| {
        for ([_]bool{ false, true }) |weighted| {
            const params: Params = .{ .k = k, .mu = 3.5, .lambda_factors = 0.1, .lambda_bias = 0.05, .weighted = weighted };
            const item_factors = try testing.allocator.alloc(f32, fixture.n_items * k);
            defer testing.allocator.free(item_factors);
            const item_bias = try testing.allocator.alloc(f32, fixture.n_items);
            defer testing.allocator.free(item_bias);
            randomFactors(k, item_factors);
            randomFactors(k + 100, item_bias);
            const other: SideConst = .{ .factors = item_factors, .bias = item_bias };
            const want_factors = try testing.allocator.alloc(f32, fixture.n_users * k);
            defer testing.allocator.free(want_factors);
            const want_bias = try testing.allocator.alloc(f32, fixture.n_users);
            defer testing.allocator.free(want_bias);
            try referenceHalfStep(fixture.users, other, .{ .factors = want_factors, .bias = want_bias }, params);
            var first_factors: ?[]f32 = null;
            defer if (first_factors) |f| testing.allocator.free(f);
            for ([_]u32{ 1, 2, 3 }) |threads| {
                const factors = try testing.allocator.alloc(f32, fixture.n_users * k);
                defer testing.allocator.free(factors);
                const bias = try testing.allocator.alloc(f32, fixture.n_users);
                defer testing.allocator.free(bias);
                @memset(factors, 9);
                var info: ErrorInfo = .{};
                try testing.expectEqual(Status.ok, halfStep(testing.allocator, fixture.users, other, .{ .factors = factors, .bias = bias }, params, threads, &info));
                for (want_factors, factors) |want, got| try testing.expectApproxEqAbs(want, got, 1e-4);
                for (want_bias, bias) |want, got| try testing.expectApproxEqAbs(want, got, 1e-4);
                // The empty user 1 gets zeros.
                for (factors[k .. 2 * k]) |x| try testing.expectEqual(@as(f32, 0), x);
                try testing.expectEqual(@as(f32, 0), bias[1]);
                // Bit-identical whatever the thread count.
                if (first_factors) |f| {
                    try testing.expectEqualSlices(f32, f, factors);
                } else first_factors = try testing.allocator.dupe(f32, factors);
            }
        }
    }
}

test "ALS recovers a planted rank-2 matrix with biases" {
    const n_users = 30;
    const n_items = 25;
    const k = 2;
    var rng = std.Random.DefaultPrng.init(5);
    const random = rng.random();
    var true_users: [n_users * k]f32 = undefined;
    var true_items: [n_items * k]f32 = undefined;
    for (&true_users) |*x| x.* = random.float(f32) * 2 - 1;
    for (&true_items) |*x| x.* = random.float(f32) * 2 - 1;
    // Every rating observed: r = 3 + x·y (the model's biases absorb nothing systematic).
    var user_ptr: [n_users + 1]u32 = undefined;
    var user_items: [n_users * n_items]u32 = undefined;
    var user_values: [n_users * n_items]f32 = undefined;
    var item_ptr: [n_items + 1]u32 = undefined;
    var item_users: [n_users * n_items]u32 = undefined;
    var item_values: [n_users * n_items]f32 = undefined;
    for (0..n_users + 1) |u| user_ptr[u] = @intCast(u * n_items);
    for (0..n_items + 1) |i| item_ptr[i] = @intCast(i * n_users);
    for (0..n_users) |u| for (0..n_items) |i| {
        const value = 3 + linalg.dot(true_users[u * k ..][0..k], true_items[i * k ..][0..k]);
        user_items[u * n_items + i] = @intCast(i);
        user_values[u * n_items + i] = value;
        item_users[i * n_users + u] = @intCast(u);
        item_values[i * n_users + u] = value;
    };
    const users: Rows = .{ .ptr = &user_ptr, .index = &user_items, .values = &user_values };
    const items: Rows = .{ .ptr = &item_ptr, .index = &item_users, .values = &item_values };
    var user_factors: [n_users * k]f32 = undefined;
    var item_factors: [n_items * k]f32 = undefined;
    randomFactors(1, &user_factors);
    randomFactors(2, &item_factors);
    var user_bias = [_]f32{0} ** n_users;
    var item_bias = [_]f32{0} ** n_items;
    const params: Params = .{ .k = k, .mu = 3, .lambda_factors = 1e-4, .lambda_bias = 1e-4, .weighted = false };
    var info: ErrorInfo = .{};
    for (0..200) |_| {
        try testing.expectEqual(Status.ok, epoch(testing.allocator, users, items, .{ .factors = &user_factors, .bias = &user_bias }, .{ .factors = &item_factors, .bias = &item_bias }, params, 2, &info));
    }
    var sse: f64 = 0;
    for (0..n_users) |u| for (0..n_items) |i| {
        const predicted = 3 + user_bias[u] + item_bias[i] +
            linalg.dot(user_factors[u * k ..][0..k], item_factors[i * k ..][0..k]);
        const err = predicted - user_values[u * n_items + i];
        sse += err * err;
    };
    try testing.expect(@sqrt(sse / (n_users * n_items)) < 1e-2);
}
