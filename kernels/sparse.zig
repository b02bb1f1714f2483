//! Sparse matrix construction: raw MovieLens ids to dense indices, and the two compressed layouts
//! (CSR by user, CSC by item) built by stable counting sorts. Every pass is deterministic whatever
//! the thread count: partitions are contiguous and scattered in partition order.
const std = @import("std");
const assert = std.debug.assert;
const status_mod = @import("status.zig");
const threads_mod = @import("threads.zig");

const Status = status_mod.Status;
const ErrorRecord = status_mod.ErrorRecord;

/// One compressed layout: `ptr` (outer + 1 entries), and per entry the inner index, value and time.
pub const Compressed = struct {
    ptr: []u32,
    index: []u32,
    values: []f32,
    times: []u32,

    pub fn outer(self: Compressed) u32 {
        assert(self.ptr.len >= 1);
        return @intCast(self.ptr.len - 1);
    }

    /// Every per-entry array has the same length (the entry count).
    pub fn assertShape(self: Compressed) void {
        assert(self.ptr.len >= 1);
        assert(self.ptr.len - 1 <= std.math.maxInt(u32));
        assert(self.values.len == self.index.len);
        assert(self.times.len == self.index.len);
    }
};

/// An open-addressing set of u32 ids (linear probing, load at most 1/2) whose memory grows with
/// the number of distinct ids, never with their size: one huge id costs one slot. The empty-slot
/// marker is `maxInt(u32)`; that id itself, when present, is kept in a flag beside the slots.
const IdSet = struct {
    slots: []u32,
    shift: u5,
    count: u32 = 0,
    has_empty_id: bool = false,

    const empty = std.math.maxInt(u32);
    const bits_min: u5 = 10;

    fn init(allocator: std.mem.Allocator, bits: u5) !IdSet {
        assert(bits >= bits_min);
        const slots = try allocator.alloc(u32, @as(usize, 1) << bits);
        @memset(slots, empty);
        return .{ .slots = slots, .shift = @intCast(32 - @as(u6, bits)) };
    }

    fn deinit(self: IdSet, allocator: std.mem.Allocator) void {
        allocator.free(self.slots);
    }

    /// Fibonacci hashing: the top bits of id × 2^32/φ spread consecutive ids over the table.
    fn home(self: IdSet, id: u32) usize {
        return (id *% 0x9E3779B1) >> self.shift;
    }

    /// The slot that holds `id`, or the empty slot where it belongs. `id` must not be `empty`.
    fn find(self: IdSet, id: u32) usize {
        assert(id != empty);
        const mask = self.slots.len - 1;
        var slot = self.home(id);
        var probes: usize = 0;
        while (probes < self.slots.len) : (probes += 1) {
            const key = self.slots[slot];
            if (key == id or key == empty) return slot;
            slot = (slot + 1) & mask;
        }
        unreachable; // The load factor stays at most 1/2, so an empty slot always exists.
    }

    fn insert(self: *IdSet, allocator: std.mem.Allocator, id: u32) !void {
        if (id == empty) {
            self.count += @intFromBool(!self.has_empty_id);
            self.has_empty_id = true;
            return;
        }
        const slot = self.find(id);
        if (self.slots[slot] == id) return;
        self.slots[slot] = id;
        self.count += 1;
        if (2 * @as(usize, self.count) > self.slots.len) try self.grow(allocator);
    }

    /// Doubles the table and re-inserts every id (at most 32 times over a set's life).
    fn grow(self: *IdSet, allocator: std.mem.Allocator) !void {
        if (self.shift == 1) return error.OutOfMemory; // 2^31 slots hold 2^30 ids at most.
        const bits: u5 = @intCast(32 - @as(u6, self.shift) + 1);
        var bigger = try IdSet.init(allocator, bits);
        for (self.slots) |key| {
            if (key == empty) continue;
            bigger.slots[bigger.find(key)] = key;
        }
        bigger.count = self.count;
        bigger.has_empty_id = self.has_empty_id;
        self.deinit(allocator);
        self.* = bigger;
    }

    /// Every id of `raw`, skipping runs of one id (a file sorted by user repeats each user).
    fn fill(self: *IdSet, allocator: std.mem.Allocator, raw: []const u32) !void {
        var previous: u32 = 0;
        for (raw, 0..) |id, i| {
            if (i > 0 and id == previous) continue;
            previous = id;
            try self.insert(allocator, id);
        }
    }

    /// Writes the ids in ascending order into `out` (`out.len == count`).
    fn sorted(self: IdSet, out: []u32) void {
        assert(out.len == self.count);
        var next: usize = 0;
        for (self.slots) |key| {
            if (key == empty) continue;
            out[next] = key;
            next += 1;
        }
        if (self.has_empty_id) {
            out[next] = empty;
            next += 1;
        }
        assert(next == out.len);
        std.mem.sortUnstable(u32, out, {}, std.sort.asc(u32));
    }
};

/// Number of distinct values in `raw` and the largest one (0 when `raw` is empty). Memory grows
/// with the distinct count only (a hash set), whatever the ids' size.
pub fn distinct(allocator: std.mem.Allocator, raw: []const u32) !struct { count: u32, max: u32 } {
    assert(raw.len <= std.math.maxInt(u32));
    var set = try IdSet.init(allocator, IdSet.bits_min);
    defer set.deinit(allocator);
    try set.fill(allocator, raw);
    var max: u32 = 0;
    for (raw) |id| max = @max(max, id);
    return .{ .count = set.count, .max = max };
}

/// Whether a direct table of `max + 1` u32 entries is small next to the distinct count: at most 16
/// entries per distinct id (plus 64 Ki), so densifying dense-ish ids (all of MovieLens) keeps its
/// one-load-per-entry speed while the memory stays proportional to the distinct count.
fn directTableFits(max: u32, count: usize) bool {
    return @as(u64, max) + 1 <= 16 * @as(u64, count) + (1 << 16);
}

/// Replaces every raw id by its dense index (ascending raw order) and writes `ids[dense] = raw`.
/// `ids.len` must be the distinct count and `max` the largest raw id, as `distinct` returned them.
/// Memory is proportional to `ids.len`: a direct table when the ids are dense enough, else a hash
/// set of the ids with their dense indices beside the slots.
pub fn densify(allocator: std.mem.Allocator, raw: []u32, max: u32, ids: []u32) !Status {
    assert(raw.len <= std.math.maxInt(u32));
    assert(ids.len <= std.math.maxInt(u32));
    for (raw) |id| {
        if (id > max) return .index_out_of_range;
    }
    if (directTableFits(max, ids.len)) return densifyDirect(allocator, raw, max, ids);
    return densifyHashed(allocator, raw, ids);
}

fn densifyDirect(allocator: std.mem.Allocator, raw: []u32, max: u32, ids: []u32) !Status {
    assert(directTableFits(max, ids.len));
    const table = try allocator.alloc(u32, @as(usize, max) + 1);
    defer allocator.free(table);
    const absent = std.math.maxInt(u32);
    @memset(table, absent);
    for (raw) |id| table[id] = 0;
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

fn densifyHashed(allocator: std.mem.Allocator, raw: []u32, ids: []u32) !Status {
    var set = try IdSet.init(allocator, IdSet.bits_min);
    defer set.deinit(allocator);
    try set.fill(allocator, raw);
    if (set.count != ids.len) return .invalid_argument;
    set.sorted(ids);
    // dense[slot] is the dense index of the id in that slot; the id maxInt(u32) sorts last.
    const dense = try allocator.alloc(u32, set.slots.len);
    defer allocator.free(dense);
    for (ids, 0..) |id, index| {
        if (id == IdSet.empty) continue;
        dense[set.find(id)] = @intCast(index);
    }
    const last: u32 = @intCast(ids.len -| 1);
    for (raw) |*id| {
        id.* = if (id.* == IdSet.empty) last else dense[set.find(id.*)];
    }
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
        assert(part < self.parts);
        const range = threads_mod.partRange(self.keys.len, self.parts, part);
        const outer = self.out.outer();
        const counts = self.counts[@as(usize, part) * outer ..][0..outer];
        @memset(counts, 0);
        for (self.keys[range.begin..range.end]) |key| counts[key] += 1;
    }

    fn scatter(self: *Scatter, part: u32) void {
        assert(part < self.parts);
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

/// Sorts entries by `keys` into `out`, stably. Keys must be `< out.outer()` (checked by the
/// caller).
pub fn sortInto(
    allocator: std.mem.Allocator,
    keys: []const u32,
    index: []const u32,
    values: []const f32,
    times: []const u32,
    out: Compressed,
    threads: u32,
) !void {
    assert(keys.len == index.len);
    assert(keys.len == values.len);
    assert(keys.len == times.len);
    assert(keys.len <= std.math.maxInt(u32));
    out.assertShape();
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
    assert(ptr.len >= 1);
    assert(ptr[0] == 0);
    assert(ptr[ptr.len - 1] == keys.len);
    var outer: usize = 0;
    while (outer + 1 < ptr.len) : (outer += 1) {
        @memset(keys[ptr[outer]..ptr[outer + 1]], @intCast(outer));
    }
}

/// Transposes `from` into `to` (CSR into CSC or back). Entries stay in `from`'s order within each
/// outer slot of `to`, so inner indices come out ascending.
pub fn transpose(
    allocator: std.mem.Allocator,
    from: Compressed,
    to: Compressed,
    threads: u32,
) !void {
    from.assertShape();
    to.assertShape();
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
    assert(ptr.len >= 1);
    assert(ptr[ptr.len - 1] == index.len);
    assert(index.len == values.len);
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
/// user in `info.row` and the dense item in `info.index`; an index out of range names the
/// entry in `info.index`.
pub fn build(
    allocator: std.mem.Allocator,
    users: []const u32,
    items: []const u32,
    values: []const f32,
    times: []const u32,
    csr: Compressed,
    csc: Compressed,
    threads: u32,
    info: *ErrorRecord,
) !Status {
    csr.assertShape();
    csc.assertShape();
    assert(users.len == items.len);
    assert(users.len == values.len);
    assert(users.len == times.len);
    assert(csr.index.len == users.len);
    assert(csc.index.len == users.len);
    for (users, items, 0..) |user, item, i| {
        if (user >= csr.outer() or item >= csc.outer()) {
            info.* = .{ .index = i };
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

fn findDuplicate(csr: Compressed, info: *ErrorRecord) Status {
    var user: u32 = 0;
    while (user < csr.outer()) : (user += 1) {
        const row = csr.index[csr.ptr[user]..csr.ptr[user + 1]];
        if (row.len < 2) continue;
        for (row[0 .. row.len - 1], row[1..]) |left, right| {
            assert(left <= right);
            if (left == right) {
                info.* = .{ .row = user, .index = left };
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

/// An allocator that refuses to hold more than `budget` bytes at once and records the peak.
const BudgetAllocator = struct {
    parent: std.mem.Allocator,
    budget: usize,
    live: usize = 0,
    peak: usize = 0,

    fn allocator(self: *BudgetAllocator) std.mem.Allocator {
        return .{ .ptr = self, .vtable = &.{
            .alloc = alloc,
            .resize = std.mem.Allocator.noResize,
            .remap = std.mem.Allocator.noRemap,
            .free = free,
        } };
    }

    fn alloc(context: *anyopaque, len: usize, alignment: std.mem.Alignment, ret: usize) ?[*]u8 {
        const self: *BudgetAllocator = @ptrCast(@alignCast(context));
        if (self.live + len > self.budget) return null;
        const bytes = self.parent.rawAlloc(len, alignment, ret) orelse return null;
        self.live += len;
        self.peak = @max(self.peak, self.live);
        return bytes;
    }

    fn free(context: *anyopaque, memory: []u8, alignment: std.mem.Alignment, ret: usize) void {
        const self: *BudgetAllocator = @ptrCast(@alignCast(context));
        self.live -= memory.len;
        self.parent.rawFree(memory, alignment, ret);
    }
};

test "ids near 2^32 - 1 densify in memory proportional to the distinct count" {
    var budget: BudgetAllocator = .{ .parent = testing.allocator, .budget = 64 * 1024 };
    const huge = std.math.maxInt(u32);
    var raw = [_]u32{ huge, 1, huge - 1, 7, 1, huge, 0, huge - 1 };
    const d = try distinct(budget.allocator(), &raw);
    try testing.expectEqual(@as(u32, 5), d.count);
    try testing.expectEqual(@as(u32, huge), d.max);
    var ids: [5]u32 = undefined;
    try testing.expectEqual(Status.ok, try densify(budget.allocator(), &raw, d.max, &ids));
    try testing.expectEqualSlices(u32, &.{ 0, 1, 7, huge - 1, huge }, &ids);
    try testing.expectEqualSlices(u32, &.{ 4, 1, 3, 2, 1, 4, 0, 3 }, &raw);
    try testing.expect(budget.peak <= 16 * 1024);
    try testing.expectEqual(@as(usize, 0), budget.live);
}

test "the hashed and the direct densify agree with sort-and-unique on random ids" {
    var prng = std.Random.DefaultPrng.init(0x5EED);
    const random = prng.random();
    var round: u32 = 0;
    while (round < 40) : (round += 1) {
        const len = random.uintLessThan(usize, 5000);
        const range: u32 = switch (round % 4) {
            0 => 10,
            1 => 100_000,
            2 => std.math.maxInt(u32),
            else => 3000,
        };
        const raw = try testing.allocator.alloc(u32, len);
        defer testing.allocator.free(raw);
        for (raw) |*id| id.* = if (range == std.math.maxInt(u32) and random.boolean())
            std.math.maxInt(u32) - random.uintLessThan(u32, 50)
        else
            random.uintAtMost(u32, range);
        // Reference: sorted unique ids and a binary search per entry.
        const unique = try testing.allocator.dupe(u32, raw);
        defer testing.allocator.free(unique);
        std.mem.sortUnstable(u32, unique, {}, std.sort.asc(u32));
        var count: usize = 0;
        for (unique, 0..) |id, i| {
            if (i > 0 and id == unique[count - 1]) continue;
            unique[count] = id;
            count += 1;
        }
        const d = try distinct(testing.allocator, raw);
        try testing.expectEqual(count, d.count);
        for ([_]bool{ false, true }) |hashed| {
            const copy = try testing.allocator.dupe(u32, raw);
            defer testing.allocator.free(copy);
            const ids = try testing.allocator.alloc(u32, count);
            defer testing.allocator.free(ids);
            const status = if (hashed)
                try densifyHashed(testing.allocator, copy, ids)
            else if (directTableFits(d.max, count))
                try densify(testing.allocator, copy, d.max, ids)
            else
                continue;
            try testing.expectEqual(Status.ok, status);
            try testing.expectEqualSlices(u32, unique[0..count], ids);
            for (copy, raw) |dense, id| try testing.expectEqual(id, ids[dense]);
        }
    }
}

test "densify refuses a wrong distinct count on either path" {
    var raw = [_]u32{ 5, 9, 5 };
    var two: [1]u32 = undefined;
    const allocator = testing.allocator;
    try testing.expectEqual(Status.invalid_argument, try densify(allocator, &raw, 9, &two));
    const far_max = std.math.maxInt(u32) - 3;
    var far = [_]u32{ 5, far_max, 5 };
    try testing.expectEqual(Status.invalid_argument, try densify(allocator, &far, far_max, &two));
    try testing.expectEqual(Status.index_out_of_range, try densify(allocator, &far, 9, &two));
}

/// Buffers for both layouts of a test matrix with `outer` rows and columns and `nnz` entries.
fn TestLayouts(comptime outer: usize, comptime nnz: usize) type {
    return struct {
        user_ptr: [outer + 1]u32 = undefined,
        item_ptr: [outer + 1]u32 = undefined,
        u32_buffers: [4][nnz]u32 = undefined,
        f32_buffers: [2][nnz]f32 = undefined,

        fn csr(self: *@This()) Compressed {
            return .{
                .ptr = &self.user_ptr,
                .index = &self.u32_buffers[0],
                .values = &self.f32_buffers[0],
                .times = &self.u32_buffers[1],
            };
        }

        fn csc(self: *@This()) Compressed {
            return .{
                .ptr = &self.item_ptr,
                .index = &self.u32_buffers[2],
                .values = &self.f32_buffers[1],
                .times = &self.u32_buffers[3],
            };
        }
    };
}

test "build gives sorted CSR and CSC holding the same triplets, for any thread count" {
    const users = [_]u32{ 2, 0, 1, 0, 2, 1 };
    const items = [_]u32{ 0, 2, 1, 0, 2, 0 };
    const values = [_]f32{ 1, 2, 3, 4, 5, 0.5 };
    const times = [_]u32{ 10, 20, 30, 40, 50, 60 };
    var threads: u32 = 1;
    while (threads <= 4) : (threads += 1) {
        var layouts: TestLayouts(3, 6) = .{};
        const csr = layouts.csr();
        const csc = layouts.csc();
        var info: ErrorRecord = .{};
        const status = try build(
            testing.allocator,
            &users,
            &items,
            &values,
            &times,
            csr,
            csc,
            threads,
            &info,
        );
        try testing.expectEqual(Status.ok, status);
        try testing.expectEqualSlices(u32, &.{ 0, 2, 4, 6 }, csr.ptr);
        try testing.expectEqualSlices(u32, &.{ 0, 2, 0, 1, 0, 2 }, csr.index);
        try testing.expectEqualSlices(f32, &.{ 4, 2, 0.5, 3, 1, 5 }, csr.values);
        try testing.expectEqualSlices(u32, &.{ 40, 20, 60, 30, 10, 50 }, csr.times);
        try testing.expectEqualSlices(u32, &.{ 0, 3, 4, 6 }, csc.ptr);
        try testing.expectEqualSlices(u32, &.{ 0, 1, 2, 1, 0, 2 }, csc.index);
        try testing.expectEqualSlices(f32, &.{ 4, 0.5, 1, 3, 2, 5 }, csc.values);
    }
}

test "build takes the sorted-input path and gives the same layout" {
    const users = [_]u32{ 0, 0, 1, 2, 2 };
    const items = [_]u32{ 0, 2, 1, 0, 2 };
    const values = [_]f32{ 1, 2, 3, 4, 5 };
    const times = [_]u32{ 1, 2, 3, 4, 5 };
    var layouts: TestLayouts(3, 5) = .{};
    const csr = layouts.csr();
    const csc = layouts.csc();
    var info: ErrorRecord = .{};
    const allocator = testing.allocator;
    const status = try build(allocator, &users, &items, &values, &times, csr, csc, 2, &info);
    try testing.expectEqual(Status.ok, status);
    try testing.expectEqualSlices(u32, &.{ 0, 2, 1, 0, 2 }, csr.index);
    try testing.expectEqualSlices(u32, &.{ 0, 2, 3, 5 }, csc.ptr);
    try testing.expectEqualSlices(u32, &.{ 0, 2, 1, 0, 2 }, csc.index);
    try testing.expectEqualSlices(f32, &.{ 1, 4, 3, 2, 5 }, csc.values);
}

test "build reports a duplicate pair and an out-of-range index" {
    var layouts: TestLayouts(2, 3) = .{};
    const csr = layouts.csr();
    const csc = layouts.csc();
    const values = [_]f32{ 1, 2, 3 };
    const times = [_]u32{ 1, 2, 3 };
    const allocator = testing.allocator;
    var info: ErrorRecord = .{};
    const items = [_]u32{ 1, 0, 1 };
    const repeated = [_]u32{ 1, 0, 1 };
    var status = try build(allocator, &repeated, &items, &values, &times, csr, csc, 2, &info);
    try testing.expectEqual(Status.duplicate_pair, status);
    try testing.expectEqual(@as(u64, 1), info.row);
    try testing.expectEqual(@as(u64, 1), info.index);
    const out_of_range = [_]u32{ 1, 0, 2 };
    status = try build(allocator, &out_of_range, &items, &values, &times, csr, csc, 2, &info);
    try testing.expectEqual(Status.index_out_of_range, status);
    try testing.expectEqual(@as(u64, 2), info.index);
}
