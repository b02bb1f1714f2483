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

/// Asks Linux to back the 2 MiB-aligned interior of a large buffer with transparent huge pages, so
/// first touches of fresh memory fault 512 times less often. Advice only: any failure is ignored,
/// and other systems are left alone.
pub fn adviseHugePages(bytes: []u8) void {
    if (@import("builtin").os.tag != .linux) return;
    const huge: usize = 2 * 1024 * 1024;
    if (bytes.len < 2 * huge) return;
    const start = std.mem.alignForward(usize, @intFromPtr(bytes.ptr), huge);
    const end = std.mem.alignBackward(usize, @intFromPtr(bytes.ptr) + bytes.len, huge);
    if (end <= start) return;
    assert((end - start) % huge == 0);
    const aligned: [*]align(std.heap.page_size_min) u8 = @ptrFromInt(start);
    std.posix.madvise(aligned, end - start, std.os.linux.MADV.HUGEPAGE) catch {};
}
