// swift-tools-version: 6.1
//
// The same events in fp-ledger's file store and in SQLite, side by side in one run
// (docs/performance.md, "Against SQLite"). A package of its own so that the main
// package and its tests do not build GRDB:
//
//   swift build -c release --package-path Benchmarks/SQLiteComparison
//   Benchmarks/SQLiteComparison/.build/release/sqlite-comparison --households 10000

import PackageDescription

let package = Package(
    name: "SQLiteComparison",
    platforms: [.macOS(.v15)],
    dependencies: [
        // Named, since a path dependency is otherwise known by its directory name.
        .package(name: "fp-ledger", path: "../.."),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
    ],
    targets: [
        .executableTarget(
            name: "sqlite-comparison",
            dependencies: [
                .product(name: "EventStore", package: "fp-ledger"),
                .product(name: "Projections", package: "fp-ledger"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            path: "Sources/SQLiteComparison"
        ),
    ],
    swiftLanguageModes: [.v6]
)
