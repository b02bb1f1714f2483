//! Feature-augmented ALS (genre ALS): ALS with biases whose item parameters are pulled toward a
//! linear function of the item's side features f_i (genres, decade, tags; F of them):
//!   v_i ≈ Gᵀ f_i (G is F × K),  b_i ≈ wᵀ f_i,
//! minimising the ALS loss plus τ Σ_i ‖v_i − Gᵀ f_i‖² + τ_b Σ_i (b_i − wᵀ f_i)² + λ_G (‖G‖² + ‖w‖²)
//! over the items with ratings; an item without ratings is its prior exactly. The equations are
//! in lib/models/genre_als_state.ts, whose plain TypeScript epoch is the reference.
//!
//! One epoch: users exactly as ALS; items by `als.halfStepWithPrior` (only the diagonal and the
//! right-hand side change, so the SIMD Gram, Cholesky and dual machinery is shared); then G and w
//! by ridge regression of V and b on F over the rated items (F × F normal equations in f64,
//! F ≲ 100, the sparse feature rows summed in item order on one thread), and every unrated item is
//! set to its new prior. The prior rows are computed in item order into scratch allocated once per
//! call. Same determinism as ALS: the numbers do not depend on the thread count.
const std = @import("std");
const assert = std.debug.assert;
const status_mod = @import("status.zig");
const rows_mod = @import("rows.zig");
const linalg = @import("linalg.zig");
const als = @import("als.zig");
const sparse = @import("sparse.zig");

const Status = status_mod.Status;
const ErrorRecord = status_mod.ErrorRecord;
const Rows = rows_mod.Rows;

/// Most features the kernel accepts (the F × F system is solved densely).
pub const features_max: u32 = 4096;

pub const Params = struct {
    als: als.Params,
    tau: f32,
    tau_bias: f32,
    /// λ_G, the ridge penalty of G and w.
    lambda_features: f32,

    pub fn valid(self: Params) bool {
        return self.als.valid() and self.tau >= 0 and std.math.isFinite(self.tau) and
            self.tau_bias >= 0 and std.math.isFinite(self.tau_bias) and
            self.lambda_features > 0 and std.math.isFinite(self.lambda_features);
    }
};

/// The feature prior's parameters: G (`features × k`, row-major) and w (`features`).
pub const FeatureModel = struct {
    factors: []f32,
    bias: []f32,
};

/// out.factors[i] = Gᵀ f_i and out.bias[i] = wᵀ f_i for every item (f32 sums in feature order).
pub fn priorRows(features: Rows, model: FeatureModel, k: usize, factors: []f32, bias: []f32) void {
    assert(factors.len == features.count() * k);
    assert(bias.len == features.count());
    assert(model.factors.len == model.bias.len * k);
    for (0..features.count()) |i| {
        const row = factors[i * k ..][0..k];
        @memset(row, 0);
        var b: f32 = 0;
        const index = features.index[features.begin(i)..features.end(i)];
        const values = features.values[features.begin(i)..features.end(i)];
        for (index, values) |g, v| {
            linalg.axpy(f32, v, model.factors[g * k ..][0..k], row);
            b += v * model.bias[g];
        }
        bias[i] = b;
    }
}

/// G and w by ridge regression over the rated items (see the file comment); G = 0 when τ = 0 and
/// w = 0 when τ_b = 0. false when the normal equations cannot be factorised.
pub fn fitFeatureModel(
    allocator: std.mem.Allocator,
    items: Rows,
    features: Rows,
    item: als.SideConst,
    model: FeatureModel,
    params: Params,
) error{OutOfMemory}!bool {
    const k: usize = params.als.k;
    const n_features = model.bias.len;
    const stride = linalg.padToLanes(n_features) + linalg.lanes;
    const gram = try allocator.alloc(f64, n_features * stride);
    defer allocator.free(gram);
    const factorised = try allocator.alloc(f64, n_features * stride);
    defer allocator.free(factorised);
    // Right-hand sides: k columns for G, one for w, stored feature-major.
    const rhs = try allocator.alloc(f64, n_features * (k + 1));
    defer allocator.free(rhs);
    const column = try allocator.alloc(f64, n_features);
    defer allocator.free(column);
    @memset(gram, 0);
    @memset(rhs, 0);
    for (0..items.count()) |i| {
        if (items.begin(i) == items.end(i)) continue;
        const index = features.index[features.begin(i)..features.end(i)];
        const values = features.values[features.begin(i)..features.end(i)];
        for (index, values) |g, v| {
            for (index, values) |h, w| gram[g * stride + h] += @as(f64, v) * w;
            const target = rhs[g * (k + 1) ..][0 .. k + 1];
            for (target[0..k], item.factors[i * k ..][0..k]) |*t, x| t.* += @as(f64, v) * x;
            target[k] += @as(f64, v) * item.bias[i];
        }
    }
    const sides = [_]struct { tau: f32, first: usize, count: usize }{
        .{ .tau = params.tau, .first = 0, .count = k },
        .{ .tau = params.tau_bias, .first = k, .count = 1 },
    };
    for (sides) |side| {
        if (side.tau == 0) {
            for (0..n_features) |g| {
                for (0..side.count) |c| setFeature(model, k, g, side.first + c, 0);
            }
            continue;
        }
        @memcpy(factorised, gram);
        const ridge = @as(f64, params.lambda_features) / side.tau;
        for (0..n_features) |g| factorised[g * stride + g] += ridge;
        if (!linalg.choleskyFactor(f64, factorised, n_features, stride)) return false;
        for (0..side.count) |c| {
            for (column, 0..) |*x, g| x.* = rhs[g * (k + 1) + side.first + c];
            linalg.choleskySolve(f64, factorised, n_features, stride, column);
            for (column, 0..) |x, g| setFeature(model, k, g, side.first + c, @floatCast(x));
        }
    }
    for (model.factors) |x| if (!std.math.isFinite(x)) return false;
    for (model.bias) |x| if (!std.math.isFinite(x)) return false;
    return true;
}

fn setFeature(model: FeatureModel, k: usize, g: usize, column: usize, value: f32) void {
    if (column < k) model.factors[g * k + column] = value else model.bias[g] = value;
}

/// One epoch: users given the items; items given the users, pulled toward their prior; then G, w
/// refitted and every unrated item set to its new prior. On failure `info.side` is 0
/// (user half-step), 1 (item half-step) or 2 (the G/w regression), `info.row` the row.
pub fn epoch(
    allocator: std.mem.Allocator,
    users: Rows,
    items: Rows,
    features: Rows,
    user: als.Side,
    item: als.Side,
    model: FeatureModel,
    params: Params,
    threads: u32,
    info: *ErrorRecord,
) Status {
    assert(params.valid());
    const k: usize = params.als.k;
    assert(features.count() == items.count());
    assert(model.factors.len == model.bias.len * k);
    const item_const: als.SideConst = .{ .factors = item.factors, .bias = item.bias };
    const user_status = als.halfStep(allocator, users, item_const, user, params.als, threads, info);
    if (user_status != .ok) return user_status;
    const n_items: usize = items.count();
    const prior_factors = allocator.alloc(f32, n_items * k) catch return .out_of_memory;
    defer allocator.free(prior_factors);
    const prior_bias = allocator.alloc(f32, n_items) catch return .out_of_memory;
    defer allocator.free(prior_bias);
    priorRows(features, model, k, prior_factors, prior_bias);
    const prior: als.Prior = .{
        .factors = prior_factors,
        .bias = prior_bias,
        .tau = params.tau,
        .tau_bias = params.tau_bias,
    };
    const user_const: als.SideConst = .{ .factors = user.factors, .bias = user.bias };
    const item_status = als.halfStepWithPrior(
        allocator,
        items,
        user_const,
        item,
        params.als,
        prior,
        threads,
        info,
    );
    if (item_status != .ok) {
        info.side = 1;
        return item_status;
    }
    const fitted = fitFeatureModel(allocator, items, features, item_const, model, params) catch
        return .out_of_memory;
    if (!fitted) {
        info.* = .{ .side = 2 };
        return .not_finite;
    }
    priorRows(features, model, k, prior_factors, prior_bias);
    for (0..n_items) |i| {
        if (items.begin(i) != items.end(i)) continue;
        @memcpy(item.factors[i * k ..][0..k], prior_factors[i * k ..][0..k]);
        item.bias[i] = prior_bias[i];
    }
    return .ok;
}

const testing = std.testing;

/// A random rating matrix (both layouts) with `n_users × n_items` cells kept with `density`;
/// items listed in `empty_items` get no ratings. Feature rows: the intercept plus 1–3 of
/// `n_features − 1` others.
const Fixture = struct {
    users: Rows,
    items: Rows,
    features: Rows,
    buffers_u32: [6][]u32,
    buffers_f32: [3][]f32,

    fn init(
        seed: u64,
        n_users: usize,
        n_items: usize,
        n_features: usize,
        density: f32,
        empty_items: []const usize,
    ) !Fixture {
        var rng = std.Random.DefaultPrng.init(seed);
        const random = rng.random();
        const ptr = try testing.allocator.alloc(u32, n_users + 1);
        const index = try testing.allocator.alloc(u32, n_users * n_items);
        const values = try testing.allocator.alloc(f32, n_users * n_items);
        var nnz: u32 = 0;
        ptr[0] = 0;
        for (0..n_users) |u| {
            for (0..n_items) |i| {
                const empty = std.mem.indexOfScalar(usize, empty_items, i) != null;
                if (empty or random.float(f32) >= density) continue;
                index[nnz] = @intCast(i);
                values[nnz] = @as(f32, @floatFromInt(random.intRangeAtMost(u32, 1, 10))) * 0.5;
                nnz += 1;
            }
            ptr[u + 1] = nnz;
        }
        const by_item = try sparse.transposed(
            testing.allocator,
            ptr,
            index[0..nnz],
            values[0..nnz],
            @intCast(n_items),
        );
        const f_ptr = try testing.allocator.alloc(u32, n_items + 1);
        const f_index = try testing.allocator.alloc(u32, n_items * 4);
        const f_values = try testing.allocator.alloc(f32, n_items * 4);
        var f_nnz: u32 = 0;
        f_ptr[0] = 0;
        for (0..n_items) |i| {
            f_index[f_nnz] = 0;
            f_values[f_nnz] = 1;
            f_nnz += 1;
            const first = random.intRangeLessThan(u32, 1, @intCast(n_features));
            var g = first;
            var count = random.intRangeAtMost(u32, 1, 3);
            while (count > 0 and g < n_features) : (count -= 1) {
                f_index[f_nnz] = g;
                f_values[f_nnz] = 1;
                f_nnz += 1;
                g += random.intRangeAtMost(u32, 1, 3);
            }
            f_ptr[i + 1] = f_nnz;
        }
        return .{
            .users = .{ .ptr = ptr, .index = index[0..nnz], .values = values[0..nnz] },
            .items = .{ .ptr = by_item.ptr, .index = by_item.index, .values = by_item.values },
            .features = .{ .ptr = f_ptr, .index = f_index[0..f_nnz], .values = f_values[0..f_nnz] },
            .buffers_u32 = .{ ptr, index, by_item.ptr, by_item.index, f_ptr, f_index },
            .buffers_f32 = .{ values, by_item.values, f_values },
        };
    }

    fn deinit(self: *Fixture) void {
        for (self.buffers_u32) |b| testing.allocator.free(b);
        for (self.buffers_f32) |b| testing.allocator.free(b);
    }
};

fn fillRandom(seed: u64, out: []f32) void {
    var rng = std.Random.DefaultPrng.init(seed);
    for (out) |*x| x.* = (rng.random().float(f32) - 0.5) * 0.4;
}

/// Row i of the item half-step with prior, solved directly in f64 (dense A, rank-1 updates).
fn directItemRow(
    f: Fixture,
    i: usize,
    user: als.SideConst,
    prior: als.Prior,
    params: als.Params,
    out: []f64,
) !void {
    const k: usize = params.k;
    const p = k + 1;
    const stride = linalg.padToLanes(p) + linalg.lanes;
    const a = try testing.allocator.alloc(f64, p * stride);
    defer testing.allocator.free(a);
    @memset(a, 0);
    const z = try testing.allocator.alloc(f32, p);
    defer testing.allocator.free(z);
    @memset(out, 0);
    const begin = f.items.begin(i);
    const end = f.items.end(i);
    for (f.items.index[begin..end], f.items.values[begin..end]) |u, v| {
        @memcpy(z[0..k], user.factors[u * k ..][0..k]);
        z[k] = 1;
        linalg.gramRank1Upper(a, stride, z);
        const residual: f64 = @as(f64, v) - params.mu - user.bias[u];
        for (out[0..p], z) |*o, zj| o.* += residual * zj;
    }
    const w: f64 = if (params.weighted) @floatFromInt(end - begin) else 1;
    for (0..k) |j| {
        a[j * stride + j] += params.lambda_factors * w + prior.tau;
        out[j] += @as(f64, prior.tau) * prior.factors[i * k + j];
    }
    a[k * stride + k] += params.lambda_bias * w + prior.tau_bias;
    out[k] += @as(f64, prior.tau_bias) * prior.bias[i];
    try testing.expect(linalg.choleskyFactor(f64, a, p, stride));
    linalg.choleskySolve(f64, a, p, stride, out[0..p]);
}

test "item half-step with a prior: every row against a direct solve (primal, dual), empty = prior" {
    const n_users = 3 * als.rows_per_thread_min + 5;
    const n_items = 3 * als.rows_per_thread_min + 40;
    const empty = [_]usize{ 3, 77 };
    var f = try Fixture.init(11, n_users, n_items, 9, 0.06, &empty);
    defer f.deinit();
    for ([_]u32{ 4, 24 }) |k| {
        for ([_]bool{ false, true }) |weighted| {
            const params: als.Params = .{
                .k = k,
                .mu = 3.5,
                .lambda_factors = 0.3,
                .lambda_bias = 0.2,
                .weighted = weighted,
            };
            const user_factors = try testing.allocator.alloc(f32, n_users * k);
            defer testing.allocator.free(user_factors);
            const user_bias = try testing.allocator.alloc(f32, n_users);
            defer testing.allocator.free(user_bias);
            const prior_factors = try testing.allocator.alloc(f32, n_items * k);
            defer testing.allocator.free(prior_factors);
            const prior_bias = try testing.allocator.alloc(f32, n_items);
            defer testing.allocator.free(prior_bias);
            fillRandom(1, user_factors);
            fillRandom(2, user_bias);
            fillRandom(3, prior_factors);
            fillRandom(4, prior_bias);
            const prior: als.Prior = .{
                .factors = prior_factors,
                .bias = prior_bias,
                .tau = 2.5,
                .tau_bias = 1.5,
            };
            const item_factors = try testing.allocator.alloc(f32, n_items * k);
            defer testing.allocator.free(item_factors);
            const item_bias = try testing.allocator.alloc(f32, n_items);
            defer testing.allocator.free(item_bias);
            var info: ErrorRecord = .{};
            const user: als.SideConst = .{ .factors = user_factors, .bias = user_bias };
            try testing.expectEqual(
                Status.ok,
                als.halfStepWithPrior(
                    testing.allocator,
                    f.items,
                    user,
                    .{ .factors = item_factors, .bias = item_bias },
                    params,
                    prior,
                    2,
                    &info,
                ),
            );
            const want = try testing.allocator.alloc(f64, k + 1);
            defer testing.allocator.free(want);
            for (0..n_items) |i| {
                if (f.items.begin(i) == f.items.end(i)) {
                    // No ratings: the prior exactly.
                    try testing.expectEqualSlices(
                        f32,
                        prior_factors[i * k ..][0..k],
                        item_factors[i * k ..][0..k],
                    );
                    try testing.expectEqual(prior_bias[i], item_bias[i]);
                    continue;
                }
                try directItemRow(f, i, user, prior, params, want);
                for (want[0..k], item_factors[i * k ..][0..k]) |w, got| {
                    try testing.expectApproxEqAbs(w, got, 2e-5 * @max(1, @abs(w)));
                }
                try testing.expectApproxEqAbs(want[k], item_bias[i], 2e-5 * @max(1, @abs(want[k])));
            }
        }
    }
}

/// The parameter buffers of a genre ALS run (every field one buffer).
const EpochRun = struct {
    user_factors: []f32,
    item_factors: []f32,
    user_bias: []f32,
    item_bias: []f32,
    g: []f32,
    w: []f32,

    fn init(n_users: usize, n_items: usize, n_features: usize, k: usize) !EpochRun {
        const run: EpochRun = .{
            .user_factors = try testing.allocator.alloc(f32, n_users * k),
            .item_factors = try testing.allocator.alloc(f32, n_items * k),
            .user_bias = try testing.allocator.alloc(f32, n_users),
            .item_bias = try testing.allocator.alloc(f32, n_items),
            .g = try testing.allocator.alloc(f32, n_features * k),
            .w = try testing.allocator.alloc(f32, n_features),
        };
        fillRandom(5, run.user_factors);
        fillRandom(6, run.item_factors);
        @memset(run.user_bias, 0);
        @memset(run.item_bias, 0);
        @memset(run.g, 0);
        @memset(run.w, 0);
        return run;
    }

    fn deinit(self: EpochRun) void {
        inline for (comptime std.meta.fieldNames(EpochRun)) |name| {
            testing.allocator.free(@field(self, name));
        }
    }

    fn epochs(self: EpochRun, f: Fixture, params: Params, threads: u32, count: usize) !void {
        for (0..count) |_| {
            var info: ErrorRecord = .{};
            try testing.expectEqual(Status.ok, epoch(
                testing.allocator,
                f.users,
                f.items,
                f.features,
                .{ .factors = self.user_factors, .bias = self.user_bias },
                .{ .factors = self.item_factors, .bias = self.item_bias },
                .{ .factors = self.g, .bias = self.w },
                params,
                threads,
                &info,
            ));
        }
    }
};

test "genre ALS epochs: cold items are their feature prior exactly; 1, 2, 3 threads bit-identical" {
    const n_users = 3 * als.rows_per_thread_min + 9;
    const n_items = 3 * als.rows_per_thread_min + 20;
    const n_features = 12;
    const k = 8;
    const empty = [_]usize{ 0, 50, 199 };
    var f = try Fixture.init(21, n_users, n_items, n_features, 0.05, &empty);
    defer f.deinit();
    const params: Params = .{
        .als = .{ .k = k, .mu = 3.5, .lambda_factors = 0.5, .lambda_bias = 0.5, .weighted = false },
        .tau = 4,
        .tau_bias = 2,
        .lambda_features = 1,
    };
    const first = try EpochRun.init(n_users, n_items, n_features, k);
    defer first.deinit();
    try first.epochs(f, params, 1, 3);
    // Cold items: v_i = Gᵀ f_i, b_i = wᵀ f_i exactly (the same f32 sums).
    const prior_factors = try testing.allocator.alloc(f32, n_items * k);
    defer testing.allocator.free(prior_factors);
    const prior_bias = try testing.allocator.alloc(f32, n_items);
    defer testing.allocator.free(prior_bias);
    priorRows(f.features, .{ .factors = first.g, .bias = first.w }, k, prior_factors, prior_bias);
    for (empty) |i| {
        try testing.expectEqualSlices(
            f32,
            prior_factors[i * k ..][0..k],
            first.item_factors[i * k ..][0..k],
        );
        try testing.expectEqual(prior_bias[i], first.item_bias[i]);
    }
    var nonzero: usize = 0;
    for (first.g) |x| {
        if (x != 0) nonzero += 1;
    }
    try testing.expect(nonzero == first.g.len);
    for ([_]u32{ 2, 3 }) |threads| {
        const other = try EpochRun.init(n_users, n_items, n_features, k);
        defer other.deinit();
        try other.epochs(f, params, threads, 3);
        inline for (comptime std.meta.fieldNames(EpochRun)) |name| {
            try testing.expectEqualSlices(
                u32,
                @ptrCast(@field(first, name)),
                @ptrCast(@field(other, name)),
            );
        }
    }
}

test "G and w: the ridge regression's normal equations hold; τ = 0 gives G = w = 0" {
    const n_users = 40;
    const n_items = 60;
    const n_features = 7;
    const k = 3;
    var f = try Fixture.init(31, n_users, n_items, n_features, 0.2, &.{5});
    defer f.deinit();
    const run = try EpochRun.init(n_users, n_items, n_features, k);
    defer run.deinit();
    fillRandom(9, run.item_bias);
    const params: Params = .{
        .als = .{ .k = k, .mu = 3, .lambda_factors = 1, .lambda_bias = 1, .weighted = false },
        .tau = 2,
        .tau_bias = 0.5,
        .lambda_features = 3,
    };
    const model: FeatureModel = .{ .factors = run.g, .bias = run.w };
    const item: als.SideConst = .{ .factors = run.item_factors, .bias = run.item_bias };
    try testing.expect(
        try fitFeatureModel(testing.allocator, f.items, f.features, item, model, params),
    );
    // Gradient of Σ_rated τ‖v_i − Gᵀf_i‖² + λ_G‖G‖² in G[g][c]:
    // τ Σ f_ig (Gᵀf_i − v_i)_c + λ_G G[g][c] = 0.
    for (0..n_features) |g| {
        for (0..k + 1) |c| {
            const tau: f64 = if (c < k) params.tau else params.tau_bias;
            const current: f64 = if (c < k) run.g[g * k + c] else run.w[g];
            var grad: f64 = params.lambda_features * current;
            for (0..n_items) |i| {
                if (f.items.begin(i) == f.items.end(i)) continue;
                var has: f64 = 0;
                var fitted: f64 = 0;
                for (f.features.index[f.features.begin(i)..f.features.end(i)]) |h| {
                    if (h == g) has = 1;
                    fitted += if (c < k) run.g[h * k + c] else run.w[h];
                }
                const target: f64 = if (c < k) run.item_factors[i * k + c] else run.item_bias[i];
                grad += tau * has * (fitted - target);
            }
            try testing.expectApproxEqAbs(@as(f64, 0), grad, 1e-4);
        }
    }
    var zero = params;
    zero.tau = 0;
    zero.tau_bias = 0;
    try testing.expect(
        try fitFeatureModel(testing.allocator, f.items, f.features, item, model, zero),
    );
    for (run.g) |x| try testing.expectEqual(@as(f32, 0), x);
    for (run.w) |x| try testing.expectEqual(@as(f32, 0), x);
}
