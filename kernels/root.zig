//! The C ABI of the kernel library: every `export fn` lives here and nowhere else. Each one turns
//! pointer + length arguments into slices, checks them, calls the kernel behind it and returns a
//! `Status` code (0 = ok). Details of a failure go into the caller's `ErrorInfo` (four u64 words).
//! Lengths are u32; all long-lived buffers belong to the caller (TypeScript).
const std = @import("std");
const status_mod = @import("status.zig");
const threads_mod = @import("threads.zig");
const parse = @import("parse.zig");
const sparse = @import("sparse.zig");
const io = @import("io.zig");
const rng = @import("rng.zig");

const Status = status_mod.Status;
const ErrorInfo = status_mod.ErrorInfo;
const allocator = std.heap.c_allocator;

/// Bumped whenever an exported signature changes; the wrapper refuses a library of another version.
pub const abi_version: u32 = 1;

fn code(status: Status) i32 {
    return @intFromEnum(status);
}

export fn rs_abi_version() u32 {
    return abi_version;
}

/// SIMD lanes of f32 the library was built for (8 for AVX2, 16 for AVX-512, 4 for SSE/NEON).
export fn rs_simd_f32_lanes() u32 {
    return std.simd.suggestVectorLength(f32) orelse 1;
}

// ---------------------------------------------------------------------------------------------
// Ingestion: ratings.csv → columns → dense ids → CSR + CSC.

/// Pass one over ratings.csv: checks the header, cuts `parts` partitions at line starts and counts
/// their lines. `offsets` has `parts + 1` entries, `lines` has `parts`.
export fn rs_ratings_scan(
    path_ptr: ?[*]const u8,
    path_len: u32,
    parts: u32,
    offsets_ptr: ?[*]u64,
    lines_ptr: ?[*]u64,
    info: ?*ErrorInfo,
) i32 {
    const error_info = info orelse return code(.invalid_argument);
    if (path_ptr == null or path_len == 0 or offsets_ptr == null or lines_ptr == null) return code(.invalid_argument);
    if (parts == 0 or parts > threads_mod.threads_max) return code(.invalid_argument);
    const mapped = io.mapFile(path_ptr.?[0..path_len]) catch return code(.io_error);
    defer mapped.unmap();
    return code(parse.scan(mapped.bytes, offsets_ptr.?[0 .. parts + 1], lines_ptr.?[0..parts], error_info));
}

/// Pass two: parses the partitions `rs_ratings_scan` made into four columns of `rows` entries.
/// Fails with `invalid_argument` if the file changed size since the scan.
export fn rs_ratings_parse(
    path_ptr: ?[*]const u8,
    path_len: u32,
    parts: u32,
    offsets_ptr: ?[*]const u64,
    lines_ptr: ?[*]const u64,
    rows: u32,
    users: ?[*]u32,
    movies: ?[*]u32,
    ratings: ?[*]f32,
    times: ?[*]u32,
    info: ?*ErrorInfo,
) i32 {
    const error_info = info orelse return code(.invalid_argument);
    if (path_ptr == null or path_len == 0 or offsets_ptr == null or lines_ptr == null) return code(.invalid_argument);
    if (users == null or movies == null or ratings == null or times == null) return code(.invalid_argument);
    if (parts == 0 or parts > threads_mod.threads_max) return code(.invalid_argument);
    const offsets = offsets_ptr.?[0 .. parts + 1];
    const lines = lines_ptr.?[0..parts];
    var total: u64 = 0;
    for (lines) |count| total += count;
    if (total != rows) return code(.invalid_argument);
    const mapped = io.mapFile(path_ptr.?[0..path_len]) catch return code(.io_error);
    defer mapped.unmap();
    if (offsets[parts] != mapped.bytes.len) return code(.invalid_argument);
    for (offsets[0..parts], offsets[1..]) |begin, end| {
        if (begin > end) return code(.invalid_argument);
    }
    const columns: parse.Columns = .{
        .users = users.?[0..rows],
        .movies = movies.?[0..rows],
        .ratings = ratings.?[0..rows],
        .times = times.?[0..rows],
    };
    return code(parse.parse(mapped.bytes, offsets, lines, columns, error_info));
}

/// Distinct count and largest value of `raw`: `out[0] = count`, `out[1] = max`.
export fn rs_ids_distinct(raw: ?[*]const u32, len: u32, out: ?*[2]u32) i32 {
    if ((raw == null and len > 0) or out == null) return code(.invalid_argument);
    const values: []const u32 = if (len == 0) &.{} else raw.?[0..len];
    const result = sparse.distinct(allocator, values) catch return code(.out_of_memory);
    out.?.* = .{ result.count, result.max };
    return code(.ok);
}

/// Rewrites `raw` in place to dense indices; `ids[dense] = raw id`, ascending.
export fn rs_ids_densify(raw: ?[*]u32, len: u32, max: u32, ids: ?[*]u32, ids_len: u32) i32 {
    if ((raw == null and len > 0) or (ids == null and ids_len > 0)) return code(.invalid_argument);
    const values: []u32 = if (len == 0) &.{} else raw.?[0..len];
    const out: []u32 = if (ids_len == 0) &.{} else ids.?[0..ids_len];
    return code(sparse.densify(allocator, values, max, out) catch return code(.out_of_memory));
}

/// Builds CSR (by user) and CSC (by item) from `nnz` coordinate entries with dense indices.
/// `user_ptr` has `n_users + 1` entries and `item_ptr` `n_items + 1`; the rest have `nnz`.
export fn rs_matrix_build(
    n_users: u32,
    n_items: u32,
    nnz: u32,
    users: ?[*]const u32,
    items: ?[*]const u32,
    ratings: ?[*]const f32,
    times: ?[*]const u32,
    user_ptr: ?[*]u32,
    user_items: ?[*]u32,
    user_ratings: ?[*]f32,
    user_times: ?[*]u32,
    item_ptr: ?[*]u32,
    item_users: ?[*]u32,
    item_ratings: ?[*]f32,
    item_times: ?[*]u32,
    threads: u32,
    info: ?*ErrorInfo,
) i32 {
    const error_info = info orelse return code(.invalid_argument);
    if (user_ptr == null or item_ptr == null) return code(.invalid_argument);
    if (nnz > 0 and (users == null or items == null or ratings == null or times == null or
        user_items == null or user_ratings == null or user_times == null or
        item_users == null or item_ratings == null or item_times == null)) return code(.invalid_argument);
    if (n_users == std.math.maxInt(u32) or n_items == std.math.maxInt(u32)) return code(.invalid_argument);
    const n: usize = nnz;
    const csr: sparse.Compressed = .{
        .ptr = user_ptr.?[0 .. @as(usize, n_users) + 1],
        .index = if (n == 0) &.{} else user_items.?[0..n],
        .values = if (n == 0) &.{} else user_ratings.?[0..n],
        .times = if (n == 0) &.{} else user_times.?[0..n],
    };
    const csc: sparse.Compressed = .{
        .ptr = item_ptr.?[0 .. @as(usize, n_items) + 1],
        .index = if (n == 0) &.{} else item_users.?[0..n],
        .values = if (n == 0) &.{} else item_ratings.?[0..n],
        .times = if (n == 0) &.{} else item_times.?[0..n],
    };
    const status = sparse.build(
        allocator,
        if (n == 0) &.{} else users.?[0..n],
        if (n == 0) &.{} else items.?[0..n],
        if (n == 0) &.{} else ratings.?[0..n],
        if (n == 0) &.{} else times.?[0..n],
        csr,
        csc,
        threads,
        error_info,
    ) catch return code(.out_of_memory);
    return code(status);
}

test {
    _ = status_mod;
    _ = threads_mod;
    _ = parse;
    _ = sparse;
    _ = rng;
}
