//! Read-only file mapping for the parsers: the bytes of a whole file without copying them.
const std = @import("std");
const assert = std.debug.assert;

pub const Mapped = struct {
    bytes: []const u8,
    region: ?[]align(std.heap.page_size_min) const u8,

    pub fn unmap(self: Mapped) void {
        if (self.region) |region| std.posix.munmap(region);
    }
};

/// Maps the file at `path` read-only. An empty file maps to an empty slice.
pub fn mapFile(path: []const u8) !Mapped {
    assert(path.len > 0);
    const file = try std.fs.cwd().openFile(path, .{});
    defer file.close();
    const size = (try file.stat()).size;
    if (size == 0) return .{ .bytes = &.{}, .region = null };
    const region = try std.posix.mmap(
        null,
        @intCast(size),
        std.posix.PROT.READ,
        .{ .TYPE = .PRIVATE },
        file.handle,
        0,
    );
    std.posix.madvise(region.ptr, region.len, std.posix.MADV.SEQUENTIAL) catch {};
    return .{ .bytes = region[0..@intCast(size)], .region = region };
}
