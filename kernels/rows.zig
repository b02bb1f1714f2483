//! Read-only compressed rating rows, the view the model kernels take of one layout of a rating
//! matrix (CSR by user, or CSC by item), with the checks done once at the C ABI and static
//! partitions balanced by work rather than by row count (degrees are heavy-tailed).
const std = @import("std");
const assert = std.debug.assert;
const status_mod = @import("status.zig");
const threads_max = @import("threads.zig").threads_max;

const Status = status_mod.Status;
const ErrorRecord = status_mod.ErrorRecord;

/// Rows `0..count()`: row r owns entries `ptr[r]..ptr[r+1]` of `index` (the other side's dense
/// index) and `values` (the rating).
pub const Rows = struct {
    ptr: []const u32,
    index: []const u32,
    values: []const f32,

    pub fn count(self: Rows) u32 {
        assert(self.ptr.len >= 1);
        return @intCast(self.ptr.len - 1);
    }

    /// The O(1) part of a well-formed layout (what `validate` and `abi.rowsOf` guarantee): row
    /// pointers from 0 to `index.len`, one value per index. For asserts at kernel entry points.
    pub fn assertShape(self: Rows) void {
        assert(self.ptr.len >= 1);
        assert(self.ptr.len - 1 <= std.math.maxInt(u32));
        assert(self.ptr[0] == 0);
        assert(self.ptr[self.ptr.len - 1] == self.index.len);
        assert(self.index.len == self.values.len);
    }

    pub fn begin(self: Rows, r: usize) usize {
        return self.ptr[r];
    }

    pub fn end(self: Rows, r: usize) usize {
        return self.ptr[r + 1];
    }
};

/// Checks that `rows` is a well-formed layout over `inner` columns: `ptr[0] = 0`, non-decreasing,
/// `ptr[count] = index.len`, indices strictly ascending within a row and `< inner`, every value
/// finite. On failure `info.row` is the row and `info.index` the offending column.
pub fn validate(rows: Rows, inner: u32, info: *ErrorRecord) Status {
    if (rows.ptr.len == 0 or rows.index.len != rows.values.len) return .invalid_argument;
    if (rows.ptr[0] != 0 or rows.ptr[rows.ptr.len - 1] != rows.index.len) return .invalid_argument;
    var r: usize = 0;
    while (r < rows.count()) : (r += 1) {
        if (rows.ptr[r] > rows.ptr[r + 1]) {
            info.* = .{ .row = r, .expected = rows.ptr[r], .actual = rows.ptr[r + 1] };
            return .invalid_argument;
        }
        var previous: ?u32 = null;
        const row_index = rows.index[rows.begin(r)..rows.end(r)];
        const row_values = rows.values[rows.begin(r)..rows.end(r)];
        for (row_index, row_values) |i, v| {
            if (i >= inner) {
                info.* = .{ .row = r, .index = i };
                return .index_out_of_range;
            }
            if (!std.math.isFinite(v)) {
                info.* = .{ .row = r, .index = i };
                return .not_finite;
            }
            if (previous) |p| if (p >= i) {
                info.* = .{ .row = r, .index = i };
                return if (p == i) .duplicate_pair else .invalid_argument;
            };
            previous = i;
        }
    }
    return .ok;
}

/// What one part (a thread's contiguous range of rows) of a half-step reports: `.ok`, or why and
/// at which row it stopped.
pub const PartResult = struct {
    status: Status = .ok,
    row: u64 = 0,
};

/// The failure of the first part that failed (parts in row order), its row in `info.row` (the
/// other fields zeroed); `.ok`, `info` untouched, when every part succeeded.
pub fn firstFailure(results: []const PartResult, info: *ErrorRecord) Status {
    assert(results.len <= threads_max);
    for (results) |result| {
        if (result.status != .ok) {
            info.* = .{ .row = result.row };
            return result.status;
        }
    }
    return .ok;
}

/// Cuts rows `0..count` into `parts` contiguous ranges of about equal work, where row r costs
/// `ptr[r+1] - ptr[r] + row_cost`. `bounds` gets `parts + 1` row indices, from 0 to count. The cut
/// depends only on `ptr`, `parts` and `row_cost`.
pub fn balancedBounds(ptr: []const u32, parts: u32, row_cost: u64, bounds: []usize) void {
    assert(ptr.len >= 1);
    assert(ptr[0] == 0);
    assert(parts >= 1);
    assert(parts <= threads_max);
    assert(bounds.len == @as(usize, parts) + 1);
    const count = ptr.len - 1;
    const total: u64 = @as(u64, ptr[count]) + row_cost * count;
    bounds[0] = 0;
    bounds[parts] = count;
    var part: usize = 1;
    while (part < parts) : (part += 1) {
        const target = total * part / parts;
        // First row r with work(0..r) ≥ target: binary search on the monotone prefix.
        var lo: usize = bounds[part - 1];
        var hi: usize = count;
        while (lo < hi) {
            const mid = lo + (hi - lo) / 2;
            const work = @as(u64, ptr[mid]) + row_cost * mid;
            if (work < target) lo = mid + 1 else hi = mid;
        }
        bounds[part] = lo;
    }
    for (bounds[0..parts], bounds[1..]) |a, b| assert(a <= b);
}

const testing = std.testing;

test "validate accepts a good layout and names the bad entry" {
    const ptr = [_]u32{ 0, 2, 2, 3 };
    const index = [_]u32{ 0, 4, 1 };
    var values = [_]f32{ 1, 2, 3 };
    var info: ErrorRecord = .{};
    const rows: Rows = .{ .ptr = &ptr, .index = &index, .values = &values };
    try testing.expectEqual(Status.ok, validate(rows, 5, &info));
    try testing.expectEqual(Status.index_out_of_range, validate(rows, 4, &info));
    try testing.expectEqual(@as(u64, 0), info.row);
    try testing.expectEqual(@as(u64, 4), info.index);
    values[2] = std.math.inf(f32);
    try testing.expectEqual(Status.not_finite, validate(rows, 5, &info));
    try testing.expectEqual(@as(u64, 2), info.row);
    const unsorted = [_]u32{ 4, 0, 1 };
    const unsorted_rows: Rows = .{ .ptr = &ptr, .index = &unsorted, .values = &values };
    try testing.expectEqual(Status.invalid_argument, validate(unsorted_rows, 5, &info));
    const bad_ptr = [_]u32{ 0, 2, 1, 3 };
    const bad_rows: Rows = .{ .ptr = &bad_ptr, .index = &index, .values = &values };
    try testing.expectEqual(Status.invalid_argument, validate(bad_rows, 5, &info));
}

test "balancedBounds splits by entries, not rows" {
    // Row 0 holds 90 entries, rows 1..10 one each: two parts split right after row 0.
    var ptr: [12]u32 = undefined;
    ptr[0] = 0;
    ptr[1] = 90;
    for (2..12) |r| ptr[r] = ptr[r - 1] + 1;
    var bounds: [3]usize = undefined;
    balancedBounds(&ptr, 2, 0, &bounds);
    try testing.expectEqualSlices(usize, &.{ 0, 1, 11 }, &bounds);
    // With a large per-row cost the split moves toward equal row counts.
    balancedBounds(&ptr, 2, 1000, &bounds);
    try testing.expectEqualSlices(usize, &.{ 0, 6, 11 }, &bounds);
    var one: [2]usize = undefined;
    balancedBounds(&ptr, 1, 5, &one);
    try testing.expectEqualSlices(usize, &.{ 0, 11 }, &one);
}

test "firstFailure names the first failing part's row" {
    var info: ErrorRecord = .{ .side = 1 };
    const fine = [_]PartResult{ .{}, .{} };
    try testing.expectEqual(Status.ok, firstFailure(&fine, &info));
    try testing.expectEqual(@as(u64, 1), info.side); // untouched
    const failed = [_]PartResult{
        .{},
        .{ .status = .not_finite, .row = 70 },
        .{ .status = .out_of_memory, .row = 140 },
    };
    try testing.expectEqual(Status.not_finite, firstFailure(&failed, &info));
    try testing.expectEqual(@as(u64, 70), info.row);
    try testing.expectEqual(@as(u64, 0), info.side);
}
