//! The shapes that cross the C ABI, and the only code that turns them into slices.
//!
//! Exports take `extern struct` views by pointer instead of long positional lists (as TigerBeetle
//! passes its `Packet`): a `RowsView` is one compressed layout of a rating matrix (CSR by user or
//! CSC by item), a `ModelView` the four parameter arrays of r̂ = μ + b_u + b_i + x_u·y_i, and every
//! export fills an `ErrorRecord` with named fields when it fails. The TypeScript side packs the
//! same bytes in lib/ffi/_abi.ts (field order and offsets are tied by lib/ffi/abi_test.ts).
//!
//! Validation happens once per matrix: `validate` (O(nnz), behind `rs_rows_validate`) checks a
//! layout in full and sets `RowsView.validated`; the wrapper keeps that view beside its matrix.
//! Epochs, scoring and top-N accept only a validated view and do O(1) checks here (shape, first
//! and last pointer), never the O(nnz) pass again.
const std = @import("std");
const assert = std.debug.assert;
const status_mod = @import("status.zig");
const rows_mod = @import("rows.zig");
const score = @import("score.zig");
const als = @import("als.zig");
const sparse = @import("sparse.zig");
const synth = @import("synth.zig");
const io = @import("io.zig");

const Status = status_mod.Status;
const Rows = rows_mod.Rows;

/// One compressed layout: row r owns entries `ptr[r]..ptr[r+1]` of `index` (the other side's dense
/// index, ascending in a row, `< inner`) and `values`. Pointers are never null (the wrapper points
/// empty arrays at a small static buffer).
pub const RowsView = extern struct {
    /// Row pointers, `rows + 1` entries.
    ptr: [*]const u32,
    /// Column index per entry, `nnz` entries.
    index: [*]const u32,
    /// Value per entry, `nnz` entries.
    values: [*]const f32,
    /// Number of rows (users for CSR, items for CSC).
    rows: u32,
    /// Number of columns: every index is below it.
    inner: u32,
    /// Number of entries.
    nnz: u32,
    /// `validated_mark` once `validate` accepted this view; 0 when packed.
    validated: u32,
};

/// One compressed layout with timestamps, as the builders fill it (or `rs_matrix_transpose` reads
/// it): `ptr` has `rows + 1` entries, the other three `nnz`; indices are `< inner`.
pub const LayoutView = extern struct {
    ptr: [*]u32,
    index: [*]u32,
    values: [*]f32,
    times: [*]u32,
    rows: u32,
    inner: u32,
    nnz: u32,
    reserved: u32,
};

/// Coordinate (COO) entries with dense indices: entry j is (users[j], items[j], values[j],
/// times[j]).
pub const CoordinatesView = extern struct {
    users: [*]const u32,
    items: [*]const u32,
    values: [*]const f32,
    times: [*]const u32,
    nnz: u32,
    reserved: u32,
};

/// The planted model and plan of the synthetic generator (`rs_synth_ratings_csv`,
/// kernels/synth.zig): user arrays have `n_users` entries (factors `n_users × k`, row-major),
/// item arrays `n_items` (factors `n_items × k`). Pointers are never null.
pub const SynthModelView = extern struct {
    /// Seed of the per-user random streams.
    seed: u64,
    /// Global mean μ.
    mu: f64,
    /// Noise standard deviation σ.
    noise_sd: f64,
    user_counts: [*]const u32,
    user_time_begin: [*]const u32,
    user_time_span: [*]const u32,
    user_bias: [*]const f32,
    user_factors: [*]const f32,
    /// Raw movieId per item, strictly ascending.
    movie_ids: [*]const u32,
    item_weights: [*]const f64,
    /// The alias table of `item_weights`.
    item_prob: [*]const f64,
    item_alias: [*]const u32,
    item_bias: [*]const f32,
    item_factors: [*]const f32,
    n_users: u32,
    n_items: u32,
    /// Planted rank, 1..`synth.factors_max`.
    k: u32,
    /// Ratings before this timestamp are rounded to whole stars.
    whole_stars_before: u32,
    /// 1 ends lines with CRLF, 0 with LF.
    crlf: u32,
    reserved: u32,
};

/// A ratings.csv mapped read-only by `rs_ratings_scan`: the parse reads these same bytes (one
/// mapping per load) and unmaps them, as does `rs_ratings_unmap`. Valid while `mark` is
/// `mapped_mark`; unmapping zeroes the view, so a second unmap does nothing.
pub const MappingView = extern struct {
    bytes: ?[*]const u8,
    len: u64,
    mark: u32,
    reserved: u32,
};

/// What `rs_ratings_scan` writes into `MappingView.mark`.
pub const mapped_mark: u32 = 0x4D41_5050; // "MAPP"

/// The four columns `rs_ratings_parse` fills, `rows` entries each, and the largest raw ids it saw
/// (outputs).
pub const RatingColumnsView = extern struct {
    users: [*]u32,
    movies: [*]u32,
    ratings: [*]f32,
    times: [*]u32,
    rows: u32,
    /// Largest userId (output).
    max_user: u32,
    /// Largest movieId (output).
    max_movie: u32,
    reserved: u32,
};

/// One id column for `rs_ids_densify`: `raw` (`len` entries) is rewritten in place to dense
/// indices and `ids[dense] = raw id` (ascending) is written for the `count` distinct ids
/// (output), which must not exceed `capacity`.
pub const IdColumnView = extern struct {
    raw: [*]u32,
    ids: [*]u32,
    len: u32,
    capacity: u32,
    /// Distinct ids written to `ids` (output).
    count: u32,
    reserved: u32,
};

/// What `validate` writes into `RowsView.validated`.
pub const validated_mark: u32 = 0x5641_4C44; // "VALD"

/// The parameters of a model: factors `n × k` row-major, biases `n`. `k = 0` is bias-only.
pub const ModelView = extern struct {
    user_factors: [*]f32,
    item_factors: [*]f32,
    user_bias: [*]f32,
    item_bias: [*]f32,
    n_users: u32,
    n_items: u32,
    k: u32,
    mu: f32,
};

/// Where and why a call failed; every export takes one and fills the fields that apply (the rest
/// stay 0). The wrapper turns it into the message of a KernelError.
pub const ErrorRecord = extern struct {
    /// 1-based line in the input file (0 where no line applies).
    line: u64 = 0,
    /// 1-based field on that line (0 where no field applies).
    field: u64 = 0,
    /// The row (dense user or item, or generator user) the failure is in.
    row: u64 = 0,
    /// The offending index (a column, an entry, a position in an array).
    index: u64 = 0,
    /// What was expected (a length, a bound, a count).
    expected: u64 = 0,
    /// What was found.
    actual: u64 = 0,
    /// Which layout or side: 0 = users (CSR), 1 = items (CSC).
    side: u64 = 0,
    /// 1-based position of the export's argument that was refused (0 = not an argument check).
    argument: u64 = 0,
};

comptime {
    assert(@sizeOf(RowsView) == 40);
    assert(@sizeOf(ModelView) == 48);
    assert(@sizeOf(ErrorRecord) == 64);
    assert(@sizeOf(LayoutView) == 48);
    assert(@sizeOf(CoordinatesView) == 40);
    assert(@sizeOf(SynthModelView) == 136);
    assert(@sizeOf(MappingView) == 24);
    assert(@sizeOf(RatingColumnsView) == 48);
    assert(@sizeOf(IdColumnView) == 32);
}

/// A refused argument: the export returns `Status.invalid_argument`.
pub const Refused = error{InvalidArgument};

pub fn code(status: Status) i32 {
    return @intFromEnum(status);
}

/// Records which argument was refused, with what was expected and found.
pub fn refuse(record: *ErrorRecord, argument: u64, expected: u64, actual: u64) Refused {
    record.* = .{ .argument = argument, .expected = expected, .actual = actual };
    return error.InvalidArgument;
}

/// The slices of a view, without any check of its entries (for `validate` only).
fn rowsUnchecked(view: *const RowsView) Rows {
    const nnz: usize = view.nnz;
    return .{
        .ptr = view.ptr[0 .. @as(usize, view.rows) + 1],
        .index = view.index[0..nnz],
        .values = view.values[0..nnz],
    };
}

/// Full O(nnz) check of a layout (see `rows.validate`); on success marks the view validated.
pub fn validate(view: *RowsView, record: *ErrorRecord) Status {
    view.validated = 0;
    if (view.rows == std.math.maxInt(u32)) {
        record.* = .{ .argument = 1, .actual = view.rows };
        return .invalid_argument;
    }
    const status = rows_mod.validate(rowsUnchecked(view), view.inner, record);
    if (status == .ok) view.validated = validated_mark;
    return status;
}

/// The slices of a validated view: O(1) checks (mark, shape, first and last row pointer).
pub fn rowsOf(view: ?*const RowsView, argument: u64, record: *ErrorRecord) Refused!Rows {
    const v = view orelse return refuse(record, argument, 1, 0);
    if (v.validated != validated_mark) return refuse(record, argument, validated_mark, v.validated);
    if (v.rows == std.math.maxInt(u32)) return refuse(record, argument, 0, v.rows);
    const rows = rowsUnchecked(v);
    if (rows.ptr[0] != 0) return refuse(record, argument, 0, rows.ptr[0]);
    if (rows.ptr[v.rows] != v.nnz) return refuse(record, argument, v.nnz, rows.ptr[v.rows]);
    assert(rows.index.len == rows.values.len);
    assert(rows.count() == v.rows);
    return rows;
}

/// The counts of a model's two sides: users × items.
pub const Shape = struct {
    users: u32,
    items: u32,
};

/// Both layouts of one matrix: users (CSR, `rows` = users) and items (CSC).
pub const Matrix = struct {
    users: Rows,
    items: Rows,

    /// The shape of a model fitted on this matrix.
    pub fn shape(self: Matrix) Shape {
        return .{ .users = self.users.count(), .items = self.items.count() };
    }
};

/// Both layouts of one matrix (arguments `argument` and `argument + 1`), which must agree.
pub fn matrixOf(
    users: ?*const RowsView,
    items: ?*const RowsView,
    argument: u64,
    record: *ErrorRecord,
) Refused!Matrix {
    const by_user = try rowsOf(users, argument, record);
    const by_item = try rowsOf(items, argument + 1, record);
    const u = users.?;
    const i = items.?;
    if (u.inner != i.rows) return refuse(record, argument, i.rows, u.inner);
    if (i.inner != u.rows) return refuse(record, argument + 1, u.rows, i.inner);
    if (u.nnz != i.nnz) return refuse(record, argument + 1, u.nnz, i.nnz);
    return .{ .users = by_user, .items = by_item };
}

/// O(1) checks of a model view: `k ≤ als.k_max`, μ finite, counts below maxInt(u32).
fn checkModel(model: *const ModelView, argument: u64, record: *ErrorRecord) Refused!void {
    if (model.k > als.k_max) return refuse(record, argument, als.k_max, model.k);
    if (!std.math.isFinite(model.mu)) return refuse(record, argument, 0, 0);
    if (model.n_users == std.math.maxInt(u32)) return refuse(record, argument, 0, model.n_users);
    if (model.n_items == std.math.maxInt(u32)) return refuse(record, argument, 0, model.n_items);
}

/// A model view as the read-only `score.Model`.
pub fn scoreModelOf(
    view: ?*const ModelView,
    argument: u64,
    record: *ErrorRecord,
) Refused!score.Model {
    const model = view orelse return refuse(record, argument, 1, 0);
    try checkModel(model, argument, record);
    const k: usize = model.k;
    const result: score.Model = .{
        .k = model.k,
        .mu = model.mu,
        .user_factors = model.user_factors[0 .. model.n_users * k],
        .item_factors = model.item_factors[0 .. model.n_items * k],
        .user_bias = model.user_bias[0..model.n_users],
        .item_bias = model.item_bias[0..model.n_items],
    };
    assert(result.consistent());
    return result;
}

/// The two writable sides of a model.
pub const Sides = struct {
    user: als.Side,
    item: als.Side,
};

/// A model view of `shape` (its counts must be `shape.users` × `shape.items`) as the two writable
/// `als.Side`s.
pub fn sidesOf(
    view: ?*const ModelView,
    shape: Shape,
    argument: u64,
    record: *ErrorRecord,
) Refused!Sides {
    const model = view orelse return refuse(record, argument, 1, 0);
    try checkModel(model, argument, record);
    if (model.n_users != shape.users) return refuse(record, argument, shape.users, model.n_users);
    if (model.n_items != shape.items) return refuse(record, argument, shape.items, model.n_items);
    const k: usize = model.k;
    const user: als.Side = .{
        .factors = model.user_factors[0 .. model.n_users * k],
        .bias = model.user_bias[0..model.n_users],
    };
    const item: als.Side = .{
        .factors = model.item_factors[0 .. model.n_items * k],
        .bias = model.item_bias[0..model.n_items],
    };
    assert(user.factors.len == user.bias.len * k);
    assert(item.factors.len == item.bias.len * k);
    return .{ .user = user, .item = item };
}

/// The slices of a layout view (no check of its entries): O(1) shape checks only.
pub fn layoutOf(
    view: ?*const LayoutView,
    argument: u64,
    record: *ErrorRecord,
) Refused!sparse.Compressed {
    const v = view orelse return refuse(record, argument, 1, 0);
    if (v.rows == std.math.maxInt(u32)) return refuse(record, argument, 0, v.rows);
    const nnz: usize = v.nnz;
    return .{
        .ptr = v.ptr[0 .. @as(usize, v.rows) + 1],
        .index = v.index[0..nnz],
        .values = v.values[0..nnz],
        .times = v.times[0..nnz],
    };
}

/// The four columns of coordinate entries.
pub const Coordinates = struct {
    users: []const u32,
    items: []const u32,
    values: []const f32,
    times: []const u32,
};

/// The four columns of a coordinate view.
pub fn coordinatesOf(
    view: ?*const CoordinatesView,
    argument: u64,
    record: *ErrorRecord,
) Refused!Coordinates {
    const v = view orelse return refuse(record, argument, 1, 0);
    const nnz: usize = v.nnz;
    return .{
        .users = v.users[0..nnz],
        .items = v.items[0..nnz],
        .values = v.values[0..nnz],
        .times = v.times[0..nnz],
    };
}

/// A synthetic model view as `synth.Model`: O(1) checks of the counts, k and flags (the entries
/// are checked by `synth.checkModel`).
pub fn synthModelOf(
    view: ?*const SynthModelView,
    argument: u64,
    record: *ErrorRecord,
) Refused!synth.Model {
    const v = view orelse return refuse(record, argument, 1, 0);
    if (v.n_users == 0) return refuse(record, argument, 1, 0);
    if (v.n_items == 0) return refuse(record, argument, 1, 0);
    if (v.k == 0) return refuse(record, argument, 1, 0);
    if (v.k > synth.factors_max) return refuse(record, argument, synth.factors_max, v.k);
    if (v.crlf > 1) return refuse(record, argument, 1, v.crlf);
    const users: usize = v.n_users;
    const items: usize = v.n_items;
    const k: usize = v.k;
    const model: synth.Model = .{
        .seed = v.seed,
        .k = v.k,
        .mu = v.mu,
        .noise_sd = v.noise_sd,
        .whole_stars_before = v.whole_stars_before,
        .crlf = v.crlf == 1,
        .user_counts = v.user_counts[0..users],
        .user_time_begin = v.user_time_begin[0..users],
        .user_time_span = v.user_time_span[0..users],
        .user_bias = v.user_bias[0..users],
        .user_factors = v.user_factors[0 .. users * k],
        .movie_ids = v.movie_ids[0..items],
        .item_bias = v.item_bias[0..items],
        .item_factors = v.item_factors[0 .. items * k],
        .table = .{
            .weights = v.item_weights[0..items],
            .prob = v.item_prob[0..items],
            .alias = v.item_alias[0..items],
        },
    };
    assert(model.nUsers() == users);
    assert(model.nItems() == items);
    return model;
}

/// Records a fresh mapping of a non-empty file in `view`.
pub fn holdMapping(view: *MappingView, mapped: io.Mapped) void {
    assert(mapped.bytes.len > 0);
    assert(mapped.region != null);
    view.* = .{
        .bytes = mapped.bytes.ptr,
        .len = mapped.bytes.len,
        .mark = mapped_mark,
        .reserved = 0,
    };
}

/// The bytes of a live mapping.
pub fn mappingOf(
    view: ?*const MappingView,
    argument: u64,
    record: *ErrorRecord,
) Refused![]const u8 {
    const v = view orelse return refuse(record, argument, 1, 0);
    if (v.mark != mapped_mark) return refuse(record, argument, mapped_mark, v.mark);
    const bytes = v.bytes orelse return refuse(record, argument, 1, 0);
    if (v.len == 0) return refuse(record, argument, 1, 0);
    return bytes[0..@intCast(v.len)];
}

/// Unmaps a live mapping and zeroes the view; a view that holds none is left as it is.
pub fn releaseMapping(view: *MappingView) void {
    if (view.mark != mapped_mark) return;
    const bytes = view.bytes.?[0..@intCast(view.len)];
    assert(bytes.len > 0);
    const region: []align(std.heap.page_size_min) const u8 = @alignCast(bytes);
    const mapped: io.Mapped = .{ .bytes = bytes, .region = region };
    mapped.unmap();
    view.* = .{ .bytes = null, .len = 0, .mark = 0, .reserved = 0 };
}

/// A caller array of `len` entries; `null` only when `len = 0`.
pub fn constSlice(
    comptime T: type,
    ptr: ?[*]const T,
    len: usize,
    argument: u64,
    record: *ErrorRecord,
) Refused![]const T {
    if (len == 0) return &.{};
    const p = ptr orelse return refuse(record, argument, len, 0);
    return p[0..len];
}

/// A writable caller array of `len` entries; `null` only when `len = 0`.
pub fn mutSlice(
    comptime T: type,
    ptr: ?[*]T,
    len: usize,
    argument: u64,
    record: *ErrorRecord,
) Refused![]T {
    if (len == 0) return &.{};
    const p = ptr orelse return refuse(record, argument, len, 0);
    return p[0..len];
}

const testing = std.testing;

test "a view is accepted only after validate, and its shape is checked in O(1)" {
    const ptr = [_]u32{ 0, 2, 3 };
    const index = [_]u32{ 0, 2, 1 };
    const values = [_]f32{ 4, 3, 5 };
    var view: RowsView = .{
        .ptr = &ptr,
        .index = &index,
        .values = &values,
        .rows = 2,
        .inner = 3,
        .nnz = 3,
        .validated = 0,
    };
    var record: ErrorRecord = .{};
    try testing.expectError(error.InvalidArgument, rowsOf(&view, 2, &record));
    try testing.expectEqual(@as(u64, 2), record.argument);
    try testing.expectEqual(Status.ok, validate(&view, &record));
    const rows = try rowsOf(&view, 1, &record);
    try testing.expectEqual(@as(u32, 2), rows.count());
    view.nnz = 2; // a changed view no longer matches its last row pointer
    try testing.expectError(error.InvalidArgument, rowsOf(&view, 1, &record));
    try testing.expectEqual(@as(u64, 3), record.actual);
    view.nnz = 3;
    view.inner = 2;
    try testing.expectEqual(Status.index_out_of_range, validate(&view, &record));
    try testing.expectEqual(@as(u64, 0), record.row);
    try testing.expectEqual(@as(u64, 2), record.index);
    try testing.expectError(error.InvalidArgument, rowsOf(&view, 1, &record));
}

test "matrixOf refuses layouts of different matrices" {
    const ptr = [_]u32{ 0, 1 };
    const index = [_]u32{0};
    const values = [_]f32{1};
    var users: RowsView = .{
        .ptr = &ptr,
        .index = &index,
        .values = &values,
        .rows = 1,
        .inner = 1,
        .nnz = 1,
        .validated = 0,
    };
    var items = users;
    var record: ErrorRecord = .{};
    try testing.expectEqual(Status.ok, validate(&users, &record));
    try testing.expectEqual(Status.ok, validate(&items, &record));
    _ = try matrixOf(&users, &items, 1, &record);
    items.inner = 2;
    try testing.expectError(error.InvalidArgument, matrixOf(&users, &items, 1, &record));
    try testing.expectEqual(@as(u64, 2), record.argument);
}

test "model views become score models and writable sides" {
    var factors = [_]f32{ 1, 2, 3, 4 };
    var user_bias = [_]f32{ 0.5, -0.5 };
    var item_bias = [_]f32{0.25};
    var model: ModelView = .{
        .user_factors = &factors,
        .item_factors = factors[2..],
        .user_bias = &user_bias,
        .item_bias = &item_bias,
        .n_users = 2,
        .n_items = 1,
        .k = 1,
        .mu = 3,
    };
    var record: ErrorRecord = .{};
    const m = try scoreModelOf(&model, 1, &record);
    try testing.expectEqual(@as(usize, 2), m.users());
    const sides = try sidesOf(&model, .{ .users = 2, .items = 1 }, 1, &record);
    try testing.expectEqual(@as(usize, 1), sides.item.factors.len);
    // A model of another shape than the matrix's is refused, naming what was expected.
    try testing.expectError(
        error.InvalidArgument,
        sidesOf(&model, .{ .users = 2, .items = 3 }, 4, &record),
    );
    try testing.expectEqual(@as(u64, 4), record.argument);
    try testing.expectEqual(@as(u64, 3), record.expected);
    try testing.expectEqual(@as(u64, 1), record.actual);
    model.mu = std.math.nan(f32);
    try testing.expectError(error.InvalidArgument, scoreModelOf(&model, 3, &record));
    try testing.expectEqual(@as(u64, 3), record.argument);
}
