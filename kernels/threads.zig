//! Static partitions of index ranges over `std.Thread.spawn` + `join`. No pool: every parallel
//! call spawns `threads - 1` workers, runs the first partition on the calling thread, and joins
//! them all.
const std = @import("std");
const assert = std.debug.assert;

pub const threads_max: u32 = 64;

/// The half-open range `[begin, end)` that partition `part` of `parts` gets out of `0..count`.
pub fn partRange(count: usize, parts: u32, part: u32) struct { begin: usize, end: usize } {
    assert(parts >= 1);
    assert(parts <= threads_max);
    assert(part < parts);
    const begin = count * part / parts;
    const end = count * (part + 1) / parts;
    assert(begin <= end);
    return .{ .begin = begin, .end = end };
}

/// Clamps a requested thread count to `1..threads_max` and to at most one thread per `grain` items.
pub fn clampThreads(requested: u32, count: usize, grain: usize) u32 {
    assert(grain >= 1);
    const useful: usize = @max(1, count / grain);
    const wanted: usize = @min(@max(requested, 1), threads_max);
    const clamped: u32 = @intCast(@min(wanted, useful));
    assert(clamped >= 1);
    assert(clamped <= threads_max);
    return clamped;
}

/// Runs `func(context, part)` for every `part` in `0..parts`, in parallel. `func` must not fail;
/// it reports errors through `context`. When a spawn fails the remaining parts run on this thread,
/// so the work is always done, in the same partitions, whatever the system allows.
pub fn run(parts: u32, context: anytype, comptime func: fn (@TypeOf(context), u32) void) void {
    assert(parts >= 1);
    assert(parts <= threads_max);
    var handles: [threads_max]?std.Thread = [_]?std.Thread{null} ** threads_max;
    var part: u32 = 1;
    while (part < parts) : (part += 1) {
        handles[part] = std.Thread.spawn(.{}, func, .{ context, part }) catch null;
        if (handles[part] == null) func(context, part);
    }
    func(context, 0);
    part = 1;
    while (part < parts) : (part += 1) {
        if (handles[part]) |handle| handle.join();
    }
}

test "partRange covers the range exactly once" {
    const count: usize = 1003;
    var parts: u32 = 1;
    while (parts <= 7) : (parts += 1) {
        var expected_begin: usize = 0;
        var part: u32 = 0;
        while (part < parts) : (part += 1) {
            const range = partRange(count, parts, part);
            try std.testing.expectEqual(expected_begin, range.begin);
            expected_begin = range.end;
        }
        try std.testing.expectEqual(count, expected_begin);
    }
}

test "run visits every part once" {
    const Context = struct {
        const Hit = std.atomic.Value(u32);
        hits: [8]Hit = [_]Hit{Hit.init(0)} ** 8,
        fn visit(self: *@This(), part: u32) void {
            _ = self.hits[part].fetchAdd(1, .monotonic);
        }
    };
    var context: Context = .{};
    run(8, &context, Context.visit);
    for (&context.hits) |*hit| try std.testing.expectEqual(@as(u32, 1), hit.load(.monotonic));
}
