//! Builds `kernels/` into one shared library (`zig-out/lib/librecsys.so`) for Deno FFI.
//!
//!   zig build                      host CPU, ReleaseFast (SIMD width from the host)
//!   zig build -Dcpu=baseline       portable x86-64 baseline, for machines other than the builder
//!   zig build test                 the kernels' unit tests (ReleaseSafe: asserts, bounds and
//!                                  overflow checks on)
//!   zig build fuzz -- --seconds N  fuzz the ratings parser for N seconds (kernels/fuzz.zig)
const std = @import("std");

pub fn build(b: *std.Build) void {
    const target = b.standardTargetOptions(.{});
    const optimize = b.option(
        std.builtin.OptimizeMode,
        "optimize",
        "Optimisation mode of the library (default ReleaseFast)",
    ) orelse .ReleaseFast;

    const lib_module = b.createModule(.{
        .root_source_file = b.path("kernels/root.zig"),
        .target = target,
        .optimize = optimize,
        .link_libc = true,
    });
    const lib = b.addLibrary(.{
        .name = "recsys",
        .linkage = .dynamic,
        .root_module = lib_module,
    });
    b.installArtifact(lib);

    const test_module = b.createModule(.{
        .root_source_file = b.path("kernels/root.zig"),
        .target = target,
        .optimize = .ReleaseSafe,
        .link_libc = true,
    });
    const tests = b.addTest(.{ .root_module = test_module });
    const run_tests = b.addRunArtifact(tests);
    const test_step = b.step("test", "Run the kernels' unit tests");
    test_step.dependOn(&run_tests.step);

    // The parser fuzzer (kernels/fuzz.zig): a bounded run among the tests, a longer one on request.
    const fuzz_module = b.createModule(.{
        .root_source_file = b.path("kernels/fuzz.zig"),
        .target = target,
        .optimize = .ReleaseSafe,
        .link_libc = true,
    });
    const fuzz_tests = b.addTest(.{ .root_module = fuzz_module });
    test_step.dependOn(&b.addRunArtifact(fuzz_tests).step);
    const fuzz_exe = b.addExecutable(.{ .name = "fuzz", .root_module = fuzz_module });
    const run_fuzz = b.addRunArtifact(fuzz_exe);
    if (b.args) |args| run_fuzz.addArgs(args);
    const fuzz_step = b.step(
        "fuzz",
        "Fuzz the ratings parser: zig build fuzz -- --seconds 60 --seed 1",
    );
    fuzz_step.dependOn(&run_fuzz.step);
}
