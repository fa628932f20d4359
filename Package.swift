// swift-tools-version: 6.0
//
// fp-ledger: an event-sourced record of targeted poverty alleviation (精准扶贫建档立卡).
// Three layers, data flowing one way: EventStore (bytes, streams, positions) ->
// Projections (the domain) -> fprepl (the REPL). See docs/contributing.md.

import PackageDescription

let package = Package(
    name: "fp-ledger",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "EventStore", targets: ["EventStore"]),
        .library(name: "Projections", targets: ["Projections"]),
        .executable(name: "fprepl", targets: ["fprepl"]),
        .executable(name: "store-benchmarks", targets: ["StoreBenchmarks"]),
        .executable(name: "projection-benchmarks", targets: ["ProjectionBenchmarks"]),
        .executable(name: "postgres-comparison", targets: ["PostgresComparison"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // Event payloads. Exact: the generated code in Sources/Projections/Generated is
        // made by this version's protoc-gen-swift (scripts/generate-events).
        .package(url: "https://github.com/apple/swift-protobuf", exact: "1.39.0"),
        // SHA-256 for the Merkle tree and Ed25519 for signed checkpoints (BoringSSL inside).
        .package(url: "https://github.com/apple/swift-crypto", from: "4.0.0"),
        // The PostgreSQL backend (issue 8): the wire protocol, on SwiftNIO.
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.0"),
    ],
    targets: [
        // The segmented, append-only log. Knows streams, versions, positions and bytes;
        // knows nothing of households.
        .target(name: "EventStore", dependencies: ["CCRC32C", "CSHA256", .product(name: "Crypto", package: "swift-crypto")]),

        // The same log on PostgreSQL: one events table partitioned by county. Knows
        // streams, versions and positions like EventStore, nothing of households.
        .target(
            name: "PostgresStore",
            dependencies: ["EventStore", .product(name: "PostgresNIO", package: "postgres-nio")]
        ),

        // The CPU's CRC-32C instruction, where it has one (EventStore falls back to
        // tables where it does not).
        .target(name: "CCRC32C"),

        // SHA-256 for the Merkle tree with the CPU's SHA extensions where it has them
        // (swift-crypto's SHA256, several times slower on 65-byte nodes, is the reference
        // in the tests; it signs checkpoints).
        .target(name: "CSHA256"),

        // The domain: identifiers, events, folds that build state.
        .target(
            name: "Projections",
            dependencies: ["EventStore", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
            // The canonical sample logs (Events/samples links here): the demo starts from them.
            resources: [.copy("Samples")]
        ),

        // libedit, used by the REPL only when stdin is a terminal.
        .systemLibrary(
            name: "CEditLine",
            pkgConfig: "libedit",
            providers: [.apt(["libedit-dev"])]
        ),

        // Ctrl-C: a SIGINT handler that sets a flag long commands look at.
        .target(name: "CInterrupt"),

        .executableTarget(
            name: "fprepl",
            dependencies: [
                "EventStore",
                "PostgresStore",
                "Projections",
                "CEditLine",
                "CInterrupt",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // Release-mode benchmarks of the store; see docs/performance.md.
        .executableTarget(
            name: "StoreBenchmarks",
            dependencies: ["EventStore"],
            path: "Benchmarks/StoreBenchmarks"
        ),

        .executableTarget(
            name: "ProjectionBenchmarks",
            dependencies: ["EventStore", "Projections"],
            path: "Benchmarks/ProjectionBenchmarks"
        ),

        // The PostgreSQL backend beside the file store: append and replay.
        .executableTarget(
            name: "PostgresComparison",
            dependencies: ["EventStore", "PostgresStore"],
            path: "Benchmarks/PostgresComparison"
        ),

        // A child process the crash tests start and kill with SIGKILL mid-append.
        .executableTarget(
            name: "store-crash-helper",
            dependencies: ["EventStore"],
            path: "Tests/StoreCrashHelper"
        ),

        .testTarget(
            name: "EventStoreTests",
            dependencies: ["EventStore", "CSHA256", "TestSupport", "store-crash-helper", .product(name: "Crypto", package: "swift-crypto")],
            // Read by path (#filePath), not bundled.
            exclude: ["MerkleVectors"]
        ),
        // What several test targets share: the PostgreSQL server the tests use (found, or
        // started with scripts/postgres-test-server and stopped at exit), and starting a
        // child process with no signal blocked.
        .target(name: "TestSupport", path: "Tests/TestSupport"),

        // A writer process for the PostgreSQL concurrency test.
        .executableTarget(
            name: "log-append-helper",
            dependencies: ["EventStore", "PostgresStore"],
            path: "Tests/LogAppendHelper"
        ),

        // One suite, two backends: every test runs on the file store and on PostgreSQL.
        .testTarget(
            name: "EventLogConformanceTests",
            dependencies: ["EventStore", "PostgresStore", "TestSupport", "log-append-helper"]
        ),
        .testTarget(
            name: "ProjectionsTests",
            dependencies: ["Projections", .product(name: "SwiftProtobuf", package: "swift-protobuf")]
        ),
        // End-to-end: runs the built fprepl and compares stdout, stderr and exit status.
        .testTarget(
            name: "fpreplTests",
            dependencies: ["fprepl", "EventStore", "TestSupport"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
