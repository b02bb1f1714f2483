//! Sparse matrix construction: raw MovieLens ids to dense indices, and the two compressed layouts
//! (CSR by user, CSC by item) built by stable counting sorts. Every pass is deterministic whatever
//! the thread count: partitions are contiguous and scattered in partition order.
const std = @import("std");
const assert = std.debug.assert;
const status_mod = @import("status.zig");
const threads_mod = @import("threads.zig");

const Status = status_mod.Status;
const ErrorInfo = status_mod.ErrorInfo;

/// One compressed layout: `ptr` (outer + 1 entries), and per entry the inner index, value and time.
pub const Compressed = struct {
    ptr: []u32,
    index: []u32,
    values: []f32,
    times: []u32,

    pub fn outer(self: Compressed) u32 {
        return @intCast(self.ptr.len - 1);
    }
};

/// Number of distinct values in `raw` and the largest one (0 when `raw` is empty).
pub fn distinct(allocator: std.mem.Allocator, raw: []const u32) !struct { count: u32, max: u32 } {
    var max: u32 = 0;
    for (raw) |id| max = @max(max, id);
    const seen = try allocator.alloc(bool, @as(usize, max) + 1);
    defer allocator.free(seen);
    @memset(seen, false);
    for (raw) |id| seen[id] = true;
    var count: u32 = 0;
    for (seen) |flag| count += @intFromBool(flag);
    return .{ .count = if (raw.len == 0) 0 else count, .max = max };
}

/// Replaces every raw id by its dense index (ascending raw order) and writes `ids[dense] = raw`.
/// `ids.len` must be the distinct count and `max` the largest raw id, as `distinct` returned them.
pub fn densify(allocator: std.mem.Allocator, raw: []u32, max: u32, ids: []u32) !Status {
    const table = try allocator.alloc(u32, @as(usize, max) + 1);
    defer allocator.free(table);
    const absent = std.math.maxInt(u32);
    @memset(table, absent);
    for (raw) |id| {
        if (id > max) return .index_out_of_range;
        table[id] = 0;
    }
    var next: u32 = 0;
    for (table, 0..) |*slot, id| {
        if (slot.* == absent) continue;
        if (next >= ids.len) return .invalid_argument;
        slot.* = next;
        ids[next] = @intCast(id);
        next += 1;
    }
    if (next != ids.len) return .invalid_argument;
    for (raw) |*id| id.* = table[id.*];
    return .ok;
}

/// A stable counting sort of entries (key, index, value, time) into a compressed layout, run over
/// `parts` contiguous input partitions. `counts` is scratch of `parts * outer` u32.
const Scatter = struct {
    keys: []const u32,
    index: []const u32,
    values: []const f32,
    times: []const u32,
    out: Compressed,
    parts: u32,
    counts: []u32,

    fn histogram(self: *Scatter, part: u32) void {
        const range = threads_mod.partRange(self.keys.len, self.parts, part);
        const outer = self.out.outer();
        const counts = self.counts[@as(usize, part) * outer ..][0..outer];
        @memset(counts, 0);
        for (self.keys[range.begin..range.end]) |key| counts[key] += 1;
    }

    fn scatter(self: *Scatter, part: u32) void {
        const range = threads_mod.partRange(self.keys.len, self.parts, part);
        const outer = self.out.outer();
        const cursor = self.counts[@as(usize, part) * outer ..][0..outer];
        var i = range.begin;
        while (i < range.end) : (i += 1) {
            const key = self.keys[i];
            const slot = cursor[key];
            cursor[key] = slot + 1;
            self.out.index[slot] = self.index[i];
            self.out.values[slot] = self.values[i];
            self.out.times[slot] = self.times[i];
        }
    }

    /// Turns per-partition counts into per-partition start offsets, and fills `out.ptr`.
    fn offsets(self: *Scatter) void {
        const outer = self.out.outer();
        var total: u32 = 0;
        var key: usize = 0;
        while (key < outer) : (key += 1) {
            self.out.ptr[key] = total;
            var part: usize = 0;
            while (part < self.parts) : (part += 1) {
                const slot = &self.counts[part * outer + key];
                const count = slot.*;
                slot.* = total;
                total += count;
            }
        }
        self.out.ptr[outer] = total;
        assert(total == self.keys.len);
    }
};

/// Sorts entries by `keys` into `out`, stably. Keys must be `< out.outer()` (checked by the caller).
pub fn sortInto(
    allocator: std.mem.Allocator,
    keys: []const u32,
    index: []const u32,
    values: []const f32,
    times: []const u32,
    out: Compressed,
    threads: u32,
) !void {
    assert(keys.len == index.len and keys.len == values.len and keys.len == times.len);
    assert(out.index.len == keys.len);
    const parts = threads_mod.clampThreads(threads, keys.len, 1 << 16);
    const counts = try allocator.alloc(u32, @as(usize, parts) * out.outer());
    defer allocator.free(counts);
    var context: Scatter = .{
        .keys = keys,
        .index = index,
        .values = values,
        .times = times,
        .out = out,
        .parts = parts,
        .counts = counts,
    };
    threads_mod.run(parts, &context, Scatter.histogram);
    context.offsets();
    threads_mod.run(parts, &context, Scatter.scatter);
}

/// Expands compressed pointers back into one outer key per entry.
fn expandKeys(ptr: []const u32, keys: []u32) void {
    var outer: usize = 0;
    while (outer + 1 < ptr.len) : (outer += 1) {
        @memset(keys[ptr[outer]..ptr[outer + 1]], @intCast(outer));
    }
}

/// Transposes `from` into `to` (CSR into CSC or back). Entries stay in `from`'s order within each
/// outer slot of `to`, so inner indices come out ascending.
pub fn transpose(allocator: std.mem.Allocator, from: Compressed, to: Compressed, threads: u32) !void {
    assert(from.index.len == to.index.len);
    const keys = try allocator.alloc(u32, from.index.len);
    defer allocator.free(keys);
    expandKeys(from.ptr, keys);
    try sortInto(allocator, from.index, keys, from.values, from.times, to, threads);
}

/// One layout's arrays owned by whoever called `transposed`.
pub const OwnedLayout = struct {
    ptr: []u32,
    index: []u32,
    values: []f32,

    pub fn deinit(self: OwnedLayout, allocator: std.mem.Allocator) void {
        allocator.free(self.ptr);
        allocator.free(self.index);
        allocator.free(self.values);
    }
};

/// The other layout of `ptr`/`index`/`values` (CSR into CSC or back) over `outer` slots, newly
/// allocated, by `transpose` on one thread: for tests and tools that start from one layout.
pub fn transposed(
    allocator: std.mem.Allocator,
    ptr: []const u32,
    index: []const u32,
    values: []const f32,
    outer: u32,
) !OwnedLayout {
    assert(ptr.len >= 1 and ptr[ptr.len - 1] == index.len and index.len == values.len);
    const times = try allocator.alloc(u32, 2 * index.len);
    defer allocator.free(times);
    @memset(times, 0);
    const out_ptr = try allocator.alloc(u32, @as(usize, outer) + 1);
    errdefer allocator.free(out_ptr);
    const out_index = try allocator.alloc(u32, index.len);
    errdefer allocator.free(out_index);
    const out_values = try allocator.alloc(f32, index.len);
    errdefer allocator.free(out_values);
    const out: OwnedLayout = .{ .ptr = out_ptr, .index = out_index, .values = out_values };
    const from: Compressed = .{
        .ptr = @constCast(ptr),
        .index = @constCast(index),
        .values = @constCast(values),
        .times = times[0..index.len],
    };
    const to: Compressed = .{
        .ptr = out.ptr,
        .index = out.index,
        .values = out.values,
        .times = times[index.len..],
    };
    try transpose(allocator, from, to, 1);
    return out;
}

/// Builds CSR (by user) and CSC (by item) from coordinate columns. Within a row items ascend and
/// within a column users ascend. A repeated (user, item) pair is `duplicate_pair`, with the dense
/// user in `info.a` and the dense item in `info.b`.
pub fn build(
    allocator: std.mem.Allocator,
    users: []const u32,
    items: []const u32,
    values: []const f32,
    times: []const u32,
    csr: Compressed,
    csc: Compressed,
    threads: u32,
    info: *ErrorInfo,
) !Status {
    for (users, items, 0..) |user, item, i| {
        if (user >= csr.outer() or item >= csc.outer()) {
            info.set(0, 0, i, 0);
            return .index_out_of_range;
        }
    }
    // Rows first (file order within a row). When some row's items are out of order, columns
    // (users ascending) and then rows again from the columns (items ascending) fix it; GroupLens
    // files are sorted by user then movie, so this is normally skipped. Last, the columns.
    try sortInto(allocator, users, items, values, times, csr, threads);
    if (!rowsAscending(csr)) {
        try transpose(allocator, csr, csc, threads);
        try transpose(allocator, csc, csr, threads);
    }
    try transpose(allocator, csr, csc, threads);
    return findDuplicate(csr, info);
}

/// Whether every row's inner indices are non-decreasing.
fn rowsAscending(csr: Compressed) bool {
    var outer: usize = 0;
    while (outer < csr.outer()) : (outer += 1) {
        const row = csr.index[csr.ptr[outer]..csr.ptr[outer + 1]];
        if (row.len < 2) continue;
        for (row[0 .. row.len - 1], row[1..]) |left, right| {
            if (left > right) return false;
        }
    }
    return true;
}

fn findDuplicate(csr: Compressed, info: *ErrorInfo) Status {
    var user: u32 = 0;
    while (user < csr.outer()) : (user += 1) {
        const row = csr.index[csr.ptr[user]..csr.ptr[user + 1]];
        if (row.len < 2) continue;
        for (row[0 .. row.len - 1], row[1..]) |left, right| {
            assert(left <= right);
            if (left == right) {
                info.set(0, 0, user, left);
                return .duplicate_pair;
            }
        }
    }
    return .ok;
}

const testing = std.testing;

test "densify maps ids in ascending order" {
    var raw = [_]u32{ 50, 7, 50, 3, 7 };
    const d = try distinct(testing.allocator, &raw);
    try testing.expectEqual(@as(u32, 3), d.count);
    try testing.expectEqual(@as(u32, 50), d.max);
    var ids: [3]u32 = undefined;
    try testing.expectEqual(Status.ok, try densify(testing.allocator, &raw, d.max, &ids));
    try testing.expectEqualSlices(u32, &.{ 3, 7, 50 }, &ids);
    try testing.expectEqualSlices(u32, &.{ 2, 1, 2, 0, 1 }, &raw);
}

test "build gives sorted CSR and CSC holding the same triplets, for any thread count" {
    const users = [_]u32{ 2, 0, 1, 0, 2, 1 };
    const items = [_]u32{ 0, 2, 1, 0, 2, 0 };
    const values = [_]f32{ 1, 2, 3, 4, 5, 0.5 };
    const times = [_]u32{ 10, 20, 30, 40, 50, 60 };
    var threads: u32 = 1;
    while (threads <= 4) : (threads += 1) {
        var user_ptr: [4]u32 = undefined;
        var item_ptr: [4]u32 = undefined;
        var buffers: [6][6]u32 = undefined;
        var value_buffers: [2][6]f32 = undefined;
        const csr: Compressed = .{ .ptr = &user_ptr, .index = &buffers[0], .values = &value_buffers[0], .times = &buffers[1] };
        const csc: Compressed = .{ .ptr = &item_ptr, .index = &buffers[2], .values = &value_buffers[1], .times = &buffers[3] };
        var info: ErrorInfo = .{};
        try testing.expectEqual(Status.ok, try build(testing.allocator, &users, &items, &values, &times, csr, csc, threads, &info));
        try testing.expectEqualSlices(u32, &.{ 0, 2, 4, 6 }, &user_ptr);
        try testing.expectEqualSlices(u32, &.{ 0, 2, 0, 1, 0, 2 }, csr.index);
        try testing.expectEqualSlices(f32, &.{ 4, 2, 0.5, 3, 1, 5 }, csr.values);
        try testing.expectEqualSlices(u32, &.{ 40, 20, 60, 30, 10, 50 }, csr.times);
        try testing.expectEqualSlices(u32, &.{ 0, 3, 4, 6 }, &item_ptr);
        try testing.expectEqualSlices(u32, &.{ 0, 1, 2, 1, 0, 2 }, csc.index);
        try testing.expectEqualSlices(f32, &.{ 4, 0.5, 1, 3, 2, 5 }, csc.values);
    }
}

test "build takes the sorted-input path and gives the same layout" {
    const users = [_]u32{ 0, 0, 1, 2, 2 };
    const items = [_]u32{ 0, 2, 1, 0, 2 };
    const values = [_]f32{ 1, 2, 3, 4, 5 };
    const times = [_]u32{ 1, 2, 3, 4, 5 };
    var user_ptr: [4]u32 = undefined;
    var item_ptr: [4]u32 = undefined;
    var buffers: [4][5]u32 = undefined;
    var value_buffers: [2][5]f32 = undefined;
    const csr: Compressed = .{ .ptr = &user_ptr, .index = &buffers[0], .values = &value_buffers[0], .times = &buffers[1] };
    const csc: Compressed = .{ .ptr = &item_ptr, .index = &buffers[2], .values = &value_buffers[1], .times = &buffers[3] };
    var info: ErrorInfo = .{};
    try testing.expectEqual(Status.ok, try build(testing.allocator, &users, &items, &values, &times, csr, csc, 2, &info));
    try testing.expectEqualSlices(u32, &.{ 0, 2, 1, 0, 2 }, csr.index);
    try testing.expectEqualSlices(u32, &.{ 0, 2, 3, 5 }, &item_ptr);
    try testing.expectEqualSlices(u32, &.{ 0, 2, 1, 0, 2 }, csc.index);
    try testing.expectEqualSlices(f32, &.{ 1, 4, 3, 2, 5 }, csc.values);
}

test "build reports a duplicate pair and an out-of-range index" {
    var user_ptr: [3]u32 = undefined;
    var item_ptr: [3]u32 = undefined;
    var buffers: [4][3]u32 = undefined;
    var value_buffers: [2][3]f32 = undefined;
    const csr: Compressed = .{ .ptr = &user_ptr, .index = &buffers[0], .values = &value_buffers[0], .times = &buffers[1] };
    const csc: Compressed = .{ .ptr = &item_ptr, .index = &buffers[2], .values = &value_buffers[1], .times = &buffers[3] };
    const values = [_]f32{ 1, 2, 3 };
    const times = [_]u32{ 1, 2, 3 };
    var info: ErrorInfo = .{};
    try testing.expectEqual(Status.duplicate_pair, try build(testing.allocator, &.{ 1, 0, 1 }, &.{ 1, 0, 1 }, &values, &times, csr, csc, 2, &info));
    try testing.expectEqual(@as(u64, 1), info.a);
    try testing.expectEqual(@as(u64, 1), info.b);
    try testing.expectEqual(Status.index_out_of_range, try build(testing.allocator, &.{ 1, 0, 2 }, &.{ 1, 0, 1 }, &values, &times, csr, csc, 2, &info));
    try testing.expectEqual(@as(u64, 2), info.a);
}
